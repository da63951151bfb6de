import { isJobState, type JobState } from "../../db/jobs/job-row.js";
import type { SqlTransaction } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import { InputError, jobWriterOf, type RequestContext } from "../context.js";
import { archivingQueue, type ArchivingQueue } from "./archiving.js";
import { describeSelector, findJob, MONITORING, tagsOfJob, type JobRecord, type JobSelector, type JobWithTags } from "./records.js";

export interface StopJobInput {
  /** Unix seconds. */
  stopTime: number;
  /** Final state; default `completed`. */
  jobState?: JobState;
}

// Only while it still runs: on a database server another transaction may have stopped it since it was read.
const STOP_SQL = "UPDATE job SET job_state = ?, duration = ?, monitoring_status = ? WHERE id = ? AND job_state = 'running'";

/**
 * POST /api/jobs/stop_job/[{id}]: marks a running job as finished — state, duration = stopTime -
 * startTime, monitoring status — and hands it to the archiving queue without waiting for it.
 * As cc-backend v1.0: unknown job 422, stopTime not after startTime 400, invalid state 400. A job that is
 * not running (stopped before) is 422, as later cc-backend versions answer.
 */
export async function stopJob(ctx: RequestContext, selector: JobSelector, input: StopJobInput): Promise<JobWithTags> {
  const writer = jobWriterOf(ctx);
  const state = input.jobState ?? "completed";
  if (!isJobState(state)) throw new InputError(`invalid job state: ${JSON.stringify(state)}`);
  if (state === "running") throw new InputError('invalid job state: a stopped job cannot be "running"');
  if (!Number.isSafeInteger(input.stopTime) || input.stopTime < 0) throw new InputError(`stopTime must be a non-negative integer, got ${JSON.stringify(input.stopTime)}`);

  const job = await writer.transaction(async (tx) => {
    const found = await findJob(tx, selector);
    if (!found) throw new InputError(`finding job failed: no job with ${describeSelector(selector)}`, 422);
    if (found.jobState !== "running") {
      throw new InputError(`jobId ${found.jobId} (id ${found.id}) on ${found.cluster}: job has already been stopped (state is: ${found.jobState})`, 422);
    }
    if (input.stopTime <= found.startTime) {
      throw new InputError(`stopTime must be larger than startTime (${input.stopTime} <= ${found.startTime}) and only running jobs can be stopped`);
    }
    const duration = input.stopTime - found.startTime;
    if (duration > 2_147_483_647) throw new InputError(`stopTime ${input.stopTime} is too far after startTime ${found.startTime}`);
    const stopped = await stopRunningJob(tx, found, state, input.stopTime);
    if (!stopped) throw new InputError(`jobId ${found.jobId} (id ${found.id}) on ${found.cluster}: job has already been stopped`, 422);
    return stopped;
  });
  handToArchiving(ctx, job);
  return job;
}

/**
 * The write of stopping a running job, shared by stop_job and the task that stops jobs past their
 * walltime: state, duration = stopTime - startTime, monitoring status. Call inside a transaction
 * of the job writer, with a running job read in it and a stopTime after its start. Undefined when
 * the job was stopped meanwhile.
 */
export async function stopRunningJob(tx: SqlTransaction, found: JobRecord, state: Exclude<JobState, "running">, stopTime: number): Promise<JobWithTags | undefined> {
  const duration = stopTime - found.startTime;
  // Monitoring stays disabled if it was; otherwise the job now waits for archiving.
  const monitoringStatus = found.monitoringStatus === MONITORING.disabled ? MONITORING.disabled : MONITORING.runningOrArchiving;
  if ((await tx.run(STOP_SQL, [state, duration, monitoringStatus, found.id])) === 0) return undefined;
  return { ...found, jobState: state, duration, monitoringStatus, tags: await tagsOfJob(tx, found.id) };
}

/** After the transaction of stopRunningJob committed: the job goes to the archiving queue (unless monitoring is disabled). */
export function handToArchiving(ctx: { archiving?: ArchivingQueue; logger: Logger }, job: JobWithTags): void {
  ctx.logger.info(`archiving job... (dbid: ${job.id}): cluster=${job.cluster}, jobId=${job.jobId}, user=${job.user}, startTime=${job.startTime}`);
  if (job.monitoringStatus !== MONITORING.disabled) archivingQueue(ctx).enqueue(job.id);
}
