// reduceJobMetric(): a JobMetric cut down to what a browser can draw, as cc-backend does before
// sending job metrics (resampling archived data to a `resolution`, v1.4+; statistics series instead
// of node lines for wide jobs, v1.0+), done here in one place for every metric source.
//
// - Long series: every array (each series, each statistics series) is resampled (./resample.ts)
//   with the one stride that brings the longest of them to ≤ maxPoints, so they keep one timestep
//   and stay aligned; `timestep` becomes timestep × stride.
// - Wide metrics: with more than maxSeries series, `series` becomes [] (hostnames and per-series
//   statistics go with it) and `statisticsSeries` (min/mean/median/max per timestep) is computed
//   from the full-resolution series first: statistics of already-thinned series would compare
//   values that LTTB picked at different times in each node.
// - Per-series `statistics` are kept when present and otherwise computed from the full-resolution
//   data (an average over LTTB-chosen points would lean towards the extremes); omitted when a
//   series has no value.
// - A statisticsSeries the input already has (archived ones do) is kept and resampled like the
//   rest, not recomputed, as cc-backend does.
// Nothing is shared with the input: the result may be cached or modified while the input stays
// as it was (e.g. in an archive cache).
import type { JobMetric, Series } from "../../archive/generated/archive-types.js";
import { RESAMPLE_METHODS, resampleStride, resampleWithStride, type ResampleMethod } from "./resample.js";
import { seriesStatistics, statisticsSeries } from "./statistics-series.js";
import type { NullableStatisticsSeries, Sample, TransformedJobMetric } from "./types.js";

export interface ReduceOptions {
  /** At most this many values per series (an integer ≥ 3); unset: any number. */
  maxPoints?: number;
  /** More series than this (an integer ≥ 0) are replaced by statistics series; unset: never. */
  maxSeries?: number;
  /** How to downsample; default "lttb". */
  method?: ResampleMethod;
}

/** JobMetric, or an already transformed one (nullable statistics series, median). */
export type ReducibleJobMetric = TransformedJobMetric | JobMetric;

export function reduceJobMetric(metric: ReducibleJobMetric, options: ReduceOptions = {}): TransformedJobMetric {
  const { maxPoints, maxSeries, method } = checkOptions(options);
  if (!(Number.isFinite(metric.timestep) && metric.timestep > 0)) {
    throw new RangeError(`reduceJobMetric: timestep must be a positive number, got ${String(metric.timestep)}`);
  }
  if (!Array.isArray(metric.series)) throw new TypeError("reduceJobMetric: series must be an array");

  const replaceSeries = maxSeries !== undefined && metric.series.length > maxSeries;
  const given = metric.statisticsSeries as NullableStatisticsSeries | undefined;
  const stats: NullableStatisticsSeries | undefined = given ?? (replaceSeries ? statisticsSeries(metric.series.map((s) => s.data)) : undefined);

  let longest = 0;
  const consider = (data: ArrayLike<Sample> | undefined) => {
    if (data && data.length > longest) longest = data.length;
  };
  if (!replaceSeries) for (const s of metric.series) consider(s.data);
  if (stats) forEachStatisticsArray(stats, consider);
  const stride = maxPoints === undefined ? 1 : resampleStride(longest, maxPoints, method);
  const reduce = (data: ArrayLike<Sample>) => resampleWithStride(data, stride, method);

  const result: TransformedJobMetric = {
    unit: { ...metric.unit },
    timestep: metric.timestep * stride,
    series: replaceSeries ? [] : metric.series.map((s) => reduceSeries(s, reduce)),
  };
  if (metric.thresholds) result.thresholds = { ...metric.thresholds };
  if (stats) result.statisticsSeries = mapStatisticsSeries(stats, reduce);
  return result;
}

function reduceSeries(series: Series, reduce: (data: ArrayLike<Sample>) => Sample[]): Series {
  const out: Series = { hostname: series.hostname, data: reduce(series.data) };
  if (series.id !== undefined) out.id = series.id;
  const statistics = series.statistics ? { ...series.statistics } : seriesStatistics(series.data);
  if (statistics) out.statistics = statistics;
  return out;
}

function forEachStatisticsArray(stats: NullableStatisticsSeries, visit: (data: ArrayLike<Sample> | undefined) => void): void {
  visit(stats.min);
  visit(stats.max);
  visit(stats.mean);
  visit(stats.median);
  if (stats.percentiles) for (const p of Object.values(stats.percentiles)) visit(p);
}

function mapStatisticsSeries(stats: NullableStatisticsSeries, reduce: (data: ArrayLike<Sample>) => Sample[]): NullableStatisticsSeries {
  const out: NullableStatisticsSeries = {};
  if (stats.min) out.min = reduce(stats.min);
  if (stats.max) out.max = reduce(stats.max);
  if (stats.mean) out.mean = reduce(stats.mean);
  if (stats.median) out.median = reduce(stats.median);
  if (stats.percentiles) {
    out.percentiles = {};
    for (const [p, data] of Object.entries(stats.percentiles)) out.percentiles[p] = reduce(data);
  }
  return out;
}

function checkOptions(options: ReduceOptions): { maxPoints: number | undefined; maxSeries: number | undefined; method: ResampleMethod } {
  if (typeof options !== "object" || options === null) throw new TypeError("reduceJobMetric: options must be an object");
  const { maxPoints, maxSeries, method = "lttb" } = options;
  if (maxPoints !== undefined && !(Number.isSafeInteger(maxPoints) && maxPoints >= 3)) {
    throw new RangeError(`reduceJobMetric: maxPoints must be an integer ≥ 3, got ${String(maxPoints)}`);
  }
  if (maxSeries !== undefined && !(Number.isSafeInteger(maxSeries) && maxSeries >= 0)) {
    throw new RangeError(`reduceJobMetric: maxSeries must be an integer ≥ 0, got ${String(maxSeries)}`);
  }
  if (!RESAMPLE_METHODS.includes(method)) {
    throw new RangeError(`reduceJobMetric: method must be one of ${RESAMPLE_METHODS.join(", ")}, got ${String(method)}`);
  }
  return { maxPoints, maxSeries, method };
}
