// Statistics of a JobMetric's series, the two kinds cc-backend uses:
//
// - statisticsSeries(): per timestep, min / mean / median / max across all series. The frontend
//   draws these three lines instead of one line per node when a job has many nodes
//   (cc-backend v1.0 `AddStatisticsSeries` computed min/mean/max; v1.5 added median).
// - seriesStatistics(): min / avg / max over time of one series (`Series.statistics`).
//
// Missing samples (null, and NaN/±Infinity, read as null) are left out. Unlike cc-backend v1.0,
// which gave up at the shortest series' end and wanted at least 3 values per timestep, a timestep
// is null only when no series has a value there, and a series shorter than the others simply
// stops contributing at its end: live data of a job's nodes need not end at the same sample.
import type { SeriesStatistics } from "../../archive/generated/archive-types.js";
import { medianInPlace } from "./median.js";
import type { Sample } from "./types.js";

export interface ComputedStatisticsSeries {
  min: Sample[];
  mean: Sample[];
  median: Sample[];
  max: Sample[];
}

/** min/avg/max of one series over time; undefined when it has no value at all. */
export function seriesStatistics(data: ArrayLike<Sample>): SeriesStatistics | undefined {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  return count === 0 ? undefined : { min, avg: sum / count, max };
}

// Values of one block of timesteps are gathered column by column (all series of a timestep
// side by side) so that the median's selection works on contiguous memory. The block is sized to
// stay in L2 whatever the number of series; 64 Ki doubles = 512 KiB.
const BLOCK_VALUES = 1 << 16;

/**
 * Per-timestep min/mean/median/max across `series`; each output is as long as the longest series.
 * No series gives empty arrays.
 */
export function statisticsSeries(series: readonly ArrayLike<Sample>[]): ComputedStatisticsSeries {
  const width = series.length;
  let length = 0;
  for (const s of series) if (s.length > length) length = s.length;
  const min = new Array<Sample>(length);
  const mean = new Array<Sample>(length);
  const median = new Array<Sample>(length);
  const max = new Array<Sample>(length);
  if (length === 0) return { min, mean, median, max };

  const block = Math.max(1, Math.min(length, Math.floor(BLOCK_VALUES / width)));
  const columns = new Float64Array(block * width);
  const counts = new Int32Array(block);
  for (let t0 = 0; t0 < length; t0 += block) {
    const t1 = Math.min(length, t0 + block);
    counts.fill(0);
    for (const s of series) {
      const end = Math.min(t1, s.length);
      for (let t = t0; t < end; t++) {
        const v = s[t] as number;
        if (!Number.isFinite(v)) continue;
        const c = t - t0;
        columns[c * width + counts[c]!++] = v;
      }
    }
    for (let t = t0; t < t1; t++) {
      const c = t - t0;
      const n = counts[c]!;
      if (n === 0) {
        min[t] = mean[t] = median[t] = max[t] = null;
        continue;
      }
      const from = c * width;
      const to = from + n;
      let lo = columns[from]!;
      let hi = lo;
      let sum = 0;
      for (let i = from; i < to; i++) {
        const v = columns[i]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
        sum += v;
      }
      min[t] = lo;
      max[t] = hi;
      mean[t] = sum / n;
      median[t] = medianInPlace(columns, from, to);
    }
  }
  return { min, mean, median, max };
}
