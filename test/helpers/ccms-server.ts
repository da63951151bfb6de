/**
 * A small cc-metric-store for tests: `POST /api/query` in the documented protocol shape, on
 * 127.0.0.1 and a free port, over series the test puts in. It checks the Bearer token, records every
 * request, and misbehaves on demand (HTTP 500, garbage, a body without results, fewer rows than
 * queries, answering too slowly).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";

export interface StoredSeries {
  /** Time of data[0]. */
  from: number;
  data: (number | null)[];
}

export type Misbehaviour = "status500" | "garbage" | "no-results" | "short" | "slow";

interface Query {
  metric: string;
  host: string;
  aggreg?: boolean;
  type?: string;
  "type-ids"?: string[];
}

interface Request {
  cluster: string;
  from: number;
  to: number;
  "with-stats"?: boolean;
  "with-data"?: boolean;
  queries?: Query[];
  "for-all-nodes"?: string[];
}

export interface CcmsTestServer {
  url: string;
  /** Every request as received: its Authorization header and parsed body. */
  requests: { authorization?: string; body: Request }[];
  /** Puts a series in: node level without type, else of type/id. */
  put(host: string, metric: string, series: StoredSeries, type?: string, id?: string): void;
  /** Answers the series with an error entry instead. */
  failSeries(host: string, metric: string, error: string, type?: string, id?: string): void;
  /** How the n-th request (0-based) is answered; undefined: properly. */
  misbehave: (index: number) => Misbehaviour | undefined;
  /** How long "slow" waits before answering. */
  slowMs: number;
}

const key = (host: string, metric: string, type?: string, id?: string) => JSON.stringify([host, metric, type ?? "node", id ?? ""]);

function entry(found: StoredSeries[], request: Request): Record<string, unknown> {
  const length = Math.max(...found.map((s) => s.data.length));
  const data: (number | null)[] = [];
  for (let i = 0; i < length; i++) {
    const values = found.map((s) => s.data[i]);
    // As cc-metric-store: a slot missing in one series is missing in the sum.
    data.push(values.some((v) => v === null || v === undefined) ? null : values.reduce<number>((a, b) => a + b!, 0));
  }
  const numbers = data.filter((v): v is number => v !== null);
  const stats =
    numbers.length > 0 ? { avg: numbers.reduce((a, b) => a + b, 0) / numbers.length, min: Math.min(...numbers), max: Math.max(...numbers) } : { avg: null, min: null, max: null };
  const from = found[0]!.from;
  const out: Record<string, unknown> = { from, to: from + length * 60, ...(request["with-stats"] === false ? { avg: 0, min: 0, max: 0 } : stats) };
  if (request["with-data"] !== false) out.data = data;
  return out;
}

export async function startCcmsServer(options: { token?: string } = {}): Promise<CcmsTestServer> {
  const series = new Map<string, StoredSeries>();
  const errors = new Map<string, string>();
  const hosts = new Set<string>();

  const read = (request: Request, host: string, metric: string, type: string | undefined, ids: string[] | undefined): Record<string, unknown> => {
    let keys = type === undefined || type === "node" ? [key(host, metric)] : (ids ?? []).map((id) => key(host, metric, type, id));
    // Without a type, as cc-metric-store: the node series, else everything of the host summed up.
    if (type === undefined && !series.has(keys[0]!)) keys = [...series.keys()].filter((k) => k.startsWith(JSON.stringify([host, metric]).slice(0, -1)));
    const error = keys.map((k) => errors.get(k)).find((e) => e !== undefined);
    if (error) return { error };
    const found = keys.map((k) => series.get(k)).filter((s): s is StoredSeries => s !== undefined);
    return found.length === 0 ? { error: "metric or host not found" } : entry(found, request);
  };

  const answer = (request: Request) => {
    const queries = [...(request.queries ?? [])];
    const generated: Query[] = [...hosts].sort().flatMap((host) => (request["for-all-nodes"] ?? []).map((metric) => ({ metric, host, aggreg: false })));
    const results = [...queries, ...generated].map((q) => {
      if (q.type === undefined || q.type === "node" || q.aggreg) return [read(request, q.host, q.metric, q.type, q["type-ids"])];
      return (q["type-ids"] ?? []).map((id) => read(request, q.host, q.metric, q.type, [id]));
    });
    return request["for-all-nodes"] ? { queries: generated, results } : { results };
  };

  const server: CcmsTestServer = {
    url: "",
    requests: [],
    put(host, metric, stored, type, id) {
      hosts.add(host);
      series.set(key(host, metric, type, id), stored);
    },
    failSeries(host, metric, error, type, id) {
      hosts.add(host);
      errors.set(key(host, metric, type, id), error);
    },
    misbehave: () => undefined,
    slowMs: 2000,
  };

  const httpServer = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const send = (status: number, body: string) => {
        if (!res.writableEnded && !res.destroyed) res.writeHead(status, { "content-type": "application/json" }).end(body);
      };
      if (req.method !== "POST" || req.url !== "/api/query") return send(404, '{"error":"not found"}');
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return send(401, '{"status":"Unauthorized","error":"invalid token"}');
      let body: Request;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Request;
      } catch {
        return send(400, '{"error":"malformed JSON"}');
      }
      const index = server.requests.length;
      server.requests.push({ authorization: req.headers.authorization, body });
      const mode = server.misbehave(index);
      if (mode === "status500") return send(500, '{"error":"internal error"}');
      if (mode === "garbage") return send(200, "<html>not json");
      if (mode === "no-results") return send(200, '{"hello":"world"}');
      const response = answer(body);
      if (mode === "short") response.results.pop();
      if (mode === "slow") {
        const timer = setTimeout(() => send(200, JSON.stringify(response)), server.slowMs);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      send(200, JSON.stringify(response));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  server.url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  afterAll(async () => {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  });
  return server;
}
