import { ArchiveError } from "../../archive/backend.js";
import type { JobMeta, Resource } from "../../archive/generated/archive-types.js";
import { jobRowFromMeta } from "../../archive/job-row-from-meta.js";
import type { JobState } from "../../db/jobs/job-row.js";
import { isUniqueViolation } from "../../db/sql/job-writer.js";
import { InputError, jobWriterOf, required, type RequestContext } from "../context.js";
import { MONITORING } from "./records.js";
import { checkTag, insertTaggedJob, type TagInput } from "./tags.js";

/** A job as a batch system announces it (cc-backend's JobMeta without what only finished jobs have). */
export interface StartJobInput {
  jobId: number;
  user: string;
  project?: string;
  cluster: string;
  subCluster?: string;
  partition?: string;
  arrayJobId?: number;
  numNodes: number;
  numHwthreads?: number;
  numAcc?: number;
  exclusive?: number;
  /** Later cc-backend's name for exclusive. */
  shared?: "none" | "single_user" | "multi_user";
  monitoringStatus?: number;
  smt?: number;
  jobState?: JobState;
  duration?: number;
  walltime?: number;
  tags?: TagInput[];
  resources: Resource[];
  metaData?: Record<string, string>;
  startTime: number;
}

/** A job with the same jobId on the same cluster that started less than this before is the same job. */
export const DUPLICATE_WINDOW_SECONDS = 24 * 3600;

const SHARED_TO_EXCLUSIVE = { none: 1, single_user: 2, multi_user: 0 } as const;
/** Host names become file names in the archive and metric stores: no path separators. api/openapi.yaml repeats it. */
export const HOSTNAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,254}$/;

/**
 * POST /api/jobs/start_job/: stores a new job (state `running` unless given) and returns its database
 * id. cc-backend's checks (400): known cluster, subcluster known or assigned from the first host's node
 * list, valid state, a user, one resource per node, no negative counts. A job with the same jobId and
 * cluster whose start is less than 24 h before this one's (or later) already exists: 422.
 *
 * The duplicate check and the INSERT run in one transaction that holds the lock of (cluster, jobId), so
 * of many identical concurrent requests exactly one succeeds, on every engine.
 */
export async function startJob(ctx: RequestContext, input: StartJobInput): Promise<{ id: number }> {
  const clusters = required(ctx.clusters, "the job archive (cluster configurations)");
  const writer = jobWriterOf(ctx);
  const tags = (input.tags ?? []).map(checkTag);
  for (const resource of input.resources ?? []) {
    if (typeof resource?.hostname !== "string" || !HOSTNAME.test(resource.hostname)) {
      throw new InputError(`invalid hostname ${JSON.stringify(resource?.hostname)}: letters, digits, '.', '-' and '_' only`);
    }
  }
  const state = input.jobState ?? "running";
  let row;
  try {
    const meta = {
      ...input,
      project: input.project ?? "",
      jobState: state,
      duration: input.duration ?? 0,
      exclusive: input.exclusive ?? (input.shared ? SHARED_TO_EXCLUSIVE[input.shared] : 1),
      statistics: {},
      tags: [],
    } as unknown as JobMeta;
    ({ row } = jobRowFromMeta(meta, clusters));
  } catch (error) {
    if (error instanceof ArchiveError) throw new InputError(error.message);
    throw error;
  }
  // Statistics are not taken from a starting job (cc-backend neither); the footprint stays 0.
  row.monitoringStatus = input.monitoringStatus ?? MONITORING.runningOrArchiving;

  let id: number;
  try {
    id = await writer.transaction(async (tx) => {
      await tx.lock(`start:${row.cluster}:${row.jobId}`);
      const existing = await tx.get<{ id: number; jobId: number }>('SELECT id, job_id AS "jobId" FROM job WHERE job_id = ? AND cluster = ? AND start_time > ? LIMIT 1', [
        row.jobId,
        row.cluster,
        row.startTime - DUPLICATE_WINDOW_SECONDS,
      ]);
      if (existing) {
        throw new InputError(`a job with that jobId, cluster and startTime already exists: dbid: ${existing.id}, jobid: ${existing.jobId}`, 422);
      }
      return insertTaggedJob(tx, row, tags);
    });
  } catch (error) {
    // Another process (an import) inserted the same (jobId, cluster, startTime) meanwhile.
    if (isUniqueViolation(error)) {
      throw new InputError(`a job with that jobId, cluster and startTime already exists: jobid: ${row.jobId}`, 422);
    }
    throw error;
  }
  ctx.logger.info(`new job (id: ${id}): cluster=${row.cluster}, jobId=${row.jobId}, user=${row.user}, startTime=${row.startTime}`);
  return { id };
}
