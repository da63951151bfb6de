/**
 * Sends planned queries in batches, a few at a time, so that a large job (thousands of hosts, core
 * scope) makes several requests that each finish within the time limit instead of one that does not
 * (cc-backend issue #228). A failed batch costs only its own series; only when every batch fails is
 * there nothing to answer with, and the first error is thrown.
 */
import type { WarningList } from "../repository.js";
import { CcMetricStoreError, type CcmsHttp } from "./http.js";
import type { PlannedQuery } from "./plan.js";
import type { CcmsApiRequest } from "./protocol.js";

export interface BatchOptions {
  /** Most result series one request asks for. */
  maxSeriesPerRequest: number;
  /** Requests in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
}

/**
 * Per planned query: its result row (entries not yet checked), why the store sent none, or "failed"
 * when its whole request failed (already reported once for the request, not per series).
 */
export type RowOutcome = { row: unknown[] } | { missing: string } | "failed";

function split(planned: PlannedQuery[], maxSeries: number): { start: number; end: number }[] {
  const batches: { start: number; end: number }[] = [];
  let start = 0;
  let series = 0;
  planned.forEach((p, i) => {
    if (i > start && series + p.ids.length > maxSeries) {
      batches.push({ start, end: i });
      start = i;
      series = 0;
    }
    series += p.ids.length;
  });
  if (start < planned.length) batches.push({ start, end: planned.length });
  return batches;
}

function hostsOf(planned: PlannedQuery[]): string {
  const hosts = [...new Set(planned.map((p) => p.host))];
  return hosts.length <= 3 ? hosts.join(", ") : `${hosts.slice(0, 3).join(", ")} and ${hosts.length - 3} more`;
}

export async function runBatches(
  http: CcmsHttp,
  request: Omit<CcmsApiRequest, "queries" | "for-all-nodes">,
  planned: PlannedQuery[],
  options: BatchOptions,
  warnings: WarningList,
): Promise<RowOutcome[]> {
  const outcomes: RowOutcome[] = new Array(planned.length);
  const batches = split(planned, Math.max(1, options.maxSeriesPerRequest));
  const errors: CcMetricStoreError[] = [];
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const { start, end } = batches[next++]!;
      const part = planned.slice(start, end);
      try {
        const response = await http.query({ ...request, queries: part.map((p) => p.query) }, options.signal);
        part.forEach((_, k) => {
          const row = response.results[k];
          outcomes[start + k] = Array.isArray(row) ? { row } : { missing: row === undefined ? "the store sent no result for it" : "malformed result row" };
        });
      } catch (error) {
        // Anything else (the caller's abort, a bug) is not a partial failure.
        if (!(error instanceof CcMetricStoreError)) throw error;
        errors.push(error);
        warnings.add(`${part.length} queries for host(s) ${hostsOf(part)} failed: ${error.message}`);
        outcomes.fill("failed", start, end);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, batches.length) }, worker));
  if (batches.length > 0 && errors.length === batches.length) throw errors[0];
  return outcomes;
}
