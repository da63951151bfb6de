/**
 * MetricDataRepository over a Prometheus server, as cc-backend v1.0's Prometheus backend: one
 * PromQL template per metric, node scope only, one range query per metric for all hosts at once,
 * step = the metric's timestep from cluster.json. Unlike upstream, a failing metric does not fail
 * the request: it becomes a warning, and only a server that answers nothing at all rejects it.
 */
import type { ClusterRegistry } from "../../archive/clusters.js";
import type { JobData, JobMetric } from "../../archive/generated/archive-types.js";
import type { Logger } from "../../log.js";
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
import { PrometheusClient, PrometheusError } from "./client.js";
import { hostNameProblem } from "./hosts.js";
import { loadNodeSeries, type NodeSeriesResult } from "./node-series.js";
import { planMetrics, type MetricPlan } from "./plan.js";
import { parseTemplate, TemplateError, type PromQLTemplate } from "./template.js";

export interface PrometheusRepositoryOptions {
  /** The cluster this server holds the metrics of. */
  cluster: string;
  /** Base URL of the Prometheus server, e.g. http://prometheus:9090 (a path prefix is kept). */
  url: string;
  /** Basic auth; also taken from the URL's userinfo when not given here. */
  username?: string;
  password?: string;
  /** Metric name → PromQL with `{{.Nodes}}` inside a quoted label matcher. */
  templates?: Record<string, string>;
  /** Per HTTP request; default DEFAULT_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
}

/** Range queries in flight at once per request: enough to hide latency, few enough for Prometheus. */
const QUERY_CONCURRENCY = 4;

type Outcome = { plan: MetricPlan; result: NodeSeriesResult } | { plan: MetricPlan; error: PrometheusError };

export class PrometheusMetricDataRepository implements MetricDataRepository {
  readonly kind = "prometheus";
  readonly cluster: string;
  private readonly client: PrometheusClient;
  private readonly templates = new Map<string, PromQLTemplate | TemplateError>();

  constructor(
    options: PrometheusRepositoryOptions,
    private readonly clusters: ClusterRegistry,
    private readonly logger: Logger,
  ) {
    this.cluster = options.cluster;
    this.client = new PrometheusClient(options);
    for (const [metric, source] of Object.entries(options.templates ?? {})) {
      try {
        this.templates.set(metric, parseTemplate(source));
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        this.templates.set(metric, error);
        logger.warn({ cluster: this.cluster, metric }, `PromQL template of "${metric}" is unusable: ${error.message}`);
      }
    }
    const config = clusters.get(this.cluster);
    const untemplated = config?.metricConfig.map((m) => m.name).filter((m) => !this.templates.has(m)) ?? [];
    if (untemplated.length > 0) logger.info({ cluster: this.cluster, metrics: untemplated }, "metrics without a PromQL template cannot be loaded from Prometheus");
  }

  /** The server's URL without credentials. */
  get url(): string {
    return this.client.displayUrl;
  }

  private checkCluster(cluster: string): void {
    // A wiring mistake, not missing data: answering with another cluster's hosts would be wrong.
    if (cluster !== this.cluster) throw new Error(`the Prometheus repository of cluster "${this.cluster}" was asked for cluster "${cluster}"`);
  }

  /** Valid, distinct host names in their order; the others become warnings. */
  private usableHosts(hosts: readonly string[], warnings: WarningList): string[] {
    const out = new Set<string>();
    for (const host of hosts) {
      const problem = hostNameProblem(host);
      if (problem) warnings.add(`host ${JSON.stringify(host)} cannot be put into a PromQL query: ${problem}`);
      else out.add(host);
    }
    return [...out];
  }

  /**
   * Every plan's query, a few at a time. Per-metric failures become warnings; when none succeeded
   * and the server could not be reached, the request rejects with the first such error. An abort by
   * the caller rejects at once.
   */
  private async run(plans: MetricPlan[], hosts: readonly string[] | undefined, from: number, to: number, signal: AbortSignal | undefined, warnings: WarningList): Promise<Outcome[]> {
    const outcomes: Outcome[] = new Array(plans.length);
    let next = 0;
    const worker = async () => {
      while (next < plans.length) {
        const index = next++;
        const plan = plans[index]!;
        try {
          const result = await loadNodeSeries(this.client, plan, hosts, from, to, signal);
          this.logger.debug({ cluster: this.cluster, metric: plan.name, query: result.query }, "PromQL range query");
          outcomes[index] = { plan, result };
        } catch (error) {
          if (!(error instanceof PrometheusError)) throw error;
          outcomes[index] = { plan, error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, plans.length) }, worker));

    const failures = outcomes.filter((o): o is Extract<Outcome, { error: PrometheusError }> => "error" in o);
    const unreachable = failures.find((f) => f.error.kind === "unreachable");
    if (unreachable && failures.length === outcomes.length) {
      const more = failures.length > 1 ? ` (all ${failures.length} queries failed)` : "";
      throw new PrometheusError(`${unreachable.error.message}${more}`, "unreachable");
    }
    for (const outcome of outcomes) {
      if ("error" in outcome) warnings.add(`"${outcome.plan.name}": ${outcome.error.message}`);
      else outcome.result.notes.forEach((note) => warnings.add(note));
    }
    return outcomes;
  }

  async loadJobData(job: MetricDataJob, metrics: string[] | undefined, scopes: MetricScope[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobData>> {
    this.checkCluster(job.cluster);
    const warnings = new WarningList();
    const { from, to } = options.range ?? jobTimeRange(job);
    const hosts = this.usableHosts(
      job.resources.map((r) => r.hostname),
      warnings,
    );
    const plans = planMetrics({ clusters: this.clusters, templates: this.templates, cluster: job.cluster, subCluster: job.subCluster, metrics, scopes: scopes ?? ["node"] }, warnings);
    const data: JobData = {};
    if (hosts.length === 0 || plans.length === 0) return { data, warnings: warnings.list() };

    for (const outcome of await this.run(plans, hosts, from, to, options.signal, warnings)) {
      if (!("result" in outcome)) continue;
      const { plan, result } = outcome;
      const jobMetric: JobMetric = { unit: plan.unit, timestep: plan.timestep, series: [] };
      for (const host of hosts) {
        const series = result.byHost.get(host);
        if (series) jobMetric.series.push(series);
        else if (!result.answered.has(host)) warnings.add(`no data for "${plan.name}" (node) on host "${host}"`);
      }
      if (jobMetric.series.length > 0) data[plan.name] = { node: jobMetric };
    }
    return { data, warnings: warnings.list() };
  }

  /** Computed from the node series, as upstream does: a template is an arbitrary expression. */
  async loadStats(job: MetricDataJob, metrics: string[] | undefined, options: LoadOptions = {}): Promise<MetricDataResult<JobStatisticsByHost>> {
    const { data, warnings } = await this.loadJobData(job, metrics, ["node"], options);
    const stats: JobStatisticsByHost = {};
    for (const [metric, scoped] of Object.entries(data)) {
      for (const series of scoped.node?.series ?? []) {
        if (series.statistics) (stats[metric] ??= {})[series.hostname] = series.statistics;
      }
    }
    return { data: stats, warnings };
  }

  async loadNodeData(
    cluster: string,
    hosts: string[] | undefined,
    metrics: string[] | undefined,
    from: number,
    to: number,
    options: { scopes?: MetricScope[]; signal?: AbortSignal } = {},
  ): Promise<MetricDataResult<NodeData>> {
    this.checkCluster(cluster);
    const warnings = new WarningList();
    const usable = hosts && this.usableHosts(hosts, warnings);
    const plans = planMetrics({ clusters: this.clusters, templates: this.templates, cluster, metrics, scopes: options.scopes ?? ["node"] }, warnings);
    const data: NodeData = {};
    for (const host of usable ?? []) data[host] = {};
    if (usable?.length === 0 || plans.length === 0) return { data, warnings: warnings.list() };

    for (const outcome of await this.run(plans, usable, from, to, options.signal, warnings)) {
      if (!("result" in outcome)) continue;
      const { plan, result } = outcome;
      for (const [host, series] of result.byHost) {
        (data[host] ??= {})[plan.name] = [{ unit: plan.unit, timestep: plan.timestep, series: [series] }];
      }
      if (usable) {
        for (const host of usable) if (!result.answered.has(host)) warnings.add(`no data for "${plan.name}" (node) on host "${host}"`);
      } else if (result.answered.size === 0) {
        warnings.add(`no data for "${plan.name}" (node) on any host`);
      }
    }
    return { data, warnings: warnings.list() };
  }
}
