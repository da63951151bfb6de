/**
 * The wire format of cc-metric-store's `POST /api/query` (protocol v1.0, as cc-backend v1.0 speaks
 * it), and the checks on what comes back. Anything a store sends is untrusted: a body that is not an
 * object with a `results` array is refused as a whole; a malformed single entry only loses itself.
 */

export interface CcmsApiQuery {
  metric: string;
  host: string;
  /** Combine the type-ids into one result (with the metric's aggregation) instead of one result each. */
  aggreg: boolean;
  type?: string;
  "type-ids"?: string[];
}

export interface CcmsApiRequest {
  cluster: string;
  from: number;
  to: number;
  "with-stats": boolean;
  "with-data": boolean;
  /**
   * Always false: stores that pad do not say so in `from`, stores that predate the flag never pad;
   * asking for no padding makes both answer alike, and the client pads by itself.
   */
  "with-padding": false;
  queries?: CcmsApiQuery[];
  "for-all-nodes"?: string[];
}

/** One result entry, checked: numbers are finite or null. */
export interface CcmsResult {
  error?: string;
  /** Time of data[0]; undefined when the store did not say. */
  from?: number;
  data?: (number | null)[];
  avg: number | null;
  min: number | null;
  max: number | null;
}

export interface CcmsApiResponse {
  /** The queries the store generated for `for-all-nodes`, in the order of their results (after the explicit ones). */
  queries?: unknown[];
  /** One row per query, checked entry by entry when read (readResult). */
  results: unknown[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The body's shape, or a string saying why it is not an answer to a query. */
export function checkResponse(body: unknown): CcmsApiResponse | string {
  if (!isRecord(body)) return "the body is not a JSON object";
  if (!Array.isArray(body.results)) return 'the body has no "results" array';
  if (body.queries !== undefined && body.queries !== null && !Array.isArray(body.queries)) return '"queries" is not an array';
  return { results: body.results, queries: Array.isArray(body.queries) ? body.queries : undefined };
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** One entry of a result row, or a string saying what is wrong with it. */
export function readResult(raw: unknown): CcmsResult | string {
  if (!isRecord(raw)) return "malformed result entry";
  if (raw.error !== undefined && raw.error !== null) return typeof raw.error === "string" && raw.error !== "" ? { error: raw.error, avg: null, min: null, max: null } : "malformed error entry";
  const result: CcmsResult = { avg: finiteOrNull(raw.avg), min: finiteOrNull(raw.min), max: finiteOrNull(raw.max) };
  if (typeof raw.from === "number" && Number.isFinite(raw.from)) result.from = raw.from;
  if (raw.data !== undefined && raw.data !== null) {
    if (!Array.isArray(raw.data)) return '"data" is not an array';
    // NaN arrives as null (Go's schema.Float); anything else that is not a number is no sample either.
    result.data = raw.data.map(finiteOrNull);
  }
  return result;
}

/** host and metric of a query the store generated for `for-all-nodes`, if it names them. */
export function readGeneratedQuery(raw: unknown): { host: string; metric: string } | undefined {
  if (!isRecord(raw)) return undefined;
  const host = raw.host ?? raw.hostname;
  const metric = raw.metric;
  return typeof host === "string" && host !== "" && typeof metric === "string" && metric !== "" ? { host, metric } : undefined;
}
