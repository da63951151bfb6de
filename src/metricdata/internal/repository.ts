/**
 * MetricDataRepository over the embedded store. Topologies (for sub-node scopes) come from the
 * clusters' cluster.json via the ClusterRegistry; metric units, timesteps and aggregations from the
 * store's own configuration.
 */
import type { JobData, JobMetric, Series as ArchiveSeries, Topology } from "../../archive/generated/archive-types.js";
import type { ClusterRegistry } from "../../archive/clusters.js";
import {
  jobTimeRange,
  WarningList,
  type JobStatisticsByHost,
  type LoadOptions,
  type MetricDataJob,
  type MetricDataRepository,
  type MetricDataResult,
  type NodeData,
} from "../repository.js";
import type { MetricScope } from "../scopes.js";
import { combine, selectSeries, statistics, toNullable } from "./query.js";
import type { MetricInfo } from "./series.js";
import type { MetricStore } from "./store.js";
import { planSelections, targetScope, type ScopeSelection } from "./topology.js";

export class InternalMetricDataRepository implements MetricDataRepository {
  readonly kind = "internal";

  constructor(
    private readonly store: MetricStore,
    /** For topologies and per-subcluster metric lists; without it only node scope can be answered for CPU metrics. */
    private readonly clusters?: ClusterRegistry,
  ) {}

  private topology(cluster: string, subCluster: string | undefined, host: string): Topology | undefined {
    if (!this.clusters) return undefined;
    try {
      const name = subCluster || this.clusters.subClusterOf(cluster, host);
      return this.clusters.subCluster(cluster, name)?.topology;
    } catch {
      return undefined;
    }
  }

  /** A metric a subcluster removed (`remove: true`) is not loaded for its jobs. */
  private removedFor(cluster: string, subCluster: string | undefined, metric: string): boolean {
    if (!this.clusters || !subCluster || !this.clusters.subCluster(cluster, subCluster)) return false;
    return this.clusters.metric(cluster, subCluster, metric) === undefined;
  }

  private metricInfos(cluster: string, metrics: string[] | undefined, warnings: WarningList): MetricInfo[] {
    const clusterData = this.store.cluster(cluster);
    if (!clusterData) {
      warnings.add(`the metric store holds no cluster "${cluster}"`);
      return [];
    }
    if (!metrics) return [...clusterData.metrics.values()];
    const out: MetricInfo[] = [];
    for (const name of metrics) {
      const info = clusterData.metrics.get(name);
      if (info) out.push(info);
      else warnings.add(`metric "${name}" is not configured for cluster "${cluster}"`);
    }
    return out;
  }

  /** One series per selection, data padded to `from`; missing ones become warnings. */
  private readSelections(cluster: string, host: string, info: MetricInfo, selections: ScopeSelection[], from: number, to: number, warnings: WarningList): ArchiveSeries[] {
    const out: ArchiveSeries[] = [];
    for (const selection of selections) {
      let series = selectSeries(this.store, cluster, host, info.name, selection.type, selection.typeIds);
      // Data sent at node level for a finer metric still answers a node request.
      if (series.length === 0 && selection.scope === "node" && selection.type !== "node") series = selectSeries(this.store, cluster, host, info.name, "node");
      const range = combine(series, from, to, info.aggregation, { pad: true, reuse: true });
      const stats = range ? statistics(range.data) : undefined;
      const what = `"${info.name}" (${selection.scope}${selection.id !== undefined ? ` ${selection.id}` : ""}) on host "${host}"`;
      if (!range || !stats || stats.count === 0) {
        warnings.add(series.length === 0 ? `no data for ${what}` : `no samples in the time range for ${what}`);
        continue;
      }
      const entry: ArchiveSeries = { hostname: host, statistics: { avg: stats.avg, min: stats.min, max: stats.max }, data: toNullable(range.data) };
      if (selection.id !== undefined) entry.id = selection.id;
      out.push(entry);
    }
    return out;
  }

  async loadJobData(job: MetricDataJob, metrics: string[] | undefined, scopes: MetricScope[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobData>> {
    const warnings = new WarningList();
    const { from, to } = options.range ?? jobTimeRange(job, this.store.nowSeconds());
    const data: JobData = {};
    const hasAccelerators = (job.numAcc ?? 0) > 0 || job.resources.some((r) => (r.accelerators?.length ?? 0) > 0);
    for (const info of this.metricInfos(job.cluster, metrics, warnings)) {
      if (this.removedFor(job.cluster, job.subCluster, info.name)) continue;
      if (info.scope === "accelerator" && !hasAccelerators) continue;
      const handled = new Set<MetricScope>();
      for (const requested of scopes ?? ["node"]) {
        const target = targetScope(info.scope, requested);
        if (handled.has(target)) continue;
        handled.add(target);
        const jobMetric: JobMetric = { unit: info.unit, timestep: info.timestep, series: [] };
        for (const resource of job.resources) {
          const topology = this.topology(job.cluster, job.subCluster, resource.hostname);
          const selections = planSelections(info.scope, requested, topology, resource.hwthreads, resource.accelerators);
          if (typeof selections === "string") {
            warnings.add(`"${info.name}" on host "${resource.hostname}": ${selections}`);
            continue;
          }
          jobMetric.series.push(...this.readSelections(job.cluster, resource.hostname, info, selections, from, to, warnings));
        }
        if (jobMetric.series.length > 0) (data[info.name] ??= {})[target] = jobMetric;
      }
    }
    return { data, warnings: warnings.list() };
  }

  async loadStats(job: MetricDataJob, metrics: string[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobStatisticsByHost>> {
    const warnings = new WarningList();
    const { from, to } = options.range ?? jobTimeRange(job, this.store.nowSeconds());
    const data: JobStatisticsByHost = {};
    for (const info of this.metricInfos(job.cluster, metrics, warnings)) {
      if (this.removedFor(job.cluster, job.subCluster, info.name)) continue;
      for (const resource of job.resources) {
        const topology = this.topology(job.cluster, job.subCluster, resource.hostname);
        const selections = planSelections(info.scope, "node", topology, resource.hwthreads, resource.accelerators);
        if (typeof selections === "string") {
          warnings.add(`"${info.name}" on host "${resource.hostname}": ${selections}`);
          continue;
        }
        const [series] = this.readSelections(job.cluster, resource.hostname, info, selections, from, to, warnings);
        if (series?.statistics) (data[info.name] ??= {})[resource.hostname] = series.statistics;
      }
    }
    return { data, warnings: warnings.list() };
  }

  async loadNodeData(
    cluster: string,
    hosts: string[] | undefined,
    metrics: string[] | undefined,
    from: number,
    to: number,
    options: { scopes?: MetricScope[] } = {},
  ): Promise<MetricDataResult<NodeData>> {
    const warnings = new WarningList();
    const data: NodeData = {};
    const infos = this.metricInfos(cluster, metrics, warnings);
    for (const host of hosts ?? this.store.hostNames(cluster)) {
      const topology = this.topology(cluster, undefined, host);
      const perMetric: Record<string, JobMetric[]> = {};
      for (const info of infos) {
        const handled = new Set<MetricScope>();
        for (const requested of options.scopes ?? ["node"]) {
          const target = targetScope(info.scope, requested);
          if (handled.has(target)) continue;
          handled.add(target);
          const selections = planSelections(info.scope, requested, topology);
          if (typeof selections === "string") {
            warnings.add(`"${info.name}" on host "${host}": ${selections}`);
            continue;
          }
          const series = this.readSelections(cluster, host, info, selections, from, to, warnings);
          if (series.length > 0) (perMetric[info.name] ??= []).push({ unit: info.unit, timestep: info.timestep, series });
        }
      }
      data[host] = perMetric;
    }
    return { data, warnings: warnings.list() };
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
