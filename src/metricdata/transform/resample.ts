// Downsampling of one series to at most maxPoints values, for plotting.
//
// What comes out. A series has no x values: sample i is at i × timestep, and the cc-backend
// frontend draws `data[j]` at j × `timestep`. So the output is again a uniform series: a new
// timestep = timestep × stride, stride a whole number (timestep is an Int in cc-backend's GraphQL
// schema), and output j drawn at j × stride input samples. Every series and statistics series of
// one metric is reduced with the same stride (that of its longest array), so they stay aligned.
// Each output value is an input sample chosen to stand for a bucket of input samples; it is drawn
// within one output step of where it was measured (LTTB: less than one step; min/max: less than
// two) — the price of a uniform grid, and below what one pixel per output point can show.
//
// "lttb" (largest triangle, three buckets; Steinarsson 2013) picks one sample per bucket. Output
// 0 is input 0 and the last output is the last input, both as they are (also when null); in
// between, bucket k (1 ≤ k ≤ m, m = floor((n − 2) / stride)) is inputs [1 + (k−1)·stride,
// 1 + k·stride), the last one running on to n − 2 so every sample is considered. From each
// bucket it takes the sample spanning the largest triangle with the previously chosen sample and
// the mean of the next bucket: the sample that bends the line most, so spikes survive (a tie goes
// to the earliest). Length: m + 2.
//
// "minmax" keeps each bucket's extremes: bucket j is inputs [2j·stride, 2(j+1)·stride), and
// outputs 2j and 2j+1 are its minimum and its maximum in the order they occurred (its one value
// twice when it has only one). The minimum and maximum of every bucket, hence the global ones,
// survive exactly. Length: 2 × ceil(n / (2 × stride)).
//
// Gaps. Missing samples (null, NaN, ±Infinity) are never made up: a bucket without any value
// gives null (minmax: two), so a gap spanning a whole bucket stays a gap; a bucket with some
// values chooses among those, so a gap narrower than a bucket cannot be drawn at this resolution.
// When LTTB's previous choice or next bucket is missing (a gap's edge), the triangle degenerates
// to the distance from a flat line at the neighbour that exists (or at the bucket's own mean):
// still the sample that stands out most.
//
// stride 1 (n ≤ maxPoints) returns the samples unchanged, as a new array with NaN/±Infinity
// replaced by null.
import type { Sample } from "./types.js";

export type ResampleMethod = "lttb" | "minmax";

export const RESAMPLE_METHODS: readonly ResampleMethod[] = ["lttb", "minmax"];

export interface Resampled {
  data: Sample[];
  timestep: number;
}

/**
 * The smallest stride (input samples per output step) at which `method` turns `length` samples
 * into at most `maxPoints` (an integer ≥ 3); 1 when no reduction is needed.
 */
export function resampleStride(length: number, maxPoints: number, method: ResampleMethod): number {
  checkMaxPoints(maxPoints);
  if (length <= maxPoints) return 1;
  // lttb: floor((n − 2) / stride) + 2 ≤ maxPoints  ⟺  stride > (n − 2) / (maxPoints − 1).
  if (method === "lttb") return Math.floor((length - 2) / (maxPoints - 1)) + 1;
  // minmax: 2 × ceil(n / (2 × stride)) ≤ maxPoints  ⟺  ceil(n / (2 × stride)) ≤ floor(maxPoints / 2).
  return Math.ceil(length / (2 * Math.floor(maxPoints / 2)));
}

/** `data` reduced to at most `maxPoints` values by `method`, with the timestep that goes with it. */
export function resample(data: ArrayLike<Sample>, timestep: number, maxPoints: number, method: ResampleMethod = "lttb"): Resampled {
  const stride = resampleStride(data.length, maxPoints, method);
  return { data: resampleWithStride(data, stride, method), timestep: timestep * stride };
}

/** `data` reduced by `method` at a given stride (see the header for what each output stands for). */
export function resampleWithStride(data: ArrayLike<Sample>, stride: number, method: ResampleMethod): Sample[] {
  return method === "lttb" ? lttb(data, stride) : minMax(data, stride);
}

/** Largest-triangle-three-buckets at `stride` input samples per output step. */
export function lttb(data: ArrayLike<Sample>, stride: number): Sample[] {
  checkStride(stride);
  const n = data.length;
  if (stride === 1 || n <= 2) return copySamples(data);
  const m = Math.floor((n - 2) / stride);
  const out = new Array<Sample>(m + 2);
  out[0] = sample(data, 0);
  out[m + 1] = sample(data, n - 1);

  // a: the previously chosen sample (x = index); c: mean of the next bucket's values.
  let ax = 0;
  let ay = out[0] ?? 0;
  let hasA = out[0] !== null;
  for (let k = 1; k <= m; k++) {
    const start = 1 + (k - 1) * stride;
    const end = k === m ? n - 1 : start + stride;
    const nextEnd = k === m ? n : k + 1 === m ? n - 1 : end + stride;
    let cx = 0;
    let cy = 0;
    let cn = 0;
    for (let i = end; i < nextEnd; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) continue;
      cx += i;
      cy += v;
      cn++;
    }
    const hasC = cn > 0;
    if (hasC) {
      cx /= cn;
      cy /= cn;
    }

    let best = -1;
    let bestArea = -1;
    if (hasA && hasC) {
      // Twice the triangle's area; the factor does not change which sample wins.
      const dx = ax - cx;
      const dy = cy - ay;
      for (let i = start; i < end; i++) {
        const v = data[i] as number;
        if (!Number.isFinite(v)) continue;
        const area = Math.abs(dx * (v - ay) - (ax - i) * dy);
        if (area > bestArea) {
          bestArea = area;
          best = i;
        }
      }
    } else {
      const level = hasA ? ay : hasC ? cy : bucketMean(data, start, end);
      for (let i = start; i < end; i++) {
        const v = data[i] as number;
        if (!Number.isFinite(v)) continue;
        const distance = Math.abs(v - level);
        if (distance > bestArea) {
          bestArea = distance;
          best = i;
        }
      }
    }

    if (best < 0) {
      out[k] = null;
      hasA = false;
    } else {
      ax = best;
      ay = data[best] as number;
      out[k] = ay;
      hasA = true;
    }
  }
  return out;
}

/** Per bucket of 2 × stride samples, its minimum and maximum in time order. */
export function minMax(data: ArrayLike<Sample>, stride: number): Sample[] {
  checkStride(stride);
  const n = data.length;
  if (stride === 1) return copySamples(data);
  const width = 2 * stride;
  const buckets = Math.ceil(n / width);
  const out = new Array<Sample>(2 * buckets);
  for (let j = 0; j < buckets; j++) {
    const start = j * width;
    const end = Math.min(n, start + width);
    let lo = Infinity;
    let hi = -Infinity;
    let loAt = -1;
    let hiAt = -1;
    for (let i = start; i < end; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v)) continue;
      if (v < lo) {
        lo = v;
        loAt = i;
      }
      if (v > hi) {
        hi = v;
        hiAt = i;
      }
    }
    if (loAt < 0) {
      out[2 * j] = out[2 * j + 1] = null;
    } else if (loAt <= hiAt) {
      out[2 * j] = lo;
      out[2 * j + 1] = hi;
    } else {
      out[2 * j] = hi;
      out[2 * j + 1] = lo;
    }
  }
  return out;
}

/** A copy of `data` with NaN/±Infinity (and holes) as null. */
export function copySamples(data: ArrayLike<Sample>): Sample[] {
  const n = data.length;
  const out = new Array<Sample>(n);
  for (let i = 0; i < n; i++) out[i] = sample(data, i);
  return out;
}

function sample(data: ArrayLike<Sample>, i: number): Sample {
  const v = data[i] as number;
  return Number.isFinite(v) ? v : null;
}

function bucketMean(data: ArrayLike<Sample>, start: number, end: number): number {
  let sum = 0;
  let count = 0;
  for (let i = start; i < end; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? 0 : sum / count;
}

function checkMaxPoints(maxPoints: number): void {
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 3) {
    throw new RangeError(`maxPoints must be an integer ≥ 3, got ${String(maxPoints)}`);
  }
}

function checkStride(stride: number): void {
  if (!Number.isSafeInteger(stride) || stride < 1) {
    throw new RangeError(`stride must be an integer ≥ 1, got ${String(stride)}`);
  }
}
