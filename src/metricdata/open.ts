/**
 * The metric data repository of each configured cluster (config.json `clusters[]`), by
 * `metricDataRepository.kind` (default "internal"). A cluster whose repository cannot be made (kind
 * influxdb, which this server does not read, or a bad url) is left out with a warning in the log: its jobs then show
 * only archived data, and the server still starts.
 */
import type { ClusterRegistry } from "../archive/clusters.js";
import type { MetricDataRepository as RepositoryConfig } from "../config/generated/config-file.js";
import type { Logger } from "../log.js";
import { CcMetricStoreRepository, ccMetricStoreOptions } from "./cc-metric-store/index.js";
import { parseDuration } from "../config/duration.js";
import { InternalMetricDataRepository } from "./internal/repository.js";
import { PrometheusMetricDataRepository } from "./prometheus/index.js";
import type { MetricStore } from "./internal/store.js";
import type { MetricDataRepositories } from "./repositories.js";
import type { MetricDataRepository } from "./repository.js";

export interface OpenMetricDataOptions {
  /** config.json's clusters. */
  clusters: { name: string; metricDataRepository?: RepositoryConfig }[];
  /** cluster.json of the archive's clusters: metrics, scopes, topologies. */
  registry: ClusterRegistry;
  /** The embedded store, for clusters of kind "internal"; it is shared, and closing it twice is harmless. */
  store?: MetricStore;
  logger: Logger;
}

type Kind = RepositoryConfig["kind"];
/** Makes the repository of one cluster; a string says why there is none. */
type Factory = (config: RepositoryConfig, options: OpenMetricDataOptions, cluster: string) => MetricDataRepository | string | Promise<MetricDataRepository | string>;

/** One line per kind. */
const FACTORIES: Record<Kind, Factory> = {
  internal: (_config, { store, registry }) => (store ? new InternalMetricDataRepository(store, registry) : "the embedded metric store is not open"),
  "cc-metric-store": (config, { registry }) => new CcMetricStoreRepository({ ...ccMetricStoreOptions(config), clusters: registry }),
  prometheus: (config, { registry, logger }, cluster) =>
    new PrometheusMetricDataRepository(
      { cluster, url: config.url ?? "", username: config.username, password: config.password, templates: config.templates, timeoutSeconds: config.timeout ? parseDuration(config.timeout) || undefined : undefined },
      registry,
      logger,
    ),
  influxdb: () => 'kind "influxdb" is not supported',
  test: () => 'kind "test" is not supported',
};

export async function openMetricDataRepositories(options: OpenMetricDataOptions): Promise<MetricDataRepositories> {
  const byCluster = new Map<string, MetricDataRepository>();
  const seen = new Set<string>();
  for (const cluster of options.clusters) {
    const config = cluster.metricDataRepository ?? { kind: "internal" };
    if (seen.has(cluster.name)) {
      options.logger.warn(`cluster "${cluster.name}" is configured twice; its first metricDataRepository is used`);
      continue;
    }
    seen.add(cluster.name);
    const factory = Object.hasOwn(FACTORIES, config.kind) ? FACTORIES[config.kind] : () => `unknown kind "${String(config.kind)}"`;
    let made: MetricDataRepository | string;
    try {
      made = await factory(config, options, cluster.name);
    } catch (error) {
      made = error instanceof Error ? error.message : String(error);
    }
    if (typeof made === "string") {
      options.logger.warn(`cluster "${cluster.name}": metricDataRepository ${made}; only archived metric data of its jobs can be shown`);
      continue;
    }
    byCluster.set(cluster.name, made);
    options.logger.info(`cluster "${cluster.name}": metric data from ${describe(made)}`);
  }
  return {
    forCluster: (name) => byCluster.get(name),
    async close() {
      const closing = [...new Set(byCluster.values())].map((repository) => repository.close?.());
      for (const result of await Promise.allSettled(closing)) {
        if (result.status === "rejected") options.logger.error(`closing a metric data repository failed: ${String(result.reason)}`);
      }
    },
  };
}

function describe(repository: MetricDataRepository): string {
  // The url without credentials; the token is never logged.
  if (repository instanceof CcMetricStoreRepository) return `the cc-metric-store at ${repository.url}`;
  if (repository instanceof PrometheusMetricDataRepository) return `Prometheus at ${repository.url}`;
  return `the ${repository.kind} store`;
}
