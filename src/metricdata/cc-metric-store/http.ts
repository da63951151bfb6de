/**
 * One query request to a cc-metric-store: POST <url>/api/query with the Bearer token, a time limit
 * of its own, and the caller's AbortSignal. Every failure becomes a CcMetricStoreError that names the
 * store by its URL (without credentials) and never contains the token.
 */
import { checkResponse, type CcmsApiRequest, type CcmsApiResponse } from "./protocol.js";

export const DEFAULT_TIMEOUT_SECONDS = 60;

/** The store could not answer a request at all (unreachable, too slow, HTTP error, not the protocol). */
export class CcMetricStoreError extends Error {
  override readonly name = "CcMetricStoreError";
}

/** The URL as it may appear in messages and logs: without user, password, query and fragment. */
export function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
}

export interface CcmsHttpOptions {
  /** The store's base URL, e.g. http://localhost:8082; the query goes to <url>/api/query. */
  url: string;
  /** JWT the store accepts; sent as `Authorization: Bearer`. */
  token?: string;
  /** Time limit of one request, from sending it to the last byte of the answer. */
  timeoutSeconds?: number;
}

export class CcmsHttp {
  readonly endpoint: URL;
  /** The store as named in messages. */
  readonly where: string;
  readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  /** What must never appear in a message. */
  private readonly secrets: string[];

  constructor(options: CcmsHttpOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new CcMetricStoreError(`cc-metric-store url ${JSON.stringify(options.url)} is not a URL`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new CcMetricStoreError(`cc-metric-store url must start with http:// or https:// (got ${base.protocol})`);
    this.where = displayUrl(base);
    // fetch refuses URLs with credentials; those of a URL (for a proxy in front of the store) go as Basic auth.
    const user = decoded(base.username);
    const password = decoded(base.password);
    this.endpoint = new URL(`${base.pathname.replace(/\/+$/, "")}/api/query`, base.origin);
    const seconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    this.timeoutMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_TIMEOUT_SECONDS * 1000;
    if (options.token) this.authorization = `Bearer ${options.token}`;
    else if (user || password) this.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    this.secrets = [options.token ?? "", password, base.password].filter((secret) => secret.length > 0);
  }

  private fail(message: string): CcMetricStoreError {
    // A store could echo what it got; the token must not travel on in an error message.
    const text = this.secrets.reduce((out, secret) => out.split(secret).join("[redacted]"), message);
    return new CcMetricStoreError(`cc-metric-store at ${this.where}: ${text}`);
  }

  async query(request: CcmsApiRequest, signal?: AbortSignal): Promise<CcmsApiResponse> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (this.authorization) headers.authorization = this.authorization;
    let status = 0;
    let text: string;
    try {
      const response = await fetch(this.endpoint, { method: "POST", headers, body: JSON.stringify(request), signal: combined });
      status = response.status;
      text = await response.text();
      if (!response.ok) {
        const hint = status === 401 || status === 403 ? " (check the token)" : "";
        throw this.fail(`answered HTTP ${status} ${response.statusText}${hint}${detail(text)}`);
      }
    } catch (error) {
      if (error instanceof CcMetricStoreError) throw error;
      // The caller gave up: that is not the store's fault, pass the caller's reason on.
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw this.fail(`no answer within ${this.timeoutMs / 1000} s${status ? ` (HTTP ${status} came, the body did not)` : ""}`);
      throw this.fail(`unreachable: ${reason(error)}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw this.fail(`the answer is not JSON${detail(text)}`);
    }
    const checked = checkResponse(body);
    if (typeof checked === "string") throw this.fail(`the answer is not a query result: ${checked}`);
    return checked;
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch says only "fetch failed"; the cause has ECONNREFUSED, ENOTFOUND, a TLS problem, ...
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${error.message} (${(cause as { code?: string }).code ?? cause.message})`;
  return error.message;
}

function detail(text: string): string {
  const trimmed = text.trim().replace(/\s+/g, " ");
  if (trimmed === "") return "";
  return `: ${trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed}`;
}
