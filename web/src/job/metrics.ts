import type { Job, JobMetric, MetricConfig, SubCluster } from "./queries.js";

/** At most about this many points per series: the first load and every zoom ask for a resolution that gives it. */
export const TARGET_POINTS = 600;

/** Metrics of the polar plot, in this order, as far as the cluster has them. */
export const POLAR_METRICS = ["flops_any", "mem_bw", "cpu_load", "mem_used", "ipc", "net_bw", "file_bw"];

/** More series than this (all hosts) are drawn as a min/mean/max band. */
export const MAX_LINES = 8;

/** Scopes from coarse to fine, as cc-backend orders them. */
const SCOPE_ORDER = ["node", "socket", "memoryDomain", "core", "hwthread", "accelerator"];

export function scopeRank(scope: string): number {
  const i = SCOPE_ORDER.indexOf(scope);
  return i < 0 ? SCOPE_ORDER.length : i;
}

/** Scopes a metric can be shown at: node, its native scope and (for per-core metrics) socket. */
export function scopesOf(config: MetricConfig | undefined, job: Pick<Job, "numAcc">): string[] {
  const native = config?.scope ?? "node";
  if (native === "accelerator" && job.numAcc === 0) return ["node"];
  const scopes = new Set(["node"]);
  if (native === "core" || native === "hwthread") scopes.add("socket");
  scopes.add(native);
  return [...scopes].sort((a, b) => scopeRank(a) - scopeRank(b));
}

/** Seconds between points so that `seconds` of data give at most TARGET_POINTS points. */
export function resolutionFor(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / TARGET_POINTS));
}

/** How long the job has run (running jobs: until now). */
export function jobSeconds(job: Pick<Job, "duration" | "startTime" | "state">): number {
  if (job.state === "running" || job.duration <= 0) {
    const start = Date.parse(job.startTime);
    if (Number.isFinite(start)) return Math.max(job.duration, Math.floor((Date.now() - start) / 1000));
  }
  return job.duration;
}

/** Whether the metric is switched off for the job's subcluster (cluster.json `remove`). */
export function isRemoved(config: MetricConfig, subCluster: string): boolean {
  return config.subClusters.some((sc) => sc.name === subCluster && sc.remove === true);
}

export interface Thresholds {
  peak: number;
  normal: number | null;
  caution: number;
  alert: number;
}

/**
 * The thresholds of a metric for the job's subcluster at a scope: as cc-backend, values of summed
 * metrics are split evenly across the sockets/cores/... of a node below node scope.
 */
export function thresholdsFor(config: MetricConfig, subCluster: SubCluster | undefined, scope: string): Thresholds | null {
  const own = config.subClusters.find((sc) => sc.name === subCluster?.name);
  const base: Thresholds = {
    peak: own?.peak ?? config.peak,
    normal: own?.normal ?? config.normal ?? null,
    caution: own?.caution ?? config.caution,
    alert: own?.alert ?? config.alert,
  };
  if (scope === "node" || config.aggregation === "avg") return base;
  if (config.aggregation !== "sum" || !subCluster) return null;
  const topology = subCluster.topology;
  const divisor =
    scope === "socket" ? topology.socket?.length
    : scope === "memoryDomain" ? topology.memoryDomain?.length
    : scope === "core" ? topology.core?.length
    : scope === "hwthread" ? topology.node?.length
    : scope === "accelerator" ? topology.accelerators?.length
    : undefined;
  if (!divisor) return null;
  return {
    peak: base.peak / divisor,
    normal: base.normal == null ? null : base.normal / divisor,
    caution: base.caution / divisor,
    alert: base.alert / divisor,
  };
}

export type Level = "normal" | "caution" | "alert";

/** Where an average lies against the thresholds; alert < caution means "lower is worse" (e.g. load). */
export function levelOf(value: number, thresholds: Thresholds | null): Level {
  if (!thresholds || !Number.isFinite(value)) return "normal";
  const worse = thresholds.alert < thresholds.caution ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
  if (worse(value, thresholds.alert)) return "alert";
  if (worse(value, thresholds.caution)) return "caution";
  return "normal";
}

export function unitText(unit: { base: string; prefix?: string | null } | null | undefined): string {
  if (!unit) return "";
  return `${unit.prefix ?? ""}${unit.base}`;
}

const PREFIX: Record<string, number> = { "": 1, K: 1e3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** Factor of a unit prefix (G → 1e9); unknown prefixes count as none. */
export function prefixFactor(prefix: string | null | undefined): number {
  return PREFIX[prefix ?? ""] ?? 1;
}

/** A number for tables: four significant digits, whole numbers from 1000 on. */
export function formatValue(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return "–";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  return String(Number(value.toPrecision(4)));
}

/** NullableFloat arrives as number or null (NaN in the server's data); uPlot wants null for gaps. */
export function cleanData(data: readonly unknown[]): (number | null)[] {
  return data.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null));
}

/** The average of a metric over the job's hosts (mean of per-series averages). */
export function meanOfAverages(metric: JobMetric | undefined): number {
  const stats = (metric?.series ?? []).map((s) => s.statistics?.avg).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return stats.length === 0 ? Number.NaN : stats.reduce((a, b) => a + b, 0) / stats.length;
}

export function maxOfMaxima(metric: JobMetric | undefined): number {
  const stats = (metric?.series ?? []).map((s) => s.statistics?.max).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  return stats.length === 0 ? Number.NaN : Math.max(...stats);
}

export function key(name: string, scope: string): string {
  return `${name}\u0000${scope}`;
}
