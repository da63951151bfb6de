/**
 * Which of the requested metrics can be asked of Prometheus, and why the others cannot: each
 * needs a cluster.json entry (unit, timestep) and a usable PromQL template.
 */
import type { Unit } from "../../archive/generated/archive-types.js";
import type { ClusterRegistry } from "../../archive/clusters.js";
import type { WarningList } from "../repository.js";
import { coarserScope, isMetricScope, type MetricScope } from "../scopes.js";
import { TemplateError, type PromQLTemplate } from "./template.js";

export interface MetricPlan {
  name: string;
  unit: Unit;
  timestep: number;
  template: PromQLTemplate;
}

export interface PlanInput {
  clusters: ClusterRegistry;
  templates: ReadonlyMap<string, PromQLTemplate | TemplateError>;
  cluster: string;
  /** A job's subcluster: metrics it removed (`remove: true`) are not loaded. */
  subCluster?: string;
  metrics: string[] | undefined;
  scopes: readonly MetricScope[];
}

/** A subcluster that removed the metric; an unknown subcluster removes nothing. */
function removedFor(input: PlanInput, metric: string): boolean {
  const { clusters, cluster, subCluster } = input;
  if (!subCluster || !clusters.subCluster(cluster, subCluster)) return false;
  return clusters.metric(cluster, subCluster, metric) === undefined;
}

export function planMetrics(input: PlanInput, warnings: WarningList): MetricPlan[] {
  const config = input.clusters.get(input.cluster);
  if (!config) {
    warnings.add(`cluster "${input.cluster}" has no cluster.json in the job archive`);
    return [];
  }
  const plans: MetricPlan[] = [];
  for (const name of new Set(input.metrics ?? config.metricConfig.map((m) => m.name))) {
    const metric = config.metricConfig.find((m) => m.name === name);
    if (!metric) {
      warnings.add(`metric "${name}" is not configured for cluster "${input.cluster}"`);
      continue;
    }
    if (removedFor(input, name)) continue;
    const template = input.templates.get(name);
    if (!template) {
      warnings.add(`no PromQL template for metric "${name}" (metricDataRepository.templates)`);
      continue;
    }
    if (template instanceof TemplateError) {
      warnings.add(`the PromQL template of "${name}" is unusable: ${template.message}`);
      continue;
    }
    if (!(metric.timestep > 0)) {
      warnings.add(`metric "${name}" has no positive timestep in cluster.json`);
      continue;
    }
    // As in cc-backend v1.0: a template yields one series per host, whatever scope is asked for.
    const native: MetricScope = isMetricScope(metric.scope) ? metric.scope : "node";
    const finer = input.scopes.filter((s) => coarserScope(native, s) !== "node");
    if (finer.length > 0) warnings.add(`"${name}" (${finer.join(", ")}): Prometheus answers node scope only; node data returned`);
    plans.push({ name, unit: metric.unit, timestep: metric.timestep, template });
  }
  return plans;
}
