/**
 * The interface every metric data backend implements: the embedded store (internal/) now,
 * cc-metric-store and Prometheus clients later. It follows cc-backend v1.0's
 * `MetricDataRepository` (LoadData, LoadStats, LoadNodeData), with one difference: a backend never
 * fails a whole request because part of it failed. It answers with what it has and lists what is
 * missing in `warnings` (cc-backend's "partial errors"); it rejects only when it can answer nothing
 * (e.g. the remote store is unreachable).
 *
 * Times are Unix seconds. Data arrays start at the requested `from` (null where no sample exists)
 * and end at the last sample before `to`.
 */
import type { JobData, JobMetric, Resource } from "../archive/generated/archive-types.js";
import type { MetricScope } from "./scopes.js";

export type { MetricScope } from "./scopes.js";

/** What a backend needs of a job: where and when it ran. A JobMeta or a job row fits. */
export interface MetricDataJob {
  cluster: string;
  subCluster?: string;
  /** Unix seconds. */
  startTime: number;
  /** Seconds; 0 while the job runs (then the data reaches up to now). */
  duration: number;
  resources: Resource[];
  numAcc?: number;
}

export interface TimeRange {
  from: number;
  to: number;
}

/** avg/min/max of one host over the range (cc-backend's schema.MetricStatistics). */
export interface HostStatistics {
  avg: number;
  min: number;
  max: number;
}

/** A result and what could not be loaded. */
export interface MetricDataResult<T> {
  data: T;
  /** One line per missing part, e.g. `no data for "flops_any" (node) on host "n01"`; capped. */
  warnings: string[];
}

/** metric → hostname → statistics. */
export type JobStatisticsByHost = Record<string, Record<string, HostStatistics>>;

/** hostname → metric → one JobMetric per scope. */
export type NodeData = Record<string, Record<string, JobMetric[]>>;

export interface LoadOptions {
  /** Overrides the job's own range (start … start + duration, or now while it runs). */
  range?: TimeRange;
  signal?: AbortSignal;
}

export interface MetricDataRepository {
  /** "internal", "cc-metric-store", "prometheus", ... */
  readonly kind: string;

  /**
   * Per metric per scope the job's series. `metrics` undefined: every metric of the cluster;
   * `scopes` undefined: node. A metric measured at a finer scope than requested is aggregated to
   * it; one measured at a coarser scope is returned at its own scope (never finer than measured).
   */
  loadJobData(job: MetricDataJob, metrics: string[] | undefined, scopes: MetricScope[] | undefined, options?: LoadOptions): Promise<MetricDataResult<JobData>>;

  /** Per metric per host avg/min/max over the job's range, at node scope. */
  loadStats(job: MetricDataJob, metrics: string[] | undefined, options?: LoadOptions): Promise<MetricDataResult<JobStatisticsByHost>>;

  /**
   * Per host per metric the series over [from, to), for the system views. `hosts` undefined: every
   * host the backend knows of the cluster; `scopes` default to node.
   */
  loadNodeData(
    cluster: string,
    hosts: string[] | undefined,
    metrics: string[] | undefined,
    from: number,
    to: number,
    options?: { scopes?: MetricScope[]; signal?: AbortSignal },
  ): Promise<MetricDataResult<NodeData>>;

  /** Releases what the backend holds (the embedded store writes its final checkpoint). */
  close?(): Promise<void>;
}

/** The range of a job: start … start + duration, or start … now while it runs. */
export function jobTimeRange(job: MetricDataJob, nowSeconds = Math.floor(Date.now() / 1000)): TimeRange {
  const to = job.duration > 0 ? job.startTime + job.duration : Math.max(job.startTime, nowSeconds);
  return { from: job.startTime, to };
}

/** Collects warnings up to a limit, then counts the rest in a last line. */
export class WarningList {
  private readonly lines: string[] = [];
  private dropped = 0;

  constructor(private readonly limit = 100) {}

  add(line: string): void {
    if (this.lines.length < this.limit) this.lines.push(line);
    else this.dropped++;
  }

  list(): string[] {
    return this.dropped > 0 ? [...this.lines, `... and ${this.dropped} more`] : [...this.lines];
  }
}
