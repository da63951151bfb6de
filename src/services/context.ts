import type { ArchiveBackend } from "../archive/backend.js";
import type { ClusterRegistry } from "../archive/clusters.js";
import type { AuthUser } from "../auth/user.js";
import type { Config } from "../config/load.js";
import type { PrismaClient } from "../db/client.js";
import type { ReadPool } from "../db/read-pool/pool.js";
import type { JobWriter } from "../db/sql/job-writer.js";
import { UnavailableError } from "../unavailable.js";
import type { Logger } from "../log.js";
import type { MetricDataRepositories } from "../metricdata/repositories.js";
import type { ArchivingQueue } from "./jobs/archiving.js";

/** What every service function needs; built once by createApp and passed down, never global. */
export interface ServiceContext {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
  /** The job archive: metric data and statistics of finished jobs, tags of archived jobs. */
  archive?: ArchiveBackend;
  /** The clusters of the archive (cluster.json): start_job's checks and subcluster assignment. */
  clusters?: ClusterRegistry;
  /**
   * What writes jobs, tags and archiving results, on any engine (src/db/sql/job-writer.ts; opened
   * with connectJobWriter). Each write is one transaction, so a check and the write it guards cannot
   * interleave with another request's.
   */
  jobWriter?: JobWriter;
  /** Worker threads with read-only connections: job lists, counts and statistics never block requests. */
  reader?: ReadPool;
  /** Where stopped jobs go to be archived; without it they are only logged (see jobs/archiving.ts). */
  archiving?: ArchivingQueue;
  /** Metric data of running jobs (and of stopped jobs until they are archived), per cluster. */
  metricData?: MetricDataRepositories;
}

/** A service call on behalf of someone: what they may see is decided from `user`. */
export interface RequestContext extends ServiceContext {
  user: AuthUser;
}

/** A request the caller got wrong: REST answers 400/422, GraphQL an error with this message. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 422 = 400,
  ) {
    super(message);
  }
}

export { UnavailableError } from "../unavailable.js";

/** The job writer of the context, or an UnavailableError. */
export function jobWriterOf(ctx: Pick<ServiceContext, "jobWriter">): JobWriter {
  return required(ctx.jobWriter, "the job writer (database connection)");
}

/** The dependency, or an UnavailableError naming it. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new UnavailableError(`${what} is not configured on this server`);
  return value;
}
