/**
 * The database is the archiving queue: a stopped job with monitoring_status 1 waits to be archived.
 * Everything here runs in transactions of the job writer (see src/db/sql/job-writer.ts).
 */
import { footprintOf, type Footprint } from "../../archive/footprint.js";
import { JOB_COLUMNS } from "../../db/jobs/job-row.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import { findJob, MONITORING, tagsOfJob, type JobWithTags } from "../jobs/records.js";

const WAITING = `monitoring_status = ${MONITORING.runningOrArchiving} AND job_state <> 'running'`;

/** Every column footprintOf fills, so a new footprint column is stored without a change here. */
const FOOTPRINT_FIELDS = Object.keys(footprintOf({ statistics: {}, numNodes: 0, duration: 0 })) as (keyof Footprint)[];

const LAST_ID_SQL = "SELECT max(id) AS id FROM job";
// An id range bounds the rows one query reads, whatever share of the table is waiting: there is
// no index on monitoring_status, and the table may hold millions of archived jobs.
const WAITING_IN_SQL = `SELECT id FROM job WHERE id > ? AND id <= ? AND ${WAITING} ORDER BY id`;
const MARK_ARCHIVED_SQL = `UPDATE job SET monitoring_status = ${MONITORING.archived}, ${FOOTPRINT_FIELDS.map((f) => `${JOB_COLUMNS[f]} = ?`).join(", ")} WHERE id = ? AND ${WAITING}`;
const MARK_FAILED_SQL = `UPDATE job SET monitoring_status = ${MONITORING.archivingFailed} WHERE id = ? AND ${WAITING}`;

/** The job with its tags, if it still waits for archiving. */
export function waitingJob(writer: JobWriter, id: number): Promise<JobWithTags | undefined> {
  return writer.transaction(async (tx) => {
    const job = await findJob(tx, { id });
    if (!job || job.jobState === "running" || job.monitoringStatus !== MONITORING.runningOrArchiving) return undefined;
    return { ...job, tags: await tagsOfJob(tx, id) };
  });
}

/** Footprint and status 3 together, so a job is never archived without its footprint. */
export function markArchived(writer: JobWriter, id: number, footprint: Footprint): Promise<boolean> {
  return writer.transaction(async (tx) => (await tx.run(MARK_ARCHIVED_SQL, [...FOOTPRINT_FIELDS.map((f) => footprint[f]), id])) > 0);
}

export function markFailed(writer: JobWriter, id: number): Promise<boolean> {
  return writer.transaction(async (tx) => (await tx.run(MARK_FAILED_SQL, [id])) > 0);
}

/**
 * Walks the job table by id for the jobs that waited when it began (stopped jobs left over from the
 * last run), one bounded slice per call, each in a short transaction of its own.
 */
export class WaitingJobScan {
  private after = 0;
  /** The largest id when the walk began; read with the first slice. */
  private until: number | undefined;

  constructor(
    private readonly writer: JobWriter,
    private readonly idsPerQuery = 10_000,
  ) {}

  get done(): boolean {
    return this.until !== undefined && this.after >= this.until;
  }

  /** The waiting jobs of the next slice (possibly none); [] once done. */
  next(): Promise<number[]> {
    if (this.done) return Promise.resolve([]);
    return this.writer.transaction(async (tx) => {
      this.until ??= (await tx.get<{ id: number | null }>(LAST_ID_SQL))?.id ?? 0;
      if (this.done) return [];
      const until = Math.min(this.until, this.after + this.idsPerQuery);
      const rows = await tx.all<{ id: number }>(WAITING_IN_SQL, [this.after, until]);
      this.after = until;
      return rows.map((row) => row.id);
    });
  }
}
