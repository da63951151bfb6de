import type { ClusterConfig } from "../archive/generated/archive-types.js";
import { InputError, required, type ServiceContext } from "./context.js";

/** GET /api/clusters/: every cluster.json of the archive, or the one named (unknown: 400). */
export function clusterConfigs(ctx: ServiceContext, name?: string): ClusterConfig[] {
  const clusters = required(ctx.clusters, "the job archive (cluster configurations)");
  if (name === undefined) return clusters.clusters;
  const cluster = clusters.get(name);
  if (!cluster) throw new InputError(`unknown cluster: ${name}`);
  return [cluster];
}
