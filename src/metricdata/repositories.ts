import type { MetricDataRepository } from "./repository.js";

/**
 * The metric data repository of each cluster, as configured by `clusters[].metricDataRepository`
 * (default kind "internal": the embedded store). Services ask for the one of a job's cluster.
 */
export interface MetricDataRepositories {
  /** The repository of a cluster; undefined when the cluster has none (then only archived data exists). */
  forCluster(cluster: string): MetricDataRepository | undefined;
  /** Releases every repository (final checkpoint of the embedded store, open sockets). */
  close(): Promise<void>;
}
