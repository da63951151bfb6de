/**
 * The database is the archiving queue: a stopped job with monitoring_status 1 waits to be archived.
 * Everything here runs on the job writer connection (see src/db/writer.ts).
 */
import type Database from "better-sqlite3";
import { footprintOf, type Footprint } from "../../archive/footprint.js";
import { JOB_COLUMNS } from "../../db/jobs/job-row.js";
import { preparedFor } from "../../db/prepared.js";
import { writeTransaction } from "../../db/writer.js";
import { MONITORING, writerStatements, type JobWithTags } from "../jobs/records.js";

const WAITING = `monitoring_status = ${MONITORING.runningOrArchiving} AND job_state <> 'running'`;

/** Every column footprintOf fills, so a new footprint column is stored without a change here. */
const FOOTPRINT_FIELDS = Object.keys(footprintOf({ statistics: {}, numNodes: 0, duration: 0 })) as (keyof Footprint)[];

const statements = preparedFor((db) => ({
  lastId: db.prepare<[], { id: number | null }>("SELECT max(id) AS id FROM job"),
  // An id range bounds the rows one query reads, whatever share of the table is waiting: there is
  // no index on monitoring_status, and the table may hold millions of archived jobs.
  waitingIn: db.prepare<{ after: number; until: number }, { id: number }>(`SELECT id FROM job WHERE id > @after AND id <= @until AND ${WAITING} ORDER BY id`),
  markArchived: db.prepare<Footprint & { id: number }>(
    `UPDATE job SET monitoring_status = ${MONITORING.archived}, ${FOOTPRINT_FIELDS.map((f) => `${JOB_COLUMNS[f]} = @${f}`).join(", ")} WHERE id = @id AND ${WAITING}`,
  ),
  markFailed: db.prepare<[number]>(`UPDATE job SET monitoring_status = ${MONITORING.archivingFailed} WHERE id = ? AND ${WAITING}`),
}));

/** The job with its tags, if it still waits for archiving. */
export function waitingJob(writer: Database.Database, id: number): JobWithTags | undefined {
  const s = writerStatements(writer);
  const job = s.byId.get(id);
  if (!job || job.jobState === "running" || job.monitoringStatus !== MONITORING.runningOrArchiving) return undefined;
  return { ...job, tags: s.tagsOf.all(id) };
}

/** Footprint and status 3 together, so a job is never archived without its footprint. */
export function markArchived(writer: Database.Database, id: number, footprint: Footprint): Promise<boolean> {
  return writeTransaction(writer, () => statements(writer).markArchived.run({ ...footprint, id }).changes > 0);
}

export function markFailed(writer: Database.Database, id: number): Promise<boolean> {
  return writeTransaction(writer, () => statements(writer).markFailed.run(id).changes > 0);
}

/**
 * Walks the job table by id for the jobs that waited when it was created (stopped jobs left over
 * from the last run), one bounded slice per call.
 */
export class WaitingJobScan {
  private after = 0;
  private readonly until: number;

  constructor(
    private readonly writer: Database.Database,
    private readonly idsPerQuery = 10_000,
  ) {
    this.until = statements(writer).lastId.get()?.id ?? 0;
  }

  get done(): boolean {
    return this.after >= this.until;
  }

  /** The waiting jobs of the next slice (possibly none); [] once done. */
  next(): number[] {
    if (this.done) return [];
    const until = Math.min(this.until, this.after + this.idsPerQuery);
    const ids = statements(this.writer)
      .waitingIn.all({ after: this.after, until })
      .map((row) => row.id);
    this.after = until;
    return ids;
  }
}
