/**
 * What the client knows of a cluster's metrics and nodes: all of it comes from the job archive's
 * cluster.json (ClusterRegistry), since a cc-metric-store only holds numbers. Metric names may differ
 * in the store (`metricRenamings`, as in cc-backend).
 */
import type { ClusterRegistry } from "../../archive/clusters.js";
import type { MetricConfig, Topology, Unit } from "../../archive/generated/archive-types.js";
import type { WarningList } from "../repository.js";
import { isMetricScope, type MetricScope } from "../scopes.js";

export interface StoreMetric {
  /** As in cluster.json and in the results. */
  name: string;
  /** As the store knows it. */
  remote: string;
  scope: MetricScope;
  unit: Unit;
  timestep: number;
}

export class ClusterCatalog {
  private readonly toRemote: Map<string, string>;
  private readonly toLocal: Map<string, string>;

  constructor(
    private readonly clusters: ClusterRegistry,
    /** cluster.json name → name in the store. */
    renamings: Record<string, string> = {},
  ) {
    this.toRemote = new Map(Object.entries(renamings));
    this.toLocal = new Map(Object.entries(renamings).map(([local, remote]) => [remote, local]));
  }

  /** The cluster.json name of a metric the store named. */
  localName(remote: string): string {
    return this.toLocal.get(remote) ?? remote;
  }

  /**
   * The metrics to load: `names` (default: all of the cluster), minus those the job's subcluster
   * removed. Unknown names and unusable configs become warnings.
   */
  metrics(cluster: string, subCluster: string | undefined, names: string[] | undefined, warnings: WarningList): StoreMetric[] {
    const config = this.clusters.get(cluster);
    if (!config) {
      warnings.add(`cluster "${cluster}" has no cluster.json in the job archive: its metrics are unknown`);
      return [];
    }
    const available: MetricConfig[] = subCluster && this.clusters.subCluster(cluster, subCluster) ? this.clusters.metrics(cluster, subCluster) : config.metricConfig;
    const byName = new Map(available.map((m) => [m.name, m]));
    const chosen: MetricConfig[] = [];
    for (const name of names ?? available.map((m) => m.name)) {
      const metric = byName.get(name);
      if (metric) chosen.push(metric);
      // A metric the subcluster removed is simply not measured there: nothing to warn about.
      else if (!config.metricConfig.some((m) => m.name === name)) warnings.add(`metric "${name}" is not configured for cluster "${cluster}"`);
    }
    const out: StoreMetric[] = [];
    for (const m of chosen) {
      if (!isMetricScope(m.scope)) {
        warnings.add(`metric "${m.name}" of cluster "${cluster}" has an unknown scope "${m.scope}"`);
        continue;
      }
      out.push({ name: m.name, remote: this.toRemote.get(m.name) ?? m.name, scope: m.scope, unit: m.unit, timestep: m.timestep });
    }
    return out;
  }

  /** The topology of a host: of the given subcluster, or of the one whose node list has the host. */
  topology(cluster: string, subCluster: string | undefined, host: string): Topology | undefined {
    try {
      const name = subCluster || this.clusters.subClusterOf(cluster, host);
      return this.clusters.subCluster(cluster, name)?.topology;
    } catch {
      // A host outside every node list: node scope still works without a topology.
      return undefined;
    }
  }
}
