/**
 * Result entries → the archive's Series. The data is padded with null to start at the requested
 * `from` (the store answers from its first sample on); statistics the store did not give are
 * computed from the data. An entry with an error, or without a single sample, is no series: it
 * becomes a warning, like a missing series of the embedded store.
 */
import type { Series, SeriesStatistics } from "../../archive/generated/archive-types.js";
import type { TimeRange, WarningList } from "../repository.js";
import type { RowOutcome } from "./batches.js";
import type { PlannedQuery } from "./plan.js";
import { readResult, type CcmsResult } from "./protocol.js";

function what(p: PlannedQuery, id: string | undefined): string {
  return `"${p.metric.name}" (${p.scope}${id !== undefined ? ` ${id}` : ""}) on host "${p.host}"`;
}

function statisticsOf(result: CcmsResult): SeriesStatistics | undefined {
  if (result.avg !== null && result.min !== null && result.max !== null) return { avg: result.avg, min: result.min, max: result.max };
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of result.data ?? []) {
    if (x === null) continue;
    count++;
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  return count > 0 ? { avg: sum / count, min, max } : undefined;
}

function padded(result: CcmsResult, range: TimeRange | undefined, timestep: number): (number | null)[] {
  const data = result.data ?? [];
  if (range === undefined || result.from === undefined || !(timestep > 0)) return data;
  // Never more than the range holds, whatever `from` a store sends.
  const slots = Math.ceil(range.to / timestep) - Math.floor(range.from / timestep);
  const front = Math.min(Math.floor(result.from / timestep) - Math.floor(range.from / timestep), slots);
  return front > 0 ? new Array<number | null>(front).fill(null).concat(data) : data;
}

/**
 * The series of one planned query, one per result entry that has samples; data padded to start at
 * the start of `range` (undefined: as the store sent it).
 */
export function seriesOf(p: PlannedQuery, outcome: RowOutcome | undefined, range: TimeRange | undefined, warnings: WarningList): Series[] {
  if (outcome === "failed") return [];
  if (outcome === undefined || "missing" in outcome) {
    warnings.add(`no data for ${what(p, p.ids.length === 1 ? p.ids[0] : undefined)}: ${outcome?.missing ?? "no answer"}`);
    return [];
  }
  const out: Series[] = [];
  p.ids.forEach((id, k) => {
    const result = k < outcome.row.length ? readResult(outcome.row[k]) : "the store sent no result for it";
    if (typeof result === "string" || result.error !== undefined) {
      warnings.add(`no data for ${what(p, id)}: ${typeof result === "string" ? result : result.error}`);
      return;
    }
    const statistics = statisticsOf(result);
    if (!statistics) {
      warnings.add(`no samples in the time range for ${what(p, id)}`);
      return;
    }
    const series: Series = { hostname: p.host, statistics, data: padded(result, range, p.metric.timestep) };
    if (id !== undefined) series.id = id;
    out.push(series);
  });
  return out;
}

/** The node statistics of a planned query answered without data (loadStats). */
export function statisticsFrom(p: PlannedQuery, outcome: RowOutcome | undefined, warnings: WarningList): SeriesStatistics | undefined {
  const [series] = seriesOf(p, outcome, undefined, warnings);
  return series?.statistics;
}
