import type { Behaviour } from "./population.js";
import { uniform, type Random } from "./random.js";

/**
 * What a job does, as fractions of the subcluster's peaks (or absolute where a peak makes no sense).
 * Drawn once per job; the series then wander around these levels.
 */
export interface Levels {
  /** Share of the allocated cores that are busy (cpu_load / cores). */
  load: number;
  /** cpu_user % on the busy cores. */
  user: number;
  /** Share of the flops_any peak, of the allocated part of the node. */
  flops: number;
  /** Share of the flops that are double precision. */
  dp: number;
  bw: number;
  ipc: number;
  /** MHz. */
  clock: number;
  power: number;
  memUsed: number;
  net: number;
  file: number;
  /** acc_utilization, %. */
  accUtil: number;
  accMem: number;
  accPower: number;
}

type Range = readonly [number, number];
type Profile = { readonly [K in keyof Levels]: Range };

const R = (lo: number, hi: number): Range => [lo, hi];
const NO_GPU = { accUtil: R(0, 0), accMem: R(0, 0), accPower: R(0.1, 0.12) };

const PROFILES = {
  compute: { load: R(0.95, 1), user: R(92, 99), flops: R(0.25, 0.6), dp: R(0.7, 1), bw: R(0.2, 0.45), ipc: R(1.8, 2.8), clock: R(2300, 2900), power: R(0.75, 0.95), memUsed: R(0.1, 0.45), net: R(0.1, 0.4), file: R(0.001, 0.01), ...NO_GPU },
  memory: { load: R(0.9, 1), user: R(88, 97), flops: R(0.02, 0.08), dp: R(0.8, 1), bw: R(0.8, 0.95), ipc: R(0.35, 0.8), clock: R(2000, 2500), power: R(0.55, 0.75), memUsed: R(0.3, 0.8), net: R(0.05, 0.3), file: R(0.002, 0.02), ...NO_GPU },
  typical: { load: R(0.4, 1), user: R(60, 95), flops: R(0.05, 0.2), dp: R(0.3, 1), bw: R(0.25, 0.6), ipc: R(0.9, 1.6), clock: R(2200, 2700), power: R(0.45, 0.7), memUsed: R(0.05, 0.4), net: R(0.02, 0.15), file: R(0.005, 0.05), ...NO_GPU },
  idle: { load: R(0, 0.03), user: R(0, 2), flops: R(0, 0.0005), dp: R(0, 1), bw: R(0.001, 0.01), ipc: R(0.2, 0.5), clock: R(800, 1300), power: R(0.15, 0.25), memUsed: R(0.01, 0.04), net: R(0, 0.0005), file: R(0, 0.001), accUtil: R(0, 1), accMem: R(0, 0.02), accPower: R(0.1, 0.15) },
  "gpu-heavy": { load: R(0.08, 0.3), user: R(70, 95), flops: R(0.005, 0.02), dp: R(0, 0.2), bw: R(0.05, 0.15), ipc: R(0.8, 1.5), clock: R(2400, 2900), power: R(0.35, 0.5), memUsed: R(0.1, 0.4), net: R(0.1, 0.5), file: R(0.02, 0.2), accUtil: R(85, 99), accMem: R(0.6, 0.95), accPower: R(0.7, 0.95) },
  "gpu-typical": { load: R(0.05, 0.2), user: R(60, 90), flops: R(0.003, 0.015), dp: R(0, 0.3), bw: R(0.03, 0.1), ipc: R(0.7, 1.3), clock: R(2200, 2800), power: R(0.3, 0.45), memUsed: R(0.05, 0.3), net: R(0.05, 0.3), file: R(0.01, 0.1), accUtil: R(30, 70), accMem: R(0.2, 0.6), accPower: R(0.35, 0.6) },
  "gpu-idle": { load: R(0.01, 0.06), user: R(20, 60), flops: R(0, 0.002), dp: R(0, 0.5), bw: R(0.002, 0.02), ipc: R(0.3, 0.7), clock: R(1500, 2000), power: R(0.2, 0.3), memUsed: R(0.02, 0.1), net: R(0, 0.001), file: R(0, 0.002), accUtil: R(0, 4), accMem: R(0.01, 0.08), accPower: R(0.12, 0.2) },
} satisfies Record<string, Profile>;

/** Failing jobs behave like ordinary ones until they die; on alex "typical" means moderate GPU use. */
function profileOf(behaviour: Behaviour, gpuCluster: boolean): Profile {
  if (behaviour === "failing" || behaviour === "typical") return gpuCluster ? PROFILES["gpu-typical"] : PROFILES.typical;
  return PROFILES[behaviour];
}

export function drawLevels(random: Random, behaviour: Behaviour, gpuCluster: boolean, multiNode: boolean): Levels {
  const profile = profileOf(behaviour, gpuCluster);
  const levels = {} as Levels;
  for (const key of Object.keys(profile) as (keyof Levels)[]) levels[key] = uniform(random, ...profile[key]);
  // Single-node jobs only see management traffic on the interconnect.
  if (!multiNode) levels.net = Math.min(levels.net, uniform(random, 0, 0.002));
  return levels;
}
