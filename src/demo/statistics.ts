import type { MetricStatistics, SeriesStatistics, StatisticsSeries, Unit } from "../archive/generated/archive-types.js";
import { round } from "./random.js";
import type { Samples } from "./series.js";

/** min/avg/max of a series, nulls ignored; averages keep 3 decimals like cc-backend's archives. */
export function seriesStatistics(data: Samples): SeriesStatistics {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const v of data) {
    if (v === null) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    count++;
  }
  if (count === 0) return { min: 0, avg: 0, max: 0 };
  return { min, avg: round(sum / count, 3), max };
}

/** A job's statistics for meta.json: extremes over its nodes, the mean of the node averages. */
export function jobStatistics(unit: Unit, nodes: readonly SeriesStatistics[]): MetricStatistics {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const s of nodes) {
    min = Math.min(min, s.min);
    max = Math.max(max, s.max);
    sum += s.avg;
  }
  return { unit, avg: round(sum / nodes.length, 3), min, max };
}

/** Per-sample min/mean/max across nodes; a sample no node has repeats the previous one. */
export function statisticsSeries(nodes: readonly Samples[]): StatisticsSeries {
  const samples = nodes[0]!.length;
  const min: number[] = new Array(samples);
  const mean: number[] = new Array(samples);
  const max: number[] = new Array(samples);
  for (let t = 0; t < samples; t++) {
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    let count = 0;
    for (const node of nodes) {
      const v = node[t];
      if (v === null || v === undefined) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
      count++;
    }
    if (count === 0) {
      min[t] = t > 0 ? min[t - 1]! : 0;
      mean[t] = t > 0 ? mean[t - 1]! : 0;
      max[t] = t > 0 ? max[t - 1]! : 0;
    } else {
      min[t] = lo;
      mean[t] = round(sum / count, 2);
      max[t] = hi;
    }
  }
  return { min, mean, max };
}
