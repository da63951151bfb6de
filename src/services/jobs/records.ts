import type { Job } from "../../db/generated/prisma/client.js";

import type { Footprint } from "../../archive/footprint.js";
import type { JobRow } from "../../db/jobs/job-row.js";
import type { SqlTransaction } from "../../db/sql/job-writer.js";
export { MONITORING } from "../../db/jobs/job-row.js";

/** One job row with plain numbers, however it was read (Prisma or the job writer); no footprint. */
export type JobRecord = { id: number } & Omit<JobRow, keyof Footprint>;

export interface TagRecord {
  id: number;
  type: string;
  name: string;
}

export interface JobWithTags extends JobRecord {
  tags: TagRecord[];
}

/** The SELECT list that reads a `job` row into a JobRecord (quoted where PostgreSQL folds case or a word is reserved). */
export const JOB_RECORD_COLUMNS = [
  "id",
  'job_id AS "jobId"',
  "cluster",
  'subcluster AS "subCluster"',
  'start_time AS "startTime"',
  '"user"',
  "project",
  '"partition"',
  'array_job_id AS "arrayJobId"',
  "duration",
  "walltime",
  'job_state AS "jobState"',
  'meta_data AS "metaData"',
  "resources",
  'num_nodes AS "numNodes"',
  'num_hwthreads AS "numHWThreads"',
  'num_acc AS "numAcc"',
  "smt",
  "exclusive",
  'monitoring_status AS "monitoringStatus"',
].join(", ");

export function recordFromPrisma(job: Omit<Job, "metaData"> & { metaData?: string | null }): JobRecord {
  return {
    id: job.id,
    jobId: Number(job.jobId),
    cluster: job.cluster,
    subCluster: job.subCluster,
    startTime: Number(job.startTime),
    user: job.user,
    project: job.project,
    partition: job.partition,
    arrayJobId: job.arrayJobId === null ? null : Number(job.arrayJobId),
    duration: job.duration,
    walltime: job.walltime,
    jobState: job.jobState,
    metaData: job.metaData ?? null,
    resources: job.resources,
    numNodes: job.numNodes,
    numHWThreads: job.numHWThreads,
    numAcc: job.numAcc,
    smt: job.smt,
    exclusive: job.exclusive,
    monitoringStatus: job.monitoringStatus,
  };
}

/** How a request names one job: by database id, or by batch job id with optional cluster and start. */
export type JobSelector = { id: number } | { jobId: number; cluster?: string; startTime?: number };

export function describeSelector(selector: JobSelector): string {
  if ("id" in selector) return `database id ${selector.id}`;
  const parts = [`jobId ${selector.jobId}`];
  if (selector.cluster !== undefined) parts.push(`cluster ${selector.cluster}`);
  if (selector.startTime !== undefined) parts.push(`startTime ${selector.startTime}`);
  return parts.join(", ");
}

const TAGS_OF_JOB_SQL = "SELECT tag.id AS id, tag.tag_type AS type, tag.tag_name AS name FROM tag JOIN jobtag ON jobtag.tag_id = tag.id WHERE jobtag.job_id = ? ORDER BY tag.id";

/** The job a selector names, read in a write transaction: by id, or a running one first, else the latest start. */
export async function findJob(tx: SqlTransaction, selector: JobSelector): Promise<JobRecord | undefined> {
  if ("id" in selector) return tx.get<JobRecord>(`SELECT ${JOB_RECORD_COLUMNS} FROM job WHERE id = ?`, [selector.id]);
  const conditions = ["job_id = ?"];
  const params: unknown[] = [selector.jobId];
  if (selector.cluster !== undefined) {
    conditions.push("cluster = ?");
    params.push(selector.cluster);
  }
  if (selector.startTime !== undefined) {
    conditions.push("start_time = ?");
    params.push(selector.startTime);
  }
  return tx.get<JobRecord>(`SELECT ${JOB_RECORD_COLUMNS} FROM job WHERE ${conditions.join(" AND ")} ORDER BY (job_state = 'running') DESC, start_time DESC, id DESC LIMIT 1`, params);
}

export function tagsOfJob(tx: SqlTransaction, jobDbId: number): Promise<TagRecord[]> {
  return tx.all<TagRecord>(TAGS_OF_JOB_SQL, [jobDbId]);
}
