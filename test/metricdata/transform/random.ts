// Deterministic random data for the transform tests (mulberry32): failures reproduce.
import type { Sample } from "../../../src/metricdata/transform/types.ts";

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `length` samples: a fraction `nullRate` null, the rest small integers (so ties and duplicate
 * values are common) or, when `integers` is false, arbitrary doubles.
 */
export function randomSeries(random: () => number, length: number, nullRate: number, integers = true): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < length; i++) {
    if (random() < nullRate) out.push(null);
    else out.push(integers ? Math.floor(random() * 20) - 5 : (random() - 0.3) * 1000);
  }
  return out;
}
