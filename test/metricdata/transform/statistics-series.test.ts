import { describe, expect, it } from "vitest";
import { medianInPlace } from "../../../src/metricdata/transform/median.ts";
import { seriesStatistics, statisticsSeries } from "../../../src/metricdata/transform/statistics-series.ts";
import type { Sample } from "../../../src/metricdata/transform/types.ts";
import { randomSeries, rng } from "./random.ts";

/** Sort-based reference: the definition, not the algorithm under test. */
function sortedMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function bruteForce(series: Sample[][]) {
  const length = Math.max(0, ...series.map((s) => s.length));
  const min: Sample[] = [];
  const mean: Sample[] = [];
  const median: Sample[] = [];
  const max: Sample[] = [];
  for (let t = 0; t < length; t++) {
    const values = series.map((s) => s[t]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    if (values.length === 0) {
      min.push(null);
      mean.push(null);
      median.push(null);
      max.push(null);
      continue;
    }
    min.push(Math.min(...values));
    max.push(Math.max(...values));
    mean.push(values.reduce((a, b) => a + b, 0) / values.length);
    median.push(sortedMedian(values));
  }
  return { min, mean, median, max };
}

describe("statisticsSeries", () => {
  it("computes min/mean/median/max per timestep by hand", () => {
    const a = [1, 4, null, 2];
    const b = [3, null, null];
    const c = [2, 8];
    expect(statisticsSeries([a, b, c])).toEqual({
      // t0 {1,3,2}; t1 {4,8}; t2 nothing; t3 only a (b and c have ended)
      min: [1, 4, null, 2],
      mean: [2, 6, null, 2],
      median: [2, 6, null, 2],
      max: [3, 8, null, 2],
    });
  });

  it("reads NaN and ±Infinity as missing", () => {
    const result = statisticsSeries([
      [NaN, 1, Infinity],
      [Infinity, -Infinity, 5],
    ]);
    expect(result).toEqual({ min: [null, 1, 5], mean: [null, 1, 5], median: [null, 1, 5], max: [null, 1, 5] });
  });

  it("handles no series, empty series and a single point", () => {
    expect(statisticsSeries([])).toEqual({ min: [], mean: [], median: [], max: [] });
    expect(statisticsSeries([[], []])).toEqual({ min: [], mean: [], median: [], max: [] });
    expect(statisticsSeries([[7]])).toEqual({ min: [7], mean: [7], median: [7], max: [7] });
    expect(statisticsSeries([[], [null]])).toEqual({ min: [null], mean: [null], median: [null], max: [null] });
  });

  it("takes the mean of the two middle values as the median of an even count", () => {
    expect(statisticsSeries([[1], [10], [3], [4]]).median).toEqual([3.5]);
  });

  // Shapes chosen to cross the block boundaries inside statisticsSeries: many series (blocks of a
  // few timesteps), few series over many timesteps, and more series than a block holds values.
  const shapes: [width: number, length: number, nullRate: number, integers: boolean][] = [
    [512, 300, 0.1, true],
    [37, 2000, 0.5, false],
    [3, 25000, 0.3, true],
    [70000, 3, 0.2, true],
    [5, 100, 0.95, false],
  ];
  for (const [width, length, nullRate, integers] of shapes) {
    it(`equals a brute-force computation: ${width} series × ≤${length} samples, ${nullRate * 100}% null`, () => {
      const random = rng(width * 7919 + length);
      // Lengths differ per series so some end early.
      const series = Array.from({ length: width }, () => randomSeries(random, length - Math.floor(random() * Math.min(length, 10)), nullRate, integers));
      const expected = bruteForce(series);
      const actual = statisticsSeries(series);
      expect(actual.min).toEqual(expected.min);
      expect(actual.max).toEqual(expected.max);
      expect(actual.median).toEqual(expected.median);
      expect(actual.mean.length).toBe(expected.mean.length);
      for (let t = 0; t < expected.mean.length; t++) {
        const e = expected.mean[t]!;
        if (e === null) expect(actual.mean[t]).toBeNull();
        else expect(actual.mean[t]).toBeCloseTo(e, 9);
      }
    });
  }

  it("does not modify its input", () => {
    const series = [
      [3, 1, 2],
      [9, null, 0],
    ];
    const copy = structuredClone(series);
    statisticsSeries(series);
    expect(series).toEqual(copy);
  });
});

describe("seriesStatistics", () => {
  it("gives min/avg/max ignoring missing samples", () => {
    expect(seriesStatistics([2, null, 8, NaN, 5, Infinity])).toEqual({ min: 2, avg: 5, max: 8 });
    expect(seriesStatistics([-3])).toEqual({ min: -3, avg: -3, max: -3 });
  });

  it("gives nothing for a series without values", () => {
    expect(seriesStatistics([])).toBeUndefined();
    expect(seriesStatistics([null, NaN, -Infinity])).toBeUndefined();
  });
});

describe("medianInPlace", () => {
  it("matches the sorted median on random slices, with many ties", () => {
    const random = rng(42);
    for (let round = 0; round < 300; round++) {
      const n = 1 + Math.floor(random() * 200);
      const values = Array.from({ length: n }, () => Math.floor(random() * (round % 2 ? 5 : 1000)));
      const buffer = new Float64Array([-1e9, ...values, 1e9]);
      expect(medianInPlace(buffer, 1, n + 1)).toBe(sortedMedian(values));
      // Only the slice is touched.
      expect(buffer[0]).toBe(-1e9);
      expect(buffer[n + 1]).toBe(1e9);
    }
  });

  it("handles sorted, reversed and constant input", () => {
    const n = 10001;
    const ascending = Float64Array.from({ length: n }, (_, i) => i);
    expect(medianInPlace(ascending, 0, n)).toBe(5000);
    const descending = Float64Array.from({ length: n }, (_, i) => n - i);
    expect(medianInPlace(descending, 0, n)).toBe(5001);
    expect(medianInPlace(new Float64Array(n).fill(3), 0, n)).toBe(3);
    expect(medianInPlace(Float64Array.of(4, 1), 0, 2)).toBe(2.5);
  });
});
