import { InputError, jobWriterOf, type RequestContext } from "../context.js";
import { describeSelector, findJob, type JobSelector } from "./records.js";

/**
 * DELETE /api/jobs/delete_job/[{id}]: removes one job (and its tag links) from the database; the job
 * archive keeps it. Returns the database id. No such job: 422, as cc-backend's "finding job failed".
 */
export async function deleteJob(ctx: RequestContext, selector: JobSelector): Promise<number> {
  const id = await jobWriterOf(ctx).transaction(async (tx) => {
    const job = await findJob(tx, selector);
    if (!job) throw new InputError(`finding job failed: no job with ${describeSelector(selector)}`, 422);
    await tx.run("DELETE FROM job WHERE id = ?", [job.id]);
    return job.id;
  });
  ctx.logger.info(`deleted job ${id} from the database`);
  return id;
}

/** DELETE /api/jobs/delete_job_before/{ts}: removes every job that started before `ts` (unix seconds). */
export async function deleteJobsBefore(ctx: RequestContext, ts: number): Promise<number> {
  if (!Number.isSafeInteger(ts) || ts < 0) throw new InputError(`timestamp must be a non-negative integer, got ${JSON.stringify(ts)}`);
  const count = await jobWriterOf(ctx).transaction((tx) => tx.run("DELETE FROM job WHERE start_time < ?", [ts]));
  ctx.logger.info(`deleted ${count} jobs that started before ${ts} from the database`);
  return count;
}
