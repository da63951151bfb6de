/**
 * The part of Prometheus' HTTP API this backend needs: range queries (`/api/v1/query_range`).
 * Errors name the server by a URL without credentials; the password only ever travels in the
 * Authorization header.
 */

export const DEFAULT_TIMEOUT_SECONDS = 30;

/** Prometheus refuses more than 11,000 points per series in one query; longer ranges are split. */
export const MAX_POINTS_PER_QUERY = 10_000;

export interface PrometheusClientOptions {
  url: string;
  username?: string;
  password?: string;
  timeoutSeconds?: number;
}

/**
 * `unreachable`: no usable answer (connection, timeout, HTTP error without a Prometheus body, bad
 * credentials) — the next query will most likely fail the same way. `query`: Prometheus answered
 * and refused this query (a PromQL error, a limit) — other queries may well succeed.
 */
export type PrometheusErrorKind = "unreachable" | "query";

export class PrometheusError extends Error {
  override name = "PrometheusError";
  constructor(
    message: string,
    readonly kind: PrometheusErrorKind,
  ) {
    super(message);
  }
}

export interface RangeQuery {
  query: string;
  /** Unix seconds; the first evaluation. */
  start: number;
  /** Unix seconds; the last evaluation is the last `start + k * step` not after it. */
  end: number;
  /** Seconds. */
  step: number;
}

export interface MatrixSeries {
  metric: Record<string, string>;
  /** [Unix seconds, value as Prometheus formats it ("1.5", "NaN", "+Inf")]. */
  values: [number, string][];
}

export interface RangeAnswer {
  series: MatrixSeries[];
  /** Prometheus' own warnings about the query. */
  warnings: string[];
}

/** A URL's userinfo, taken out so that it can neither reach fetch (which refuses it) nor a message. */
function splitCredentials(raw: string): { url: URL; username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new PrometheusError(`invalid Prometheus URL ${JSON.stringify(raw.replace(/\/\/[^/@]*@/, "//***@"))}`, "unreachable");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new PrometheusError(`Prometheus URL must be http(s), not ${url.protocol}`, "unreachable");
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = "";
  url.password = "";
  url.search = "";
  url.hash = "";
  return { url, username, password };
}

function short(text: string, limit = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

function isMatrix(value: unknown): value is MatrixSeries[] {
  return (
    Array.isArray(value) &&
    value.every((s) => typeof s === "object" && s !== null && typeof (s as MatrixSeries).metric === "object" && Array.isArray((s as MatrixSeries).values))
  );
}

export class PrometheusClient {
  /** The server's URL without credentials, for messages. */
  readonly displayUrl: string;
  private readonly endpoint: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;

  constructor(options: PrometheusClientOptions) {
    const { url, username, password } = splitCredentials(options.url);
    this.displayUrl = url.href;
    this.endpoint = `${url.href.replace(/\/+$/, "")}/api/v1/query_range`;
    // Configured credentials win over ones written into the URL; a user without password is valid.
    const [user, secret] = options.username ? [options.username, options.password] : [username, password];
    if (user) this.authorization = `Basic ${Buffer.from(`${user}:${secret ?? ""}`, "utf8").toString("base64")}`;
    const seconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    if (!(seconds > 0)) throw new PrometheusError(`timeout must be a positive number of seconds, not ${seconds}`, "unreachable");
    this.timeoutMs = seconds * 1000;
  }

  /** A range query, split into pieces Prometheus accepts; series of the pieces are joined by labels. */
  async queryRange(query: RangeQuery, signal?: AbortSignal): Promise<RangeAnswer> {
    const span = MAX_POINTS_PER_QUERY * query.step;
    const bySeries = new Map<string, MatrixSeries>();
    const warnings = new Set<string>();
    for (let start = query.start; start <= query.end; start += span) {
      const end = Math.min(query.end, start + span - query.step);
      const answer = await this.queryRangeOnce({ ...query, start, end }, signal);
      answer.warnings.forEach((w) => warnings.add(w));
      for (const series of answer.series) {
        const key = JSON.stringify(Object.entries(series.metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        const known = bySeries.get(key);
        if (known) known.values.push(...series.values);
        else bySeries.set(key, { metric: series.metric, values: [...series.values] });
      }
    }
    return { series: [...bySeries.values()], warnings: [...warnings] };
  }

  private async queryRangeOnce(query: RangeQuery, signal?: AbortSignal): Promise<RangeAnswer> {
    const body = new URLSearchParams({ query: query.query, start: String(query.start), end: String(query.end), step: String(query.step) });
    const headers: Record<string, string> = { accept: "application/json", "content-type": "application/x-www-form-urlencoded" };
    if (this.authorization) headers.authorization = this.authorization;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const where = `Prometheus at ${this.displayUrl}`;

    let status: number;
    let statusText: string;
    let text: string;
    try {
      const response = await fetch(this.endpoint, { method: "POST", headers, body, signal: combined });
      status = response.status;
      statusText = response.statusText;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new PrometheusError(`${where} did not answer within ${this.timeoutMs / 1000} s`, "unreachable");
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new PrometheusError(`cannot reach ${where}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, "unreachable");
    }

    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      const hint = status === 401 || status === 403 ? " (check username and password)" : "";
      throw new PrometheusError(`${where} answered HTTP ${status} ${statusText}${hint} with something that is not JSON: ${JSON.stringify(short(text))}`, "unreachable");
    }
    const parsed = answer as { status?: unknown; errorType?: unknown; error?: unknown; warnings?: unknown; data?: { resultType?: unknown; result?: unknown } };
    if (parsed.status === "error") {
      throw new PrometheusError(`${where} rejected the query (${String(parsed.errorType ?? `HTTP ${status}`)}: ${String(parsed.error ?? "no reason given")}); PromQL: ${query.query}`, "query");
    }
    if (parsed.status !== "success" || status !== 200) {
      throw new PrometheusError(`${where} answered HTTP ${status} without a Prometheus API result: ${JSON.stringify(short(text))}`, "unreachable");
    }
    if (parsed.data?.resultType !== "matrix" || !isMatrix(parsed.data.result)) {
      throw new PrometheusError(`${where} answered a ${JSON.stringify(parsed.data?.resultType)} result instead of a matrix; PromQL: ${query.query}`, "query");
    }
    const warnings = Array.isArray(parsed.warnings) ? parsed.warnings.map(String) : [];
    return { series: parsed.data.result, warnings };
  }
}
