import type { ClusterConfig } from "../archive/generated/archive-types.js";
import { InputError, required, type RequestContext, type ServiceContext } from "./context.js";

/** GET /api/clusters/: every cluster.json of the archive, or the one named (unknown: 400). */
export function clusterConfigs(ctx: ServiceContext, name?: string): ClusterConfig[] {
  const clusters = required(ctx.clusters, "the job archive (cluster configurations)");
  if (name === undefined) return clusters.clusters;
  const cluster = clusters.get(name);
  if (!cluster) throw new InputError(`unknown cluster: ${name}`);
  return [cluster];
}

const PARTITIONS_TTL_MS = 3_600_000;
const partitionCache = new WeakMap<object, Map<string, { partitions: Promise<string[]>; until: number }>>();

/**
 * The Slurm partitions jobs of a cluster ran in. A scan of the cluster's jobs, so cached for an hour
 * (as cc-backend does); after that the old list is served while a new one is read.
 */
export async function clusterPartitions(ctx: RequestContext, cluster: string): Promise<string[]> {
  const reader = required(ctx.reader, "the database read pool");
  let perCluster = partitionCache.get(reader);
  if (!perCluster) partitionCache.set(reader, (perCluster = new Map()));
  const cached = perCluster.get(cluster);
  if (cached && cached.until > Date.now()) return cached.partitions;
  const fresh = reader
    .query<string[]>({ sql: `SELECT DISTINCT "partition" FROM job WHERE cluster = ? AND "partition" IS NOT NULL AND "partition" != '' ORDER BY "partition"`, params: [cluster], mode: "pluck" }, "heavy")
    .catch((error: unknown) => {
      perCluster.delete(cluster);
      throw error;
    });
  perCluster.set(cluster, { partitions: fresh, until: Date.now() + PARTITIONS_TTL_MS });
  return cached ? cached.partitions : fresh;
}

/** allocatedNodes: per subcluster, how many hosts run at least one job now. */
export async function allocatedNodes(ctx: RequestContext, cluster: string): Promise<{ name: string; count: number }[]> {
  const reader = required(ctx.reader, "the database read pool");
  const hosts = reader.dialect.hostnamesOf("job.resources", "r");
  const rows = await reader.query<{ name: string; count: number }[]>({
    sql:
      `SELECT job.subcluster AS name, COUNT(DISTINCT ${hosts.hostname}) AS count` +
      ` FROM job, ${hosts.from} WHERE job.cluster = ? AND job.job_state = 'running' GROUP BY job.subcluster ORDER BY job.subcluster`,
    params: [cluster],
  });
  return rows;
}
