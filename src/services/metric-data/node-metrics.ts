import type { MetricScope } from "../../metricdata/scopes.js";
import { InputError, type RequestContext } from "../context.js";
import type { JobMetricWithName } from "../jobs/metric-data.js";
import { knownMetrics } from "../jobs/metric-data.js";

export interface NodeMetrics {
  host: string;
  subCluster: string;
  metrics: JobMetricWithName[];
}

export interface NodeMetricsRequest {
  cluster: string;
  nodes?: string[];
  scopes: MetricScope[];
  metrics?: string[];
  from: Date;
  to: Date;
}

/** Longest range of the systems view: a month of node data is already more than a page can draw. */
export const MAX_NODE_RANGE_SECONDS = 31 * 86_400;

/** nodeMetrics (systems view): per host of a cluster its metrics over a time range, from the repository. */
export async function nodeMetrics(ctx: RequestContext, request: NodeMetricsRequest): Promise<NodeMetrics[]> {
  const cluster = ctx.clusters?.get(request.cluster);
  if (!cluster) throw new InputError(`unknown cluster ${JSON.stringify(request.cluster)}`);
  const from = Math.floor(request.from.getTime() / 1000);
  const to = Math.floor(request.to.getTime() / 1000);
  if (!(to > from)) throw new InputError("nodeMetrics: `to` must be after `from`");
  if (to - from > MAX_NODE_RANGE_SECONDS) throw new InputError(`nodeMetrics: the range may span at most ${MAX_NODE_RANGE_SECONDS / 86_400} days`);
  const metrics = request.metrics ? knownMetrics(ctx, request.cluster, request.metrics, "refuse") : cluster.metricConfig.map((m) => m.name);
  const repository = ctx.metricData?.forCluster(request.cluster);
  if (!repository) throw new InputError(`cluster "${request.cluster}" has no metric data repository configured`, 422);
  const { data, warnings } = await repository.loadNodeData(request.cluster, request.nodes, metrics, from, to, { scopes: request.scopes.length > 0 ? request.scopes : ["node"] });
  if (warnings.length > 0) ctx.logger.debug({ warnings: warnings.slice(0, 10) }, "nodeMetrics: partial data");
  return Object.entries(data)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([host, perMetric]) => {
      let subCluster = "";
      try {
        subCluster = ctx.clusters!.subClusterOf(request.cluster, host);
      } catch {
        // A host that no subcluster lists keeps an empty subcluster, as in cc-backend.
      }
      return {
        host,
        subCluster,
        metrics: Object.entries(perMetric).flatMap(([name, scoped]) => scoped.map((metric) => ({ name, scope: "node", metric }))),
      };
    });
}
