/**
 * MetricDataRepository over a remote cc-metric-store (or any server speaking its query protocol,
 * this one included). Metrics, scopes and topologies come from cluster.json; the store is asked for
 * exactly the series a scope needs (plan.ts), in batches (batches.ts). What the store cannot answer
 * for single series (unknown host, missing metric, no samples) becomes a warning; the request as a
 * whole fails only when the store cannot be used at all (cc-backend issue #267).
 */
import type { ClusterRegistry } from "../../archive/clusters.js";
import type { JobData, JobMetric, Series } from "../../archive/generated/archive-types.js";
import {
  jobTimeRange,
  WarningList,
  type JobStatisticsByHost,
  type LoadOptions,
  type MetricDataJob,
  type MetricDataRepository,
  type MetricDataResult,
  type NodeData,
  type TimeRange,
} from "../repository.js";
import type { MetricScope } from "../scopes.js";
import { runBatches, type RowOutcome } from "./batches.js";
import { CcMetricStoreError, CcmsHttp, type CcmsHttpOptions } from "./http.js";
import { ClusterCatalog, type StoreMetric } from "./metrics.js";
import { planHost, targetScopes, type PlannedQuery } from "./plan.js";
import { readGeneratedQuery, type CcmsApiRequest } from "./protocol.js";
import { seriesOf, statisticsFrom } from "./results.js";

export const DEFAULT_MAX_SERIES_PER_REQUEST = 1000;
export const DEFAULT_CONCURRENCY = 4;

export interface CcMetricStoreOptions extends CcmsHttpOptions {
  /** cluster.json of the clusters: metrics, scopes, units, topologies. */
  clusters: ClusterRegistry;
  /** cluster.json name → name in the store (config `metricRenamings`). */
  metricRenamings?: Record<string, string>;
  /** Most result series per request. Default 1000. */
  maxSeriesPerRequest?: number;
  /** Requests in flight at once per load. Default 4. */
  concurrency?: number;
}

interface Planned {
  queries: PlannedQuery[];
  range: TimeRange;
}

export class CcMetricStoreRepository implements MetricDataRepository {
  readonly kind = "cc-metric-store";
  private readonly http: CcmsHttp;
  private readonly catalog: ClusterCatalog;
  private readonly maxSeriesPerRequest: number;
  private readonly concurrency: number;

  constructor(options: CcMetricStoreOptions) {
    this.http = new CcmsHttp(options);
    this.catalog = new ClusterCatalog(options.clusters, options.metricRenamings);
    this.maxSeriesPerRequest = positive(options.maxSeriesPerRequest, DEFAULT_MAX_SERIES_PER_REQUEST);
    this.concurrency = positive(options.concurrency, DEFAULT_CONCURRENCY);
  }

  /** The store's URL as it appears in messages (no credentials). */
  get url(): string {
    return this.http.where;
  }

  private async send(cluster: string, planned: Planned, withData: boolean, signal: AbortSignal | undefined, warnings: WarningList): Promise<RowOutcome[]> {
    if (planned.queries.length === 0) return [];
    const request = { cluster, from: Math.floor(planned.range.from), to: Math.floor(planned.range.to), "with-stats": true, "with-data": withData, "with-padding": false as const };
    return runBatches(this.http, request, planned.queries, { maxSeriesPerRequest: this.maxSeriesPerRequest, concurrency: this.concurrency, signal }, warnings);
  }

  private planJob(job: MetricDataJob, metrics: StoreMetric[], scopes: MetricScope[] | undefined, range: TimeRange, warnings: WarningList): Planned {
    const hasAccelerators = (job.numAcc ?? 0) > 0 || job.resources.some((r) => (r.accelerators?.length ?? 0) > 0);
    const queries: PlannedQuery[] = [];
    for (const metric of metrics) {
      if (metric.scope === "accelerator" && !hasAccelerators) continue;
      for (const target of targetScopes(metric.scope, scopes)) {
        for (const resource of job.resources) {
          const topology = this.catalog.topology(job.cluster, job.subCluster, resource.hostname);
          queries.push(...planHost(metric, target, resource.hostname, topology, warnings, resource.hwthreads, resource.accelerators));
        }
      }
    }
    return { queries, range };
  }

  async loadJobData(job: MetricDataJob, metrics: string[] | undefined, scopes: MetricScope[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobData>> {
    const warnings = new WarningList();
    const range = options.range ?? jobTimeRange(job);
    const planned = this.planJob(job, this.catalog.metrics(job.cluster, job.subCluster, metrics, warnings), scopes, range, warnings);
    const outcomes = await this.send(job.cluster, planned, true, options.signal, warnings);
    const data: JobData = {};
    planned.queries.forEach((p, i) => {
      const series = seriesOf(p, outcomes[i], range, warnings);
      if (series.length === 0) return;
      const scoped = (data[p.metric.name] ??= {});
      (scoped[p.scope] ??= { unit: p.metric.unit, timestep: p.metric.timestep, series: [] }).series.push(...series);
    });
    return { data, warnings: warnings.list() };
  }

  async loadStats(job: MetricDataJob, metrics: string[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobStatisticsByHost>> {
    const warnings = new WarningList();
    const range = options.range ?? jobTimeRange(job);
    const planned = this.planJob(job, this.catalog.metrics(job.cluster, job.subCluster, metrics, warnings), ["node"], range, warnings);
    const outcomes = await this.send(job.cluster, planned, false, options.signal, warnings);
    const data: JobStatisticsByHost = {};
    planned.queries.forEach((p, i) => {
      const statistics = statisticsFrom(p, outcomes[i], warnings);
      if (statistics) (data[p.metric.name] ??= {})[p.host] = statistics;
    });
    return { data, warnings: warnings.list() };
  }

  async loadNodeData(
    cluster: string,
    hosts: string[] | undefined,
    metrics: string[] | undefined,
    from: number,
    to: number,
    options: { scopes?: MetricScope[]; signal?: AbortSignal } = {},
  ): Promise<MetricDataResult<NodeData>> {
    const warnings = new WarningList();
    const range = { from, to };
    const chosen = this.catalog.metrics(cluster, undefined, metrics, warnings);
    const data: NodeData = {};
    let hostList = hosts;
    if (!hostList) {
      // Only the store knows which hosts it has: ask it for node data of all of them.
      hostList = await this.allNodes(cluster, chosen, range, options, data, warnings);
    }
    for (const host of hostList) data[host] ??= {};
    const queries: PlannedQuery[] = [];
    for (const host of hostList) {
      const topology = this.catalog.topology(cluster, undefined, host);
      for (const metric of chosen) {
        for (const target of targetScopes(metric.scope, options.scopes)) {
          if (!hosts && target === "node") continue;
          queries.push(...planHost(metric, target, host, topology, warnings));
        }
      }
    }
    let outcomes: RowOutcome[];
    try {
      outcomes = await this.send(cluster, { queries, range }, true, options.signal, warnings);
    } catch (error) {
      // With the node data of all hosts already in hand, losing the finer scopes is partial.
      if (hosts || !(error instanceof CcMetricStoreError)) throw error;
      warnings.add(error.message);
      outcomes = queries.map(() => "failed" as const);
    }
    const add = nodeSeriesAdder(data);
    queries.forEach((p, i) => add(p, seriesOf(p, outcomes[i], range, warnings)));
    return { data, warnings: warnings.list() };
  }

  /** `for-all-nodes`: node data of every host the store has; returns those hosts. */
  private async allNodes(
    cluster: string,
    metrics: StoreMetric[],
    range: TimeRange,
    options: { scopes?: MetricScope[]; signal?: AbortSignal },
    data: NodeData,
    warnings: WarningList,
  ): Promise<string[]> {
    if (metrics.length === 0) return [];
    const request: CcmsApiRequest = {
      cluster,
      from: Math.floor(range.from),
      to: Math.floor(range.to),
      "with-stats": true,
      "with-data": true,
      "with-padding": false,
      "for-all-nodes": metrics.map((m) => m.remote),
    };
    const response = await this.http.query(request, options.signal);
    const byName = new Map(metrics.map((m) => [m.name, m]));
    const wanted = new Set(metrics.filter((m) => targetScopes(m.scope, options.scopes).includes("node")).map((m) => m.name));
    const hosts = new Set<string>();
    const add = nodeSeriesAdder(data);
    const generated = response.queries ?? [];
    if (generated.length !== response.results.length) warnings.add(`the store answered ${response.results.length} results for ${generated.length} generated queries; unmatched ones are left out`);
    generated.forEach((raw, i) => {
      const query = readGeneratedQuery(raw);
      const metric = query && byName.get(this.catalog.localName(query.metric));
      if (!query || !metric) return;
      hosts.add(query.host);
      if (!wanted.has(metric.name) || i >= response.results.length) return;
      const row = response.results[i];
      const planned: PlannedQuery = { metric, scope: "node", host: query.host, ids: [undefined], query: { metric: metric.remote, host: query.host, aggreg: false } };
      const outcome: RowOutcome = Array.isArray(row) ? { row } : { missing: "malformed result row" };
      add(planned, seriesOf(planned, outcome, range, warnings));
    });
    return [...hosts].sort();
  }
}

/** Adds series to NodeData: one JobMetric per host, metric and scope, however many queries fed it. */
function nodeSeriesAdder(data: NodeData): (p: PlannedQuery, series: Series[]) => void {
  const metrics = new Map<string, JobMetric>();
  return (p, series) => {
    if (series.length === 0) return;
    const key = JSON.stringify([p.host, p.metric.name, p.scope]);
    let jobMetric = metrics.get(key);
    if (!jobMetric) {
      jobMetric = { unit: p.metric.unit, timestep: p.metric.timestep, series: [] };
      metrics.set(key, jobMetric);
      ((data[p.host] ??= {})[p.metric.name] ??= []).push(jobMetric);
    }
    jobMetric.series.push(...series);
  };
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
