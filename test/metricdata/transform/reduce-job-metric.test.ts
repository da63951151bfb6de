import { describe, expect, it } from "vitest";
import type { JobMetric, Series } from "../../../src/archive/generated/archive-types.ts";
import { reduceJobMetric, type ReduceOptions } from "../../../src/metricdata/transform/reduce-job-metric.ts";
import { lttb, minMax } from "../../../src/metricdata/transform/resample.ts";
import type { Sample } from "../../../src/metricdata/transform/types.ts";
import { randomSeries, rng } from "./random.ts";

const finite = (v: Sample | undefined): v is number => typeof v === "number" && Number.isFinite(v);

function metric(series: Series[], extra: Partial<JobMetric> = {}): JobMetric {
  return { unit: { base: "F/s", prefix: "G" }, timestep: 30, series, ...extra };
}

function nodes(random: () => number, count: number, length: number, nullRate = 0.05): Series[] {
  return Array.from({ length: count }, (_, i) => ({ hostname: `n${i}`, data: randomSeries(random, length, nullRate, false) }));
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Per-timestep min/max/mean across series by brute force (full resolution). */
function columnStats(series: Sample[][]) {
  const length = Math.max(...series.map((s) => s.length));
  const min: Sample[] = [];
  const max: Sample[] = [];
  const mean: Sample[] = [];
  for (let t = 0; t < length; t++) {
    const values = series.map((s) => s[t]).filter(finite);
    min.push(values.length ? Math.min(...values) : null);
    max.push(values.length ? Math.max(...values) : null);
    mean.push(values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  }
  return { min, max, mean };
}

describe("reduceJobMetric", () => {
  it("returns equal data and timestep when nothing needs reducing", () => {
    const input = metric([{ hostname: "a", data: [1, null, 3] }], { thresholds: { peak: 10, normal: 5 } });
    const out = reduceJobMetric(input, { maxPoints: 3, maxSeries: 1 });
    expect(out).toEqual({
      unit: { base: "F/s", prefix: "G" },
      timestep: 30,
      thresholds: { peak: 10, normal: 5 },
      series: [{ hostname: "a", statistics: { min: 1, avg: 2, max: 3 }, data: [1, null, 3] }],
    });
    expect(reduceJobMetric(input)).toEqual(out);
  });

  it("never mutates its input and shares no object with it", () => {
    const random = rng(1);
    const series = nodes(random, 12, 500);
    series[0]!.statistics = { min: 0, avg: 1, max: 2 };
    series[1]!.id = "0";
    const input = deepFreeze(metric(series, { thresholds: { peak: 1 } }));
    const snapshot = structuredClone(input);
    for (const options of [{ maxPoints: 50 }, { maxPoints: 50, maxSeries: 4, method: "minmax" }, {}] as ReduceOptions[]) {
      const out = reduceJobMetric(input, options);
      expect(out.unit).not.toBe(input.unit);
      expect(out.thresholds).not.toBe(input.thresholds);
      out.series.forEach((s, i) => {
        expect(s).not.toBe(input.series[i]);
        expect(s.data).not.toBe(input.series[i]!.data);
        if (s.statistics) expect(s.statistics).not.toBe(input.series[i]!.statistics);
      });
    }
    expect(input).toEqual(snapshot);
  });

  it("brings every series to ≤ maxPoints with one stride from the longest series", () => {
    const random = rng(2);
    const long = randomSeries(random, 20160, 0.01, false);
    const short = randomSeries(random, 5000, 0.01, false);
    const input = metric([
      { hostname: "a", data: long },
      { hostname: "b", data: short },
    ]);
    const out = reduceJobMetric(input, { maxPoints: 1000 });
    // stride = floor(20158 / 999) + 1 = 21.
    expect(out.timestep).toBe(30 * 21);
    expect(out.series[0]!.data).toEqual(lttb(long, 21));
    expect(out.series[1]!.data).toEqual(lttb(short, 21));
    expect(out.series[0]!.data.length).toBe(Math.floor(20158 / 21) + 2);
    expect(out.series[0]!.data.length).toBeLessThanOrEqual(1000);
    expect(out.series[1]!.data.length).toBe(Math.floor(4998 / 21) + 2);

    const mm = reduceJobMetric(input, { maxPoints: 1000, method: "minmax" });
    // minmax: stride = ceil(20160 / 1000) = 21 → 2 × ceil(20160 / 42) = 960 values.
    expect(mm.timestep).toBe(30 * 21);
    expect(mm.series[0]!.data).toEqual(minMax(long, 21));
    expect(mm.series[0]!.data.length).toBe(960);
    expect(Math.max(...mm.series[0]!.data.filter(finite))).toBe(Math.max(...long.filter(finite)));
  });

  it("computes per-series statistics from the full-resolution data", () => {
    // LTTB keeps 0, 100 and the last 0: their mean (33.3) is not the series' mean.
    const data = [0, 1, 1, 1, 100, 1, 1, 1, 1, 0];
    const out = reduceJobMetric(metric([{ hostname: "a", data }]), { maxPoints: 3 });
    expect(out.series[0]!.data).toEqual([0, 100, 0]);
    expect(out.series[0]!.statistics).toEqual({ min: 0, avg: 10.7, max: 100 });
  });

  it("keeps given per-series statistics and omits them for a series without values", () => {
    const out = reduceJobMetric(
      metric([
        { hostname: "a", data: [1, 2], statistics: { min: -1, avg: -1, max: -1 } },
        { hostname: "b", data: [null, NaN] },
      ]),
    );
    expect(out.series[0]!.statistics).toEqual({ min: -1, avg: -1, max: -1 });
    expect(out.series[1]).toEqual({ hostname: "b", data: [null, null] });
    expect("statistics" in out.series[1]!).toBe(false);
  });

  it("replaces more than maxSeries series by statistics series from the full-resolution data", () => {
    const random = rng(3);
    const series = nodes(random, 10, 2000, 0.1);
    const input = metric(series);
    const full = columnStats(series.map((s) => s.data));

    const exact = reduceJobMetric(input, { maxSeries: 9 });
    expect(exact.series).toEqual([]);
    expect(exact.statisticsSeries!.min).toEqual(full.min);
    expect(exact.statisticsSeries!.max).toEqual(full.max);
    exact.statisticsSeries!.mean!.forEach((v, t) => (v === null ? expect(full.mean[t]).toBeNull() : expect(v).toBeCloseTo(full.mean[t]!, 9)));
    expect(exact.statisticsSeries!.median).toHaveLength(2000);

    expect(reduceJobMetric(input, { maxSeries: 10 }).series).toHaveLength(10);
    expect(reduceJobMetric(input, { maxSeries: 10 }).statisticsSeries).toBeUndefined();

    // Downsampled after computing: the max line is the resampled full-resolution max, so with
    // minmax every timestep's maximum over all nodes survives into the maximum of its bucket.
    const reduced = reduceJobMetric(input, { maxSeries: 4, maxPoints: 100, method: "minmax" });
    // minmax stride = ceil(2000 / (2 × 50)) = 20 → 2 × ceil(2000 / 40) = 100 values.
    const s = 20;
    expect(reduced.timestep).toBe(30 * s);
    expect(reduced.statisticsSeries!.max).toEqual(minMax(full.max, s));
    expect(reduced.statisticsSeries!.min).toEqual(minMax(full.min, s));
    for (const key of ["min", "max", "mean", "median"] as const) {
      expect(reduced.statisticsSeries![key]!.length).toBe(100);
    }
    const allValues = series.flatMap((x) => x.data).filter(finite);
    expect(Math.max(...reduced.statisticsSeries!.max!.filter(finite))).toBe(Math.max(...allValues));
    expect(Math.min(...reduced.statisticsSeries!.min!.filter(finite))).toBe(Math.min(...allValues));
  });

  it("computes statistics before downsampling, not from downsampled series", () => {
    // Node a peaks at t=4, node b at t=5. stride 3: buckets [1,4) and [4,9), then t=9. Each node
    // alone keeps its 9 in bucket 2, so a mean of downsampled nodes would be 9 there; the mean of
    // the full-resolution nodes is 4.5 at t=4 and t=5, and LTTB keeps 4.5 (hand-computed:
    // bucket 1 is all 0, bucket 2 has a = (3, 0), c = (9, 0), so the largest |y| wins).
    const a = [0, 0, 0, 0, 9, 0, 0, 0, 0, 0];
    const b = [0, 0, 0, 0, 0, 9, 0, 0, 0, 0];
    const out = reduceJobMetric(metric([{ hostname: "a", data: a }, { hostname: "b", data: b }]), { maxSeries: 1, maxPoints: 4 });
    expect(out.timestep).toBe(90);
    expect(out.statisticsSeries).toEqual({ min: [0, 0, 0, 0], max: [0, 0, 9, 0], mean: [0, 0, 4.5, 0], median: [0, 0, 4.5, 0] });
  });

  it("keeps and resamples a statisticsSeries the input already has", () => {
    const given = { min: [1, 1, 1, 1, 1, 1], max: [5, 5, 9, 5, 5, 5], mean: [3, 3, 3, 3, 3, 3], percentiles: { "50": [2, 2, 2, 2, 2, 2] } };
    // The replaced series are longer than the given statistics: only what is sent sets the stride.
    const input = metric([{ hostname: "a", data: new Array(50).fill(0) }], { statisticsSeries: given });
    const out = reduceJobMetric(input, { maxSeries: 0, maxPoints: 4 });
    expect(out.series).toEqual([]);
    // stride = floor(4 / 3) + 1 = 2: buckets [1,3) [3,5) + last.
    expect(out.statisticsSeries).toEqual({ min: [1, 1, 1, 1], max: [5, 9, 5, 5], mean: [3, 3, 3, 3], percentiles: { "50": [2, 2, 2, 2] } });
    expect(out.statisticsSeries!.min).not.toBe(given.min);
  });

  it("reads NaN and ±Infinity as null everywhere", () => {
    const input = metric([
      { hostname: "a", data: [NaN, 1, Infinity] },
      { hostname: "b", data: [-Infinity, 3, 4] },
    ]);
    const kept = reduceJobMetric(input);
    expect(kept.series.map((s) => s.data)).toEqual([
      [null, 1, null],
      [null, 3, 4],
    ]);
    expect(kept.series[0]!.statistics).toEqual({ min: 1, avg: 1, max: 1 });
    const stats = reduceJobMetric(input, { maxSeries: 1 }).statisticsSeries!;
    expect(stats).toEqual({ min: [null, 1, 4], max: [null, 3, 4], mean: [null, 2, 4], median: [null, 2, 4] });
  });

  it("handles no series, empty series and a single point", () => {
    expect(reduceJobMetric(metric([]), { maxPoints: 3, maxSeries: 0 })).toEqual({ unit: { base: "F/s", prefix: "G" }, timestep: 30, series: [] });
    const out = reduceJobMetric(metric([{ hostname: "a", data: [] }, { hostname: "b", data: [5] }]), { maxPoints: 3 });
    expect(out.series).toEqual([
      { hostname: "a", data: [] },
      { hostname: "b", data: [5], statistics: { min: 5, avg: 5, max: 5 } },
    ]);
    expect(reduceJobMetric(metric([{ hostname: "a", data: [] }]), { maxSeries: 0 }).statisticsSeries).toEqual({ min: [], mean: [], median: [], max: [] });
  });

  it("rejects invalid options with a clear error", () => {
    const input = metric([{ hostname: "a", data: [1, 2, 3] }]);
    const bad: [unknown, RegExp][] = [
      [{ maxPoints: 2 }, /maxPoints must be an integer ≥ 3, got 2/],
      [{ maxPoints: 10.5 }, /maxPoints/],
      [{ maxPoints: "100" }, /maxPoints/],
      [{ maxPoints: NaN }, /maxPoints/],
      [{ maxSeries: -1 }, /maxSeries must be an integer ≥ 0, got -1/],
      [{ maxSeries: 1.5 }, /maxSeries/],
      [{ method: "average" }, /method must be one of lttb, minmax, got average/],
      [null, /options must be an object/],
    ];
    for (const [options, message] of bad) {
      expect(() => reduceJobMetric(input, options as ReduceOptions)).toThrow(message);
    }
    expect(() => reduceJobMetric({ ...input, timestep: 0 })).toThrow(/timestep must be a positive number/);
    expect(() => reduceJobMetric({ ...input, series: undefined as unknown as Series[] })).toThrow(/series must be an array/);
  });
});
