/**
 * From Prometheus' evaluations to the archive's series: one value per timestep from the range's
 * start, null where Prometheus gave nothing or something that is not a finite number.
 */
import type { HostStatistics } from "../repository.js";

/** Evaluation times `from + i * step` for i < count: every step before `to`, at least one. */
export interface Grid {
  from: number;
  step: number;
  count: number;
}

export function evaluationGrid(from: number, to: number, step: number): Grid {
  return { from, step, count: Math.max(1, Math.ceil((to - from) / step)) };
}

export function lastEvaluation(grid: Grid): number {
  return grid.from + (grid.count - 1) * grid.step;
}

/**
 * The values on the grid, ending at the last number (like the embedded store, whose arrays end at
 * the last sample), or undefined when there is none. NaN and ±Inf become null: JSON cannot carry
 * them and the archive's format has no place for them.
 */
export function gridValues(grid: Grid, values: readonly (readonly [number, string])[]): (number | null)[] | undefined {
  const data: (number | null)[] = new Array<number | null>(grid.count).fill(null);
  let last = -1;
  for (const [time, text] of values) {
    const index = Math.round((time - grid.from) / grid.step);
    if (index < 0 || index >= grid.count) continue;
    const value = Number(text);
    if (!Number.isFinite(value)) continue;
    data[index] = value;
    if (index > last) last = index;
  }
  if (last < 0) return undefined;
  data.length = last + 1;
  return data;
}

/** avg/min/max over the numbers; undefined without any. */
export function seriesStatistics(data: readonly (number | null)[]): HostStatistics | undefined {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of data) {
    if (value === null) continue;
    count++;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return count === 0 ? undefined : { avg: sum / count, min, max };
}
