// Types shared by the metric-data transforms (statistics series, resampling, reduceJobMetric).
import type { JobMetric } from "../../archive/generated/archive-types.js";

/**
 * One sample; null where none exists. Inputs may also hold NaN or ±Infinity (arithmetic on live
 * data can produce them, JSON cannot carry them): every transform reads those as null, and no
 * output ever contains them.
 */
export type Sample = number | null;

/**
 * `statisticsSeries` as clients receive it. Unlike the archive type (`number[]`, from
 * cc-backend's JSON schema), a timestep where no series has a value must be able to say so:
 * cc-backend sends NaN there, which its JSON encoder writes as null. `median` is what cc-backend
 * ≥ 1.5 computes instead of `mean`; archived series may carry `mean` and `percentiles`.
 */
export interface NullableStatisticsSeries {
  min?: Sample[];
  max?: Sample[];
  mean?: Sample[];
  median?: Sample[];
  percentiles?: { [percentile: string]: Sample[] };
}

/** A JobMetric whose statisticsSeries may hold nulls and a median; every JobMetric reads as one. */
export interface TransformedJobMetric extends Omit<JobMetric, "statisticsSeries"> {
  statisticsSeries?: NullableStatisticsSeries;
}
