import type { SubClusterMetric } from "../archive/clusters.js";
import type { Levels } from "./behaviours.js";

export type Shape = "activity" | "memory" | "leak" | "io";
export type ChildScope = "core" | "socket" | "accelerator";

/** How one metric evolves on one node of a job, in the metric's unit at node scope. */
export interface MetricModel {
  metric: SubClusterMetric;
  level: number;
  /** Value while the job starts up or waits for I/O. */
  floor: number;
  /** Relative sample-to-sample noise. */
  noise: number;
  shape: Shape;
  max: number;
  /** Finer scope written beside node scope, if any. */
  child?: ChildScope;
  /** Whether finer-scope shares follow the busy cores or are even. */
  weighting: "active" | "uniform";
}

/** What a job owns on one node, which scales its node-level values. */
export interface NodeShare {
  cores: number;
  nodeCores: number;
  gpus: number;
}

/** Metrics with per-core series for small jobs; more would make data.json huge. */
const CORE_METRICS = new Set(["flops_any", "ipc", "cpu_user"]);
const SOCKET_METRICS = new Set(["mem_bw", "cpu_power", "mem_power"]);

function childScope(metric: SubClusterMetric, coreScope: boolean): ChildScope | undefined {
  if (metric.scope === "accelerator") return "accelerator";
  if (SOCKET_METRICS.has(metric.name)) return "socket";
  return coreScope && CORE_METRICS.has(metric.name) ? "core" : undefined;
}

/** Built field by field: this runs for every metric of every node of 100,000 jobs. */
export function modelMetric(metric: SubClusterMetric, levels: Levels, share: NodeShare, oom: boolean, coreScope: boolean): MetricModel {
  const p = metric.peak;
  const f = share.cores / share.nodeCores;
  const flopsAny = levels.flops * p * f;
  const model: MetricModel = { metric, level: 0.1 * p, floor: 0, noise: 0.05, shape: "activity", max: Infinity, child: childScope(metric, coreScope), weighting: "active" };
  switch (metric.name) {
    case "cpu_load":
      model.level = levels.load * share.cores;
      model.noise = 0.03;
      break;
    case "cpu_user":
      model.level = levels.load * levels.user;
      model.max = 100;
      break;
    case "flops_any":
    case "flops_dp":
    case "flops_sp":
      model.level = metric.name === "flops_any" ? flopsAny : metric.name === "flops_dp" ? (flopsAny * levels.dp) / 2 : flopsAny * (1 - levels.dp);
      model.noise = 0.15;
      break;
    case "mem_bw":
      model.level = levels.bw * p * f;
      model.floor = 0.002 * p;
      model.noise = 0.08;
      break;
    case "ipc":
      model.level = levels.ipc;
      model.floor = 0.3;
      model.noise = 0.08;
      model.weighting = "uniform";
      break;
    case "clock":
      model.level = levels.clock;
      model.floor = Math.min(levels.clock, 1000);
      model.noise = 0.03;
      model.weighting = "uniform";
      break;
    case "cpu_power":
      model.level = levels.power * p;
      model.floor = 0.15 * p;
      break;
    case "mem_power":
      model.level = (0.25 + 0.7 * levels.bw) * p;
      model.floor = 0.2 * p;
      break;
    case "mem_used":
      // An out-of-memory job fills its share of the node until the kernel kills it.
      model.level = oom ? 0.97 * p * f : Math.max(1, levels.memUsed * p * f);
      model.floor = 0.5;
      model.noise = 0.01;
      model.shape = oom ? "leak" : "memory";
      break;
    case "net_bw":
      model.level = levels.net * p;
      model.noise = 0.4;
      break;
    case "file_bw":
      model.level = levels.file * p;
      model.noise = 0.5;
      model.shape = "io";
      break;
    case "acc_utilization":
      model.level = levels.accUtil;
      model.noise = 0.08;
      model.max = 100;
      model.weighting = "uniform";
      break;
    case "acc_mem_used":
      model.level = Math.max(0.3, levels.accMem * p) * share.gpus;
      model.floor = 0.3 * share.gpus;
      model.noise = 0.01;
      model.shape = oom ? "leak" : "memory";
      model.weighting = "uniform";
      break;
    case "acc_power":
      model.level = levels.accPower * p * share.gpus;
      model.floor = Math.min(levels.accPower, 0.1) * p * share.gpus;
      model.weighting = "uniform";
      break;
  }
  return model;
}
