import type { JobMeta } from "../archive/generated/archive-types.js";
import type { App, Behaviour, User } from "./population.js";
import { childSeed, createRandom, integer, normal, pick, uniform, weighted, zipf, type Random } from "./random.js";

export type JobState = JobMeta["jobState"];

/** A job before it is placed on nodes: who, what, when and for how long. */
export interface PlannedJob {
  index: number;
  /** Seed of the job's own random stream (levels, series, texts), independent of other jobs. */
  seed: number;
  cluster: "fritz" | "alex";
  subCluster: string;
  user: User;
  app: App;
  behaviour: Behaviour;
  jobState: JobState;
  startTime: number;
  duration: number;
  walltime: number;
  numNodes: number;
  /** GPUs per node (alex only); 8 means whole nodes. */
  gpusPerNode: number;
  /** Members of one array job share a burst number. */
  burst: number;
}

const HOUR = 3600;
const WALLTIMES = [1, 2, 4, 6, 8, 12, 24].map((h) => h * HOUR);
const DAY = 24 * HOUR;

/** Node counts on fritz: mostly one node, a tail of mid-size jobs, a few large ones. */
const FRITZ_NODES: readonly (readonly [readonly [number, number], number])[] = [
  [[1, 1], 62],
  [[2, 4], 18],
  [[5, 16], 14],
  [[17, 31], 3],
  [[32, 64], 3],
];

function nodeCount(random: Random, cluster: "fritz" | "alex", subCluster: string, app: App): { numNodes: number; gpusPerNode: number } {
  if (cluster === "alex") {
    if (app.maxNodes > 1 && random() < 0.15) return { numNodes: integer(random, 2, Math.min(8, app.maxNodes)), gpusPerNode: 8 };
    return { numNodes: 1, gpusPerNode: weighted(random, [[1, 40], [2, 20], [4, 20], [8, 20]]) };
  }
  const [lo, hi] = weighted(random, FRITZ_NODES);
  let n = integer(random, lo, hi);
  // Users like powers of two.
  if (random() < 0.6) n = 2 ** Math.round(Math.log2(n));
  const limit = subCluster === "spr1tb" ? 2 : app.maxNodes;
  return { numNodes: Math.max(1, Math.min(n, limit)), gpusPerNode: 0 };
}

function stateOf(random: Random, behaviour: Behaviour): JobState {
  if (behaviour === "failing") return weighted(random, [["failed", 80], ["out_of_memory", 20]] as const);
  // Forgotten interactive sessions tend to run into their time limit.
  const timeout = behaviour === "idle" || behaviour === "gpu-idle" ? 25 : 4;
  return weighted(random, [["completed", 86], ["cancelled", 6], ["timeout", timeout], ["failed", 2], ["out_of_memory", 1]] as const);
}

/** Intended run time and time limit, then what the final state made of it. */
function timing(random: Random, behaviour: Behaviour, state: JobState): { duration: number; walltime: number } {
  if (behaviour === "failing") {
    return { duration: Math.round(60 * Math.exp(uniform(random, 0, Math.log(15)))), walltime: pick(random, WALLTIMES) };
  }
  const intended = Math.round(Math.min(DAY, Math.max(180, 3000 * Math.exp(1.2 * normal(random)))));
  const walltime = WALLTIMES.find((w) => w >= intended * uniform(random, 1.1, 3)) ?? DAY;
  let duration = Math.min(intended, walltime);
  if (state === "timeout") duration = walltime + integer(random, 5, 90);
  else if (state === "cancelled" || state === "failed") duration = Math.max(120, Math.round(duration * uniform(random, 0.1, 0.9)));
  else if (state === "out_of_memory") duration = Math.max(120, Math.round(duration * uniform(random, 0.2, 0.8)));
  return { duration, walltime };
}

/** More jobs start during working hours and on weekdays (Central European time). */
function startTime(random: Random, from: number, to: number): number {
  for (;;) {
    const t = Math.floor(uniform(random, from, to));
    const hour = Math.floor(((t + HOUR) % DAY) / HOUR);
    const weekday = Math.floor(t / DAY + 4) % 7; // 0 is Sunday
    const weight = (hour >= 8 && hour < 19 ? 1 : hour >= 19 ? 0.6 : 0.35) * (weekday === 0 || weekday === 6 ? 0.6 : 1);
    if (random() < weight) return t;
  }
}

function pickApp(random: Random, user: User, gpu: boolean): App {
  const fitting = user.apps.filter((a) => a.gpu === gpu);
  return random() < 0.8 && fitting[0] ? fitting[0] : (fitting[1] ?? fitting[0]!);
}

function pickBehaviour(random: Random, user: User, app: App): Behaviour {
  const idleBoost = user.sloppy ? 4 : 1;
  return weighted(random, app.behaviours.map(([b, w]) => [b, b === "idle" || b === "gpu-idle" ? w * idleBoost : w] as const));
}

/** `count` jobs over [now - days, now], sorted by start time; all have finished by `now`. */
export function planJobs(random: Random, users: readonly User[], count: number, now: number, days: number): PlannedJob[] {
  const from = now - days * DAY;
  // Start times are drawn by rejection from the hour and weekday, so how many draws they take depends on
  // `now`: on their own stream they leave the rest (users, clusters, sizes, states) the same at every hour.
  const clock = createRandom(childSeed(random));
  const userRank = zipf(random, users.length);
  const jobs: PlannedJob[] = [];
  let burst = 0;
  while (jobs.length < count) {
    const user = users[userRank()]!;
    const gpu = random() < user.gpuShare;
    const cluster = gpu ? "alex" : "fritz";
    const subCluster = gpu ? pick(random, ["a40", "a100"]) : random() < 0.85 ? "main" : "spr1tb";
    const app = pickApp(random, user, gpu);
    // Array jobs: a burst of similar single-node jobs submitted together.
    const members = random() < 0.008 ? Math.min(integer(random, 5, 25), count - jobs.length) : 1;
    const arrayId = members > 1 ? ++burst : 0;
    const behaviour = pickBehaviour(random, user, app);
    const size = members > 1 ? { numNodes: 1, gpusPerNode: gpu ? 1 : 0 } : nodeCount(random, cluster, subCluster, app);
    const state = stateOf(random, behaviour);
    const timed = timing(random, behaviour, state);
    // Only matters for tiny windows (days < 2): every job must have ended by `now`.
    const duration = Math.min(timed.duration, Math.floor((days * DAY) / 2));
    const walltime = timed.walltime;
    let start = startTime(clock, from, now - duration - 60);
    for (let m = 0; m < members; m++) {
      const jobState = m === 0 ? state : stateOf(random, behaviour);
      const jobDuration = Math.min(
        Math.floor((days * DAY) / 2),
        m === 0 ? duration : jobState === "timeout" ? walltime + 30 : Math.max(60, Math.min(walltime, Math.round(duration * uniform(random, 0.8, 1.2)))),
      );
      if (m > 0) start = Math.max(from, Math.min(now - jobDuration - 1, start + integer(random, 0, 900)));
      jobs.push({
        index: jobs.length, seed: childSeed(random), cluster, subCluster, user, app, behaviour, jobState,
        startTime: start, duration: jobDuration, walltime, burst: arrayId, ...size,
      });
    }
  }
  return jobs.sort((a, b) => a.startTime - b.startTime || a.index - b.index);
}
