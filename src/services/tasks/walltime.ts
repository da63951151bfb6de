/**
 * Config `stop-jobs-exceeding-walltime` (seconds): a running job with a walltime whose start + walltime
 * + that many seconds lies in the past was lost by the batch system adapter (its stop_job never came).
 * It is stopped as stop_job would stop it — state `timeout`, duration = now - start — and handed to
 * archiving. cc-backend marks such jobs `failed` with duration 0 and archiving failed instead, so their
 * metric data is never kept; here it is archived like that of any other job.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { JobWriter } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import type { ArchivingQueue } from "../jobs/archiving.js";
import { JOB_RECORD_COLUMNS, type JobRecord, type JobWithTags } from "../jobs/records.js";
import { handToArchiving, stopRunningJob } from "../jobs/stop.js";
import type { BackgroundTask } from "./scheduler.js";

export interface WalltimeTaskContext {
  jobWriter: JobWriter;
  /** Where the stopped jobs go; without it they only wait (monitoring_status 1) for a worker. */
  archiving?: ArchivingQueue;
  logger: Logger;
}

export interface WalltimeTaskOptions {
  /** Seconds past the walltime after which a job is stopped (> 0). */
  graceSeconds: number;
  /** Default 5 minutes. */
  intervalMs?: number;
  /** Jobs stopped per transaction. Default 200. */
  batchSize?: number;
  /** Unix seconds; for tests. */
  now?: () => number;
}

/**
 * Only running jobs are read, through the partial index of running jobs (job_running), so the query
 * never walks the whole table; LIMIT bounds a batch. A stopped job leaves the running set, so the next
 * batch's query finds the rest.
 */
export const EXCEEDING_WALLTIME_SQL = `SELECT ${JOB_RECORD_COLUMNS} FROM job WHERE job_state = 'running' AND walltime > 0 AND start_time + walltime + ? < ? LIMIT ?`;

const unixNow = () => Math.floor(Date.now() / 1000);

export function walltimeTask(ctx: WalltimeTaskContext, options: WalltimeTaskOptions): BackgroundTask {
  const grace = options.graceSeconds;
  if (!(Number.isSafeInteger(grace) && grace > 0)) throw new Error(`stop-jobs-exceeding-walltime must be a positive number of seconds, got ${grace}`);
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const now = options.now ?? unixNow;
  return {
    name: "stop-jobs-exceeding-walltime",
    intervalMs: options.intervalMs ?? 5 * 60_000,
    async run(signal) {
      let stopped = 0;
      let interrupted = false;
      for (;;) {
        if (signal.aborted) {
          interrupted = true;
          break;
        }
        const stopTime = now();
        const jobs = await ctx.jobWriter.transaction(async (tx) => {
          const stoppedJobs: JobWithTags[] = [];
          for (const job of await tx.all<JobRecord>(EXCEEDING_WALLTIME_SQL, [grace, stopTime, batchSize])) {
            const stopped = await stopRunningJob(tx, job, "timeout", stopTime);
            if (stopped) stoppedJobs.push(stopped);
          }
          return stoppedJobs;
        });
        for (const job of jobs) handToArchiving(ctx, job);
        stopped += jobs.length;
        if (jobs.length < batchSize) break;
        await nextTurn();
      }
      const message = `stop-jobs-exceeding-walltime: ${stopped} running job(s) past walltime + ${grace} s stopped (state timeout) and handed to archiving${interrupted ? "; interrupted by shutdown" : ""}`;
      if (stopped > 0 || interrupted) ctx.logger.info(message);
      else ctx.logger.debug(message);
      return { stopped, interrupted };
    },
  };
}
