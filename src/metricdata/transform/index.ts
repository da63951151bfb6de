// What the rest of the server imports of the metric-data transforms.
export { medianInPlace } from "./median.js";
export { reduceJobMetric, type ReduceOptions, type ReducibleJobMetric } from "./reduce-job-metric.js";
export {
  copySamples,
  lttb,
  minMax,
  resample,
  resampleStride,
  resampleWithStride,
  RESAMPLE_METHODS,
  type Resampled,
  type ResampleMethod,
} from "./resample.js";
export { seriesStatistics, statisticsSeries, type ComputedStatisticsSeries } from "./statistics-series.js";
export type { NullableStatisticsSeries, Sample, TransformedJobMetric } from "./types.js";
