import type { JobMeta } from "./generated/archive-types.js";

/** The footprint columns of the job table, filled from a finished job's statistics. */
export interface Footprint {
  flopsAnyAvg: number;
  memBwAvg: number;
  loadAvg: number;
  memUsedMax: number;
  netBwAvg: number;
  netDataVolTotal: number;
  fileBwAvg: number;
  fileDataVolTotal: number;
}

/**
 * As cc-backend: averages of flops_any, mem_bw, cpu_load, net_bw and file_bw, the maximum of mem_used.
 * The data volumes (left at 0 by cc-backend v1.0) are the per-node bandwidth averages times the number
 * of nodes and the duration, in the metric's unit times seconds (GB/s -> GB).
 */
export function footprintOf(meta: Pick<JobMeta, "statistics" | "numNodes" | "duration">): Footprint {
  const stats = meta.statistics ?? {};
  const avg = (metric: string) => finite(stats[metric]?.avg);
  const volume = (metric: string) => avg(metric) * Math.max(0, meta.numNodes) * Math.max(0, meta.duration);
  return {
    flopsAnyAvg: avg("flops_any"),
    memBwAvg: avg("mem_bw"),
    loadAvg: avg("cpu_load"),
    memUsedMax: finite(stats.mem_used?.max),
    netBwAvg: avg("net_bw"),
    netDataVolTotal: volume("net_bw"),
    fileBwAvg: avg("file_bw"),
    fileDataVolTotal: volume("file_bw"),
  };
}

function finite(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
