import { describe, expect, it } from "vitest";
import { lttb, minMax, resample, resampleStride } from "../../../src/metricdata/transform/resample.ts";
import type { Sample } from "../../../src/metricdata/transform/types.ts";
import { randomSeries, rng } from "./random.ts";

const finite = (v: Sample | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/** LTTB's buckets as the header of resample.ts defines them: [start, end) per output 1..m. */
function lttbBuckets(n: number, stride: number): [number, number][] {
  const m = Math.floor((n - 2) / stride);
  return Array.from({ length: m }, (_, j) => {
    const start = 1 + j * stride;
    return [start, j === m - 1 ? n - 1 : start + stride];
  });
}

describe("resampleStride", () => {
  it("is 1 when the data already fits", () => {
    expect(resampleStride(1000, 1000, "lttb")).toBe(1);
    expect(resampleStride(0, 3, "minmax")).toBe(1);
    // An odd maxPoints fits one more value than minmax's pairs could: no reduction needed at all.
    expect(resampleStride(999, 999, "minmax")).toBe(1);
  });

  it("gives the 7-day job at 30 s a 630 s timestep for 1,000 points", () => {
    expect(resampleStride(20160, 1000, "lttb")).toBe(21);
    expect(resample(new Array(20160).fill(1), 30, 1000).timestep).toBe(630);
    expect(resampleStride(20160, 1000, "minmax")).toBe(21); // 2 × ceil(20160 / 42) = 960
  });

  it("is the smallest stride whose output fits", () => {
    const random = rng(7);
    for (let round = 0; round < 400; round++) {
      const maxPoints = 3 + Math.floor(random() * 60);
      const n = maxPoints + 1 + Math.floor(random() * 2000);
      const data = new Array<Sample>(n).fill(1);
      for (const method of ["lttb", "minmax"] as const) {
        const stride = resampleStride(n, maxPoints, method);
        const run = method === "lttb" ? lttb : minMax;
        expect(run(data, stride).length).toBeLessThanOrEqual(maxPoints);
        if (stride > 2) expect(run(data, stride - 1).length).toBeGreaterThan(maxPoints);
      }
    }
  });

  it("rejects maxPoints below 3 or not an integer", () => {
    for (const bad of [2, 0, -5, 3.5, NaN, Infinity]) {
      expect(() => resampleStride(100, bad, "lttb")).toThrow(/maxPoints must be an integer ≥ 3/);
    }
    expect(() => lttb([1, 2, 3], 0)).toThrow(/stride/);
    expect(() => minMax([1, 2, 3], 1.5)).toThrow(/stride/);
  });
});

describe("resample", () => {
  it("returns the same data (a copy) when maxPoints ≥ length", () => {
    const data = [1, null, 3, 4.5];
    for (const method of ["lttb", "minmax"] as const) {
      const result = resample(data, 60, 4, method);
      expect(result).toEqual({ data: [1, null, 3, 4.5], timestep: 60 });
      expect(result.data).not.toBe(data);
    }
  });

  it("never returns more than maxPoints", () => {
    const random = rng(11);
    for (let round = 0; round < 200; round++) {
      const maxPoints = 3 + Math.floor(random() * 100);
      const data = randomSeries(random, Math.floor(random() * 3000), 0.2);
      for (const method of ["lttb", "minmax"] as const) {
        expect(resample(data, 10, maxPoints, method).data.length).toBeLessThanOrEqual(maxPoints);
      }
    }
  });
});

describe("lttb", () => {
  it("matches a hand-computed case", () => {
    // n = 10, stride 3: m = 2 buckets, [1,4) and [4,9), then the last point.
    // Bucket 1: a = (0, 0), c = mean of bucket 2 = (6, 0.4); 2·area = |−6·y + 0.4·x|:
    //   x=1 → 5.6, x=2 (y=5) → 29.2, x=3 → 4.8: picks 5.
    // Bucket 2: a = (2, 5), c = (9, 0); 2·area = |45 − 7·y − 5·x|:
    //   x=4 → 25, x=5 → 20, x=6 (y=2) → 1, x=7 → 10, x=8 → 5: picks x=4 (0).
    const data = [0, 1, 5, 1, 0, 0, 2, 0, 0, 0];
    expect(lttb(data, 3)).toEqual([0, 5, 0, 0]);
  });

  it("keeps the first and last point and has floor((n − 2) / stride) + 2 points", () => {
    const random = rng(3);
    for (let round = 0; round < 200; round++) {
      const n = 3 + Math.floor(random() * 500);
      const stride = 1 + Math.floor(random() * 40);
      const data = randomSeries(random, n, 0.1, false);
      const out = lttb(data, stride);
      expect(out.length).toBe(stride === 1 ? n : Math.floor((n - 2) / stride) + 2);
      expect(out[0]).toBe(data[0]);
      expect(out.at(-1)).toBe(data.at(-1));
    }
  });

  it("picks each output from its own bucket, and null only for a bucket without values", () => {
    const random = rng(5);
    for (let round = 0; round < 200; round++) {
      const n = 3 + Math.floor(random() * 600);
      const stride = 2 + Math.floor(random() * 30);
      const data = randomSeries(random, n, round % 3 === 0 ? 0.9 : 0.2, false);
      const out = lttb(data, stride);
      lttbBuckets(n, stride).forEach(([start, end], j) => {
        const bucket = data.slice(start, end);
        const value = out[j + 1];
        if (bucket.some(finite)) expect(bucket).toContain(value);
        else expect(value).toBeNull();
      });
    }
  });

  it("picks the spike in a bucket", () => {
    const random = rng(9);
    const n = 1000;
    const stride = 10;
    const buckets = lttbBuckets(n, stride);
    for (let round = 0; round < 50; round++) {
      const data = Array.from({ length: n }, () => 50 + random());
      const at = 1 + Math.floor(random() * (n - 2));
      data[at] = 1000;
      const out = lttb(data, stride);
      const bucket = buckets.findIndex(([start, end]) => at >= start && at < end);
      expect(out[bucket + 1]).toBe(1000);
      expect(out.filter((v) => v === 1000)).toHaveLength(1);
      // A dip is as much a spike as a peak.
      data[at] = -1000;
      expect(lttb(data, stride)[bucket + 1]).toBe(-1000);
    }
  });

  it("gives a tie to the earliest sample", () => {
    // Bucket 1 = {5, −5}: a = (0, 0), c = (3.5, 0), so 2·area = 3.5·|y| ties; 5 comes first.
    // Bucket 2 = {0, 0} at x = 3, 4: a = (1, 5), c = (5, 0): 2·area = |20 + 5·(1 − x)| → x = 3.
    expect(lttb([0, 5, -5, 0, 0, 0], 2)).toEqual([0, 5, 0, 0]);
    expect(lttb([0, -5, 5, 0, 0, 0], 2)).toEqual([0, -5, 0, 0]);
  });

  it("keeps gaps as gaps", () => {
    const data: Sample[] = Array.from({ length: 1000 }, (_, i) => (i >= 300 && i < 600 ? null : Math.sin(i / 20)));
    const out = lttb(data, 10);
    // Buckets [1 + 10j, 11 + 10j) wholly inside [300, 600): j = 30 … 58, outputs 31 … 59.
    const nulls = out.flatMap((v, k) => (v === null ? [k] : []));
    expect(nulls).toEqual(Array.from({ length: 29 }, (_, j) => 31 + j));
  });

  it("reads NaN and ±Infinity as null", () => {
    const withNull: Sample[] = [1, 2, null, null, null, null, 5, 9, 3, 4, 2, 7, 1];
    const withNaN: Sample[] = [1, 2, NaN, Infinity, -Infinity, NaN, 5, 9, 3, 4, 2, 7, 1];
    expect(lttb(withNaN, 2)).toEqual(lttb(withNull, 2));
    expect(lttb(withNaN, 2)).toContain(null);
    // One bucket [1,4) with no neighbour on either side: furthest from its mean 2, first of a tie.
    expect(lttb([NaN, 1, 2, 3, Infinity], 2)).toEqual([null, 1, null]);
  });

  it("handles empty, single-point and two-point series", () => {
    expect(lttb([], 5)).toEqual([]);
    expect(lttb([7], 5)).toEqual([7]);
    expect(lttb([7, null], 5)).toEqual([7, null]);
    expect(lttb([1, 2, 3], 5)).toEqual([1, 3]);
  });

  it("chooses the sample furthest from its neighbour's level at a gap's edge", () => {
    // Bucket 1 = [1,3) follows a null first point, so only c exists: c = mean of [3,5) = 10.
    // |4 − 10| < |25 − 10|: picks 25. Bucket 2 = [3,5): a = (2, 25), c = (5, 10).
    expect(lttb([null, 4, 25, 10, 10, 10], 2)).toEqual([null, 25, 10, 10]);
    // Neither neighbour: the sample furthest from the bucket's mean (2, 2, 9 → mean 13/3).
    expect(lttb([null, 2, 2, 9, null], 3)).toEqual([null, 9, null]);
  });
});

describe("minMax", () => {
  it("matches a hand-computed case", () => {
    // stride 2: buckets of 4. [3,1,4,1]: min 1 at 1, max 4 at 2; [5,9,2,6]: max 9 at 5, min 2 at 6.
    expect(minMax([3, 1, 4, 1, 5, 9, 2, 6], 2)).toEqual([1, 4, 9, 2]);
    // A partial last bucket with one value gives it twice; a bucket of nulls gives two nulls.
    expect(minMax([1, 2, 3, 4, null, null, null, NaN, 8], 2)).toEqual([1, 4, null, null, 8, 8]);
  });

  it("keeps each bucket's min and max, in time order, and so the global ones", () => {
    const random = rng(13);
    for (let round = 0; round < 200; round++) {
      const n = Math.floor(random() * 800);
      const stride = 2 + Math.floor(random() * 25);
      const data = randomSeries(random, n, 0.3, false);
      const out = minMax(data, stride);
      const width = 2 * stride;
      expect(out.length).toBe(2 * Math.ceil(n / width));
      for (let j = 0; j < out.length / 2; j++) {
        const bucket = data.slice(j * width, (j + 1) * width);
        const values = bucket.filter(finite);
        const [first, second] = [out[2 * j], out[2 * j + 1]];
        if (values.length === 0) {
          expect([first, second]).toEqual([null, null]);
          continue;
        }
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        expect([first, second].sort((a, b) => a! - b!)).toEqual([lo, hi]);
        if (lo !== hi) expect(bucket.indexOf(first!)).toBeLessThan(bucket.indexOf(second!));
      }
      const all = data.filter(finite);
      if (all.length > 0) {
        expect(Math.max(...out.filter(finite))).toBe(Math.max(...all));
        expect(Math.min(...out.filter(finite))).toBe(Math.min(...all));
      }
    }
  });

  it("handles empty and single-point series", () => {
    expect(minMax([], 3)).toEqual([]);
    expect(minMax([4], 3)).toEqual([4, 4]);
    expect(minMax([Infinity], 3)).toEqual([null, null]);
  });
});
