/**
 * The server's background tasks as config.json asks for them; each is off unless configured:
 * `stop-jobs-exceeding-walltime` (seconds, every 5 minutes), `archive.retention` (daily) and
 * `archive.compression` (days, daily).
 */
import type { ArchiveBackend } from "../../archive/backend.js";
import type { Config } from "../../config/load.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import type { ArchivingQueue } from "../jobs/archiving.js";
import { compressionTask } from "./compression.js";
import { retentionTask } from "./retention.js";
import { TaskScheduler, type BackgroundTask, type SchedulerOptions } from "./scheduler.js";
import { walltimeTask } from "./walltime.js";

export { TaskScheduler, type BackgroundTask } from "./scheduler.js";

export interface BackgroundTaskContext {
  jobWriter: JobWriter;
  archive: ArchiveBackend;
  archiving?: ArchivingQueue;
  logger: Logger;
}

/** The tasks config.json enables. A task configured wrongly is left out with an error in the log. */
export function configuredTasks(config: Pick<Config, "stop-jobs-exceeding-walltime" | "archive">, ctx: BackgroundTaskContext): BackgroundTask[] {
  const tasks: BackgroundTask[] = [];
  const add = (what: string, make: () => BackgroundTask) => {
    try {
      tasks.push(make());
    } catch (error) {
      ctx.logger.error(`${what} is not run: ${(error as Error).message}`);
    }
  };
  const grace = config["stop-jobs-exceeding-walltime"];
  if (grace > 0) add("stop-jobs-exceeding-walltime", () => walltimeTask(ctx, { graceSeconds: grace }));

  const retention = config.archive.retention;
  if (retention && retention.policy !== "none") {
    if (!retention.age) {
      ctx.logger.warn(`archive.retention: policy "${retention.policy}" without an age (days) is not run`);
    } else {
      add("archive retention", () =>
        retentionTask(ctx, { policy: retention.policy as "delete" | "move", ageDays: retention.age!, includeDB: retention.includeDB ?? true, location: retention.location }),
      );
    }
  }

  const compression = config.archive.compression;
  if (compression) add("archive compression", () => compressionTask(ctx, { olderThanDays: compression }));
  return tasks;
}

/** Starts the configured tasks; stop the returned scheduler before closing the writer. */
export function startBackgroundTasks(
  config: Pick<Config, "stop-jobs-exceeding-walltime" | "archive">,
  ctx: BackgroundTaskContext,
  options: Partial<SchedulerOptions> = {},
): TaskScheduler {
  const scheduler = new TaskScheduler(configuredTasks(config, ctx), { logger: ctx.logger, ...options });
  scheduler.start();
  return scheduler;
}
