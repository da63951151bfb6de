import type Database from "better-sqlite3";
import { writeTransaction } from "../../db/writer.js";
import { InputError, required, type RequestContext } from "../context.js";
import { describeSelector, findOnWriter, type JobSelector } from "./records.js";
import { preparedFor } from "../../db/prepared.js";

interface DeleteStatements {
  byId: Database.Statement<[number]>;
  countBefore: Database.Statement<[number], { n: number }>;
  before: Database.Statement<[number]>;
}
const statementsOf = preparedFor(
  (db): DeleteStatements => ({
    byId: db.prepare("DELETE FROM job WHERE id = ?"),
    countBefore: db.prepare("SELECT count(*) AS n FROM job WHERE start_time < ?"),
    before: db.prepare("DELETE FROM job WHERE start_time < ?"),
  }),
);

/**
 * DELETE /api/jobs/delete_job/[{id}]: removes one job (and its tag links) from the database; the job
 * archive keeps it. Returns the database id. No such job: 422, as cc-backend's "finding job failed".
 */
export async function deleteJob(ctx: RequestContext, selector: JobSelector): Promise<number> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  const s = statementsOf(writer);
  const id = await writeTransaction(writer, () => {
    const job = findOnWriter(writer, selector);
    if (!job) throw new InputError(`finding job failed: no job with ${describeSelector(selector)}`, 422);
    s.byId.run(job.id);
    return job.id;
  });
  ctx.logger.info(`deleted job ${id} from the database`);
  return id;
}

/** DELETE /api/jobs/delete_job_before/{ts}: removes every job that started before `ts` (unix seconds). */
export async function deleteJobsBefore(ctx: RequestContext, ts: number): Promise<number> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  if (!Number.isSafeInteger(ts) || ts < 0) throw new InputError(`timestamp must be a non-negative integer, got ${JSON.stringify(ts)}`);
  const s = statementsOf(writer);
  const count = await writeTransaction(writer, () => {
    const { n } = s.countBefore.get(ts)!;
    s.before.run(ts);
    return n;
  });
  ctx.logger.info(`deleted ${count} jobs that started before ${ts} from the database`);
  return count;
}
