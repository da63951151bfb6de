/**
 * cc-metric-store's query protocol (`POST /api/query`, as cc-backend v1.0's CCMetricStore client
 * speaks it), as a pure function over the store, so that tools written for cc-metric-store can query
 * this one.
 *
 * Request:  {cluster, from, to, with-stats?, with-data?, with-padding?, queries?: [{metric, host,
 *           aggreg?, type?, type-ids?, scale-by?}], for-all-nodes?: [metric...]}
 *           (with-stats, with-data and with-padding default to true, as in cc-metric-store)
 * Response: {queries?, results: [[{error?, from, to, data?, avg, min, max}]]}
 *
 * One inner array per query; one entry per selected series: the type-ids combined into one entry
 * when `aggreg` is set or no type is given, else one entry per type-id. NaN is null in JSON. A
 * series that cannot be read is an entry with `error`, never a failed request.
 */
import { isMetricScope, type MetricScope } from "../scopes.js";
import { combine, selectSeries, statistics, toNullable } from "./query.js";
import type { MetricStore } from "./store.js";

export interface CcmsQuery {
  metric: string;
  host: string;
  aggreg?: boolean;
  type?: string;
  "type-ids"?: string[];
  subtype?: string;
  "subtype-ids"?: string[];
  "scale-by"?: number;
}

export interface CcmsQueryRequest {
  cluster: string;
  from: number;
  to: number;
  "with-stats"?: boolean;
  "with-data"?: boolean;
  "with-padding"?: boolean;
  queries?: CcmsQuery[];
  "for-all-nodes"?: string[];
}

export interface CcmsMetricData {
  error?: string;
  from: number;
  to: number;
  data?: (number | null)[];
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface CcmsQueryResponse {
  queries?: CcmsQuery[];
  results: CcmsMetricData[][];
}

/** A request that does not follow the protocol: the route answers 400 with the message. */
export class CcmsProtocolError extends Error {}

const MAX_QUERIES = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalBoolean(body: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new CcmsProtocolError(`${where}"${key}" must be a boolean`);
  return value;
}

function stringList(value: unknown, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new CcmsProtocolError(`${where} must be an array`);
  return value.map((item, i) => {
    // cc-metric-store once took type-ids as numbers; accept both.
    if (typeof item === "string") return item;
    if (typeof item === "number" && Number.isInteger(item)) return String(item);
    throw new CcmsProtocolError(`${where}[${i}] must be a string`);
  });
}

/** Checks the shape of a parsed JSON body; throws CcmsProtocolError naming the first problem. */
export function parseCcmsQueryRequest(body: unknown): CcmsQueryRequest {
  if (!isRecord(body)) throw new CcmsProtocolError("the body must be a JSON object");
  const cluster = body.cluster ?? "";
  if (typeof cluster !== "string") throw new CcmsProtocolError('"cluster" must be a string');
  for (const key of ["from", "to"] as const) {
    if (typeof body[key] !== "number" || !Number.isFinite(body[key])) throw new CcmsProtocolError(`"${key}" must be a number (Unix seconds)`);
  }
  const from = Math.floor(body.from as number);
  const to = Math.floor(body.to as number);
  if (from > to) throw new CcmsProtocolError('invalid time range: "from" must not be after "to"');
  const request: CcmsQueryRequest = { cluster, from, to };
  for (const key of ["with-stats", "with-data", "with-padding"] as const) {
    const value = optionalBoolean(body, key, "");
    if (value !== undefined) request[key] = value;
  }
  const forAll = stringList(body["for-all-nodes"], '"for-all-nodes"');
  if (forAll) {
    if (cluster === "") throw new CcmsProtocolError('"for-all-nodes" needs a "cluster"');
    request["for-all-nodes"] = forAll;
  }
  const queries = body.queries;
  if (queries !== undefined && queries !== null) {
    if (!Array.isArray(queries)) throw new CcmsProtocolError('"queries" must be an array');
    if (queries.length > MAX_QUERIES) throw new CcmsProtocolError(`more than ${MAX_QUERIES} queries`);
    request.queries = queries.map((raw, i) => {
      const where = `queries[${i}]`;
      if (!isRecord(raw)) throw new CcmsProtocolError(`${where} must be an object`);
      const metric = raw.metric;
      if (typeof metric !== "string" || metric === "") throw new CcmsProtocolError(`${where}.metric must be a non-empty string`);
      const host = raw.host ?? raw.hostname;
      if (typeof host !== "string" || host === "") throw new CcmsProtocolError(`${where}.host must be a non-empty string`);
      const query: CcmsQuery = { metric, host };
      const aggreg = optionalBoolean(raw, "aggreg", `${where}.`);
      if (aggreg !== undefined) query.aggreg = aggreg;
      for (const key of ["type", "subtype"] as const) {
        const value = raw[key];
        if (value === undefined || value === null) continue;
        if (typeof value !== "string") throw new CcmsProtocolError(`${where}.${key} must be a string`);
        query[key] = value;
      }
      for (const key of ["type-ids", "subtype-ids"] as const) {
        const ids = stringList(raw[key], `${where}.${key}`);
        if (ids) query[key] = ids;
      }
      const scale = raw["scale-by"];
      if (scale !== undefined && scale !== null) {
        if (typeof scale !== "number" || !Number.isFinite(scale)) throw new CcmsProtocolError(`${where}.scale-by must be a number`);
        query["scale-by"] = scale;
      }
      return query;
    });
  }
  return request;
}

function jsonNumber(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function errorEntry(message: string): CcmsMetricData {
  return { error: message, from: 0, to: 0, avg: 0, min: 0, max: 0 };
}

/** One selector: its stored series read, combined, with statistics, scaling and padding as asked. */
function readSelector(store: MetricStore, request: CcmsQueryRequest, query: CcmsQuery, type: MetricScope | undefined, typeIds: string[] | undefined): CcmsMetricData {
  const info = store.metric(request.cluster, query.metric);
  if (!info) return errorEntry(`unknown metric: ${query.metric}`);
  const series = selectSeries(store, request.cluster, query.host, query.metric, type, typeIds ?? (type === undefined || type === "node" ? undefined : []));
  const range = combine(series, request.from, request.to, info.aggregation, { reuse: true });
  if (!range) return errorEntry("metric or host not found");
  const withStats = request["with-stats"] ?? true;
  const withData = request["with-data"] ?? true;
  const withPadding = request["with-padding"] ?? true;
  let avg = 0;
  let min = 0;
  let max = 0;
  if (withStats) {
    const s = statistics(range.data);
    ({ avg, min, max } = s);
  }
  const scale = query["scale-by"];
  const data = range.data;
  if (scale !== undefined && scale !== 0 && scale !== 1) {
    avg *= scale;
    min *= scale;
    max *= scale;
    for (let i = 0; i < data.length; i++) data[i]! *= scale;
  }
  const result = { avg: jsonNumber(avg), min: jsonNumber(min), max: jsonNumber(max) };
  if (!withData || data.length === 0) return { from: range.from, to: range.to, ...result };
  let values = toNullable(data);
  const padFront = withPadding ? Math.floor(range.from / range.timestep) - Math.floor(request.from / range.timestep) : 0;
  if (padFront > 0) values = new Array<number | null>(padFront).fill(null).concat(values);
  return { from: range.from, to: range.to, data: values, ...result };
}

/** Answers a query request (already checked by parseCcmsQueryRequest). */
export function runCcmsQuery(store: MetricStore, request: CcmsQueryRequest): CcmsQueryResponse {
  const queries = [...(request.queries ?? [])];
  const response: CcmsQueryResponse = { results: [] };
  if (request["for-all-nodes"]) {
    const generated: CcmsQuery[] = [];
    for (const host of store.hostNames(request.cluster)) {
      for (const metric of request["for-all-nodes"]) generated.push({ metric, host, aggreg: false });
    }
    queries.push(...generated);
    response.queries = generated;
  }
  for (const query of queries) {
    if (query.subtype !== undefined) {
      response.results.push([errorEntry("sub-types (subtype, subtype-ids) are not supported")]);
      continue;
    }
    let type: MetricScope | undefined;
    if (query.type !== undefined) {
      if (!isMetricScope(query.type)) {
        response.results.push([errorEntry(`unknown type "${query.type}"`)]);
        continue;
      }
      type = query.type;
    }
    const ids = query["type-ids"] ?? [];
    if (type === undefined || type === "node" || query.aggreg) {
      response.results.push([readSelector(store, request, query, type, type === undefined || type === "node" ? undefined : ids)]);
    } else {
      response.results.push(ids.map((id) => readSelector(store, request, query, type, [id])));
    }
  }
  return response;
}
