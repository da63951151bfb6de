import type { ArchiveBackend } from "./backend.js";
import { ArchiveError } from "./backend.js";
import type { ClusterConfig, MetricConfig, SubCluster } from "./generated/archive-types.js";
import { NodeList, NodeListError } from "./nodelist.js";

/** A metric as it applies to one subcluster: the cluster-wide config with that subcluster's override. */
export type SubClusterMetric = Omit<MetricConfig, "subClusters">;

/**
 * The clusters of the archive (their cluster.json), with what the rest of the system asks of them:
 * which subcluster a host belongs to, and which metrics (with which thresholds) a subcluster has.
 */
export class ClusterRegistry {
  private readonly nodeLists = new Map<string, { subCluster: SubCluster; nodes: NodeList }[]>();

  constructor(readonly clusters: ClusterConfig[]) {
    for (const cluster of clusters) {
      this.nodeLists.set(
        cluster.name,
        cluster.subClusters.map((subCluster) => {
          try {
            return { subCluster, nodes: NodeList.parse(subCluster.nodes) };
          } catch (error) {
            const reason = error instanceof NodeListError ? error.message : String(error);
            throw new ArchiveError(`${cluster.name}/cluster.json: subcluster "${subCluster.name}" has a bad node list: ${reason}`);
          }
        }),
      );
    }
  }

  static async load(archive: ArchiveBackend): Promise<ClusterRegistry> {
    return new ClusterRegistry(await Promise.all((await archive.clusters()).map((name) => archive.loadClusterConfig(name))));
  }

  get(cluster: string): ClusterConfig | undefined {
    return this.clusters.find((c) => c.name === cluster);
  }

  subCluster(cluster: string, subCluster: string): SubCluster | undefined {
    return this.get(cluster)?.subClusters.find((s) => s.name === subCluster);
  }

  /** The subcluster whose node list contains `hostname`; explicit lists win over `*`. */
  subClusterOf(cluster: string, hostname: string): string {
    const lists = this.nodeLists.get(cluster);
    if (!lists) throw new ArchiveError(`unknown cluster "${cluster}"`);
    const explicit = lists.find((l) => l.subCluster.nodes.trim() !== "*" && l.nodes.contains(hostname));
    const match = explicit ?? lists.find((l) => l.subCluster.nodes.trim() === "*");
    if (!match) throw new ArchiveError(`no subcluster of cluster "${cluster}" contains host "${hostname}"`);
    return match.subCluster.name;
  }

  /** The metrics of a subcluster: overrides applied, metrics with `remove: true` left out. */
  metrics(cluster: string, subCluster: string): SubClusterMetric[] {
    const config = this.get(cluster);
    if (!config) return [];
    const result: SubClusterMetric[] = [];
    for (const { subClusters: overrides, ...metric } of config.metricConfig) {
      const override = overrides?.find((o) => o.name === subCluster);
      if (override?.remove) continue;
      result.push({
        ...metric,
        peak: override?.peak ?? metric.peak,
        normal: override?.normal ?? metric.normal,
        caution: override?.caution ?? metric.caution,
        alert: override?.alert ?? metric.alert,
      });
    }
    return result;
  }

  metric(cluster: string, subCluster: string, name: string): SubClusterMetric | undefined {
    return this.metrics(cluster, subCluster).find((m) => m.name === name);
  }
}
