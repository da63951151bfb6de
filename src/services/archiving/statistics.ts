/**
 * The statistics an archived job carries: avg/min/max of every series in data.json, and per metric
 * the job's avg/min/max in meta.json, from which the footprint columns are taken.
 */
import type { JobData, JobStatistics, SeriesStatistics, Unit } from "../../archive/generated/archive-types.js";

/** avg/min/max of the samples; a missing sample (null) counts for nothing. Undefined without samples. */
export function seriesStatistics(data: readonly (number | null)[]): SeriesStatistics | undefined {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of data) {
    if (typeof value !== "number" || !Number.isFinite(value)) continue;
    count++;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return count === 0 ? undefined : { avg: sum / count, min, max };
}

/**
 * Sets every series' statistics from its own samples (whatever the backend sent), and leaves out
 * series without a single sample, then scopes and metrics left empty: the archive format requires a
 * sample in every series. Returns what was left out, for the warnings.
 */
export function withSeriesStatistics(data: JobData): { data: JobData; dropped: string[] } {
  const out: JobData = {};
  const dropped: string[] = [];
  for (const [metric, scopes] of Object.entries(data)) {
    for (const [scope, jobMetric] of Object.entries(scopes)) {
      const series = [];
      for (const s of jobMetric.series) {
        const statistics = seriesStatistics(s.data);
        if (statistics) series.push({ ...s, statistics });
        else dropped.push(`no samples for "${metric}" (${scope}${s.id !== undefined ? ` ${s.id}` : ""}) on host "${s.hostname}"`);
      }
      if (series.length > 0) (out[metric] ??= {})[scope] = { ...jobMetric, series };
    }
  }
  return { data: out, dropped };
}

/**
 * Per metric, from its node-scope series, as cc-backend's ArchiveJob: the average of the hosts'
 * averages, the smallest minimum, the largest maximum. One difference: cc-backend divides by the
 * job's node count, so a host without data pulls the average towards 0; here only hosts with data
 * count. Metrics without node-scope data get no statistics (as in cc-backend).
 */
export function jobStatistics(data: JobData, unitOf: (metric: string) => Unit | undefined): JobStatistics {
  const result: JobStatistics = {};
  for (const [metric, scopes] of Object.entries(data)) {
    const node = scopes.node;
    if (!node || node.series.length === 0) continue;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let hosts = 0;
    for (const series of node.series) {
      const s = series.statistics ?? seriesStatistics(series.data);
      if (!s) continue;
      hosts++;
      sum += s.avg;
      min = Math.min(min, s.min);
      max = Math.max(max, s.max);
    }
    if (hosts === 0) continue;
    result[metric] = { unit: unitOf(metric) ?? node.unit, avg: sum / hosts, min, max };
  }
  return result;
}
