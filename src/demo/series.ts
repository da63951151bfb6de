import type { SeriesStatistics } from "../archive/generated/archive-types.js";
import type { MetricModel } from "./metric-model.js";
import { round, tri, uniform, type Random } from "./random.js";

export type Samples = (number | null)[];

/** The time axis of one node of a job: how busy it is, when it does I/O, which samples are lost. */
export interface NodeTime {
  samples: number;
  activity: Float64Array;
  io: Uint8Array;
  missing: Uint8Array;
}

/** I/O phases (checkpoints, input reading) shared by all nodes: compute drops, file traffic spikes. */
export function ioPhases(random: Random, samples: number): Uint8Array {
  const io = new Uint8Array(samples);
  if (samples > 20 && random() < 0.4) {
    const period = Math.floor(uniform(random, 15, 90));
    const length = 1 + Math.floor(random() * 2);
    for (let t = period; t < samples; t++) if (t % period < length) io[t] = 1;
  }
  // Most jobs write their results at the end.
  if (samples > 5) io[samples - 1] = 1;
  return io;
}

/**
 * Start-up ramp, I/O dips and a little drift. Failing jobs die before they are fully up. Samples are
 * lost now and then, never the first, so every series has a value.
 */
export function nodeTime(random: Random, samples: number, io: Uint8Array, failing: boolean, lossy: boolean): NodeTime {
  const ramp = failing ? Math.max(1, Math.round(samples * 0.6)) : Math.min(5, Math.max(1, Math.round(samples * 0.04)));
  const activity = new Float64Array(samples);
  let drift = 1;
  for (let t = 0; t < samples; t++) {
    drift = Math.min(1.05, Math.max(0.9, drift + 0.01 * tri(random)));
    activity[t] = (t < ramp ? 0.1 + (0.9 * t) / ramp : 1) * (io[t] ? 0.25 : 1) * drift;
  }
  const missing = new Uint8Array(samples);
  if (lossy && samples > 3 && random() < 0.08) {
    const gaps = 1 + Math.floor(random() * 3);
    for (let g = 0; g < gaps; g++) missing[1 + Math.floor(random() * (samples - 1))] = 1;
  }
  return { samples, activity, io, missing };
}

/** The node-level value the model asks for at sample `t`, before rounding. */
function sampleAt(random: Random, model: MetricModel, time: NodeTime, level: number, t: number): number {
  const span = level - model.floor;
  let v: number;
  switch (model.shape) {
    case "memory":
      v = model.floor + span * (1 - Math.exp(-(t + 1) / Math.max(0.5, time.samples * 0.08))) * (1 + model.noise * tri(random));
      break;
    case "leak":
      v = model.floor + span * ((t + 1) / time.samples) ** 1.3;
      break;
    case "io":
      v = time.io[t] ? Math.min(0.9 * model.metric.peak, level * uniform(random, 5, 15)) : level * uniform(random, 0.2, 1.8);
      break;
    default:
      v = model.floor + span * time.activity[t]! * (1 + model.noise * tri(random));
  }
  return Math.min(model.max, Math.max(0, v));
}

export function nodeSignal(random: Random, model: MetricModel, time: NodeTime, nodeFactor: number): Float64Array {
  const out = new Float64Array(time.samples);
  for (let t = 0; t < time.samples; t++) out[t] = sampleAt(random, model, time, model.level * nodeFactor, t);
  return out;
}

/** Statistics of the series nodeSignal + plainSeries would give, without keeping it (meta-only mode). */
export function signalStatistics(random: Random, model: MetricModel, time: NodeTime, nodeFactor: number): SeriesStatistics {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let t = 0; t < time.samples; t++) {
    const v = round(sampleAt(random, model, time, model.level * nodeFactor, t), 2);
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, avg: round(sum / time.samples, 3), max };
}

export function plainSeries(signal: Float64Array, missing: Uint8Array): Samples {
  const data: Samples = new Array(signal.length);
  for (let t = 0; t < signal.length; t++) data[t] = missing[t] ? null : round(signal[t]!, 2);
  return data;
}

/**
 * Splits a node signal into per-core/socket/GPU series by fixed shares plus noise, then rebuilds the
 * node series from them, so that both scopes agree exactly as an aggregating collector's would.
 */
export function splitSeries(random: Random, model: MetricModel, signal: Float64Array, shares: readonly number[], missing: Uint8Array): { node: Samples; children: Samples[] } {
  const n = shares.length;
  const sum = model.metric.aggregation === "sum";
  const children: Samples[] = shares.map(() => new Array(signal.length));
  const node: Samples = new Array(signal.length);
  for (let t = 0; t < signal.length; t++) {
    if (missing[t]) {
      node[t] = null;
      for (const child of children) child[t] = null;
      continue;
    }
    let total = 0;
    for (let c = 0; c < n; c++) {
      const raw = signal[t]! * shares[c]! * (sum ? 1 : n) * (1 + 0.05 * tri(random));
      const v = round(Math.min(model.max, Math.max(0, raw)), 2);
      children[c]![t] = v;
      total += v;
    }
    node[t] = round(sum ? total : total / n, 2);
  }
  return { node, children };
}
