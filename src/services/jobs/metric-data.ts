/**
 * A job's metric data, wherever it is: finished and archived jobs from the job archive, running jobs
 * (and stopped ones waiting for archiving) from their cluster's metric data repository. REST and
 * GraphQL both ask here, so they answer the same.
 */
import type { JobData } from "../../archive/generated/archive-types.js";
import { isMetricScope, METRIC_SCOPES, type MetricScope } from "../../metricdata/scopes.js";
import { reduceJobMetric, statisticsSeries, type ReducibleJobMetric } from "../../metricdata/transform/index.js";
import { InputError, required, type RequestContext } from "../context.js";
import { MONITORING } from "./records.js";

export { METRIC_SCOPES, type MetricScope };

/** What loading needs of a job; a job row (Prisma or JobRecord) fits. */
export interface JobForData {
  id: number;
  jobId: number | bigint;
  cluster: string;
  subCluster: string;
  startTime: number | bigint;
  duration: number;
  jobState: string;
  monitoringStatus: number;
  numNodes: number;
  numAcc: number | null;
  resources: string;
}

export interface JobMetricWithName {
  name: string;
  scope: string;
  metric: JobData[string][string];
}

export interface JobDataResult {
  data: JobMetricWithName[];
  /** Set when there is no data for a reason other than the request (monitoring off, no repository). */
  note?: string;
  /** Parts that could not be loaded (one host or metric missing); the rest is in `data`. */
  warnings: string[];
}

export interface LoadJobDataOptions {
  /**
   * GraphQL refuses metric names its cluster does not have; the REST API (as cc-backend's) leaves
   * them out of the answer.
   */
  unknownMetrics: "refuse" | "ignore";
  signal?: AbortSignal;
}

export function checkScopes(scopes: readonly string[]): MetricScope[] {
  const bad = scopes.find((s) => !isMetricScope(s));
  if (bad !== undefined) throw new InputError(`invalid metric scope ${JSON.stringify(bad)} (valid: ${METRIC_SCOPES.join(", ")})`);
  return scopes as MetricScope[];
}

/** The metric names of the request that the job's cluster has (cluster.json); unknown ones refused or dropped. */
export function knownMetrics(ctx: RequestContext, cluster: string, metrics: readonly string[], unknown: "refuse" | "ignore"): string[] {
  const config = ctx.clusters?.get(cluster);
  if (!config) return unknown === "refuse" && metrics.length > 0 ? failUnknown(cluster, metrics[0]!) : [...metrics];
  const names = new Set(config.metricConfig.map((m) => m.name));
  const missing = metrics.find((m) => !names.has(m));
  if (missing !== undefined && unknown === "refuse") failUnknown(cluster, missing);
  return metrics.filter((m) => names.has(m));
}

function failUnknown(cluster: string, metric: string): never {
  throw new InputError(`unknown metric ${JSON.stringify(metric.slice(0, 100))} for cluster ${JSON.stringify(cluster)}`);
}

function parseResources(text: string): { hostname: string; hwthreads?: number[]; accelerators?: string[] }[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as { hostname: string }[]).filter((r) => r && typeof r.hostname === "string") : [];
  } catch {
    return [];
  }
}

export async function loadJobMetricData(ctx: RequestContext, job: JobForData, metrics: readonly string[], scopes: readonly MetricScope[], options: LoadJobDataOptions): Promise<JobDataResult> {
  const wanted = knownMetrics(ctx, job.cluster, metrics, options.unknownMetrics);
  if (metrics.length > 0 && wanted.length === 0) return { data: [], warnings: [] };
  if (job.monitoringStatus === MONITORING.disabled) return { data: [], warnings: [], note: "monitoring is disabled for this job" };

  if (job.jobState !== "running" && job.monitoringStatus === MONITORING.archived) {
    const archive = required(ctx.archive, "the job archive");
    let data: JobData;
    try {
      data = await archive.loadData({ jobId: Number(job.jobId), cluster: job.cluster, startTime: Number(job.startTime) });
    } catch (error) {
      ctx.logger.warn({ err: error, job: job.id }, "metric data of an archived job could not be read");
      throw new InputError(`loading the metric data of job ${job.id} from the archive failed`, 422);
    }
    return { data: selectJobData(data, wanted, scopes), warnings: [] };
  }

  const repository = ctx.metricData?.forCluster(job.cluster);
  if (!repository) {
    const why = job.monitoringStatus === MONITORING.archivingFailed ? "archiving this job failed" : `cluster "${job.cluster}" has no metric data repository configured`;
    return { data: [], warnings: [], note: `no metric data: ${why}` };
  }
  const result = await repository.loadJobData(
    {
      cluster: job.cluster,
      subCluster: job.subCluster,
      startTime: Number(job.startTime),
      duration: job.jobState === "running" ? 0 : job.duration,
      resources: parseResources(job.resources),
      numAcc: job.numAcc ?? 0,
    },
    wanted.length > 0 ? wanted : undefined,
    scopes.length > 0 ? [...scopes] : undefined,
    { signal: options.signal },
  );
  return { data: selectJobData(result.data, wanted, scopes), warnings: result.warnings };
}

/**
 * The requested metrics (none: all) of a job's data; of a metric stored at several scopes only the
 * requested scopes, unless it has none of them — cc-backend's rule for archived jobs.
 */
export function selectJobData(data: JobData, metrics: readonly string[], scopes: readonly string[]): JobMetricWithName[] {
  const result: JobMetricWithName[] = [];
  const names = metrics.length > 0 ? metrics : Object.keys(data);
  for (const name of names) {
    const perScope = Object.hasOwn(data, name) ? data[name] : undefined;
    if (!perScope) continue;
    let entries = Object.entries(perScope);
    if (scopes.length > 0 && entries.length > 1) {
      const subset = entries.filter(([scope]) => scopes.includes(scope));
      if (subset.length > 0) entries = subset;
    }
    for (const [scope, metric] of entries) result.push({ name, scope, metric });
  }
  return result;
}

export interface ShapeOptions {
  /** Seconds between points wanted (cc-backend ≥ 1.3's `resolution`); coarser data is left as it is. */
  resolution?: number | null;
  /** Add min/mean/max per timestep to metrics with several series that lack them. */
  statisticsSeries?: boolean;
}

/**
 * Makes metric data fit what the browser can draw: fewer points (LTTB, first and last kept) when a
 * resolution is asked for, and statistics series for metrics with several series.
 */
export function shapeJobMetrics(data: JobMetricWithName[], options: ShapeOptions): JobMetricWithName[] {
  const { resolution } = options;
  if (resolution != null && !(Number.isInteger(resolution) && resolution > 0)) throw new InputError(`resolution must be a positive number of seconds, got ${resolution}`);
  return data.map((entry) => {
    let metric = entry.metric as ReducibleJobMetric;
    if (options.statisticsSeries && !metric.statisticsSeries && metric.series.length > 1) {
      metric = { ...metric, statisticsSeries: statisticsSeries(metric.series.map((s) => s.data)) };
    }
    if (resolution != null && resolution > metric.timestep) {
      const longest = Math.max(0, ...metric.series.map((s) => s.data.length));
      const maxPoints = Math.max(3, Math.ceil((longest * metric.timestep) / resolution));
      if (maxPoints < longest) metric = reduceJobMetric(metric, { maxPoints });
    }
    return metric === entry.metric ? entry : { ...entry, metric: metric as JobMetricWithName["metric"] };
  });
}
