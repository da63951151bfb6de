import type { Logger } from "../../log.js";

/**
 * Where stop_job hands a stopped job: archiving (fetch its metric data, write meta.json and data.json to
 * the archive, store the footprint, set monitoringStatus 3 or 2) runs in the background, and the REST
 * answer never waits for it — as in cc-backend.
 */
export interface ArchivingQueue {
  /** Takes the job's database id; returns at once. */
  enqueue(jobDbId: number): void;
}

/**
 * The stand-in where no archiving worker runs (src/services/archiving/worker.ts; the server starts
 * one): stopped jobs keep monitoringStatus 1 (waiting), and a worker started later on the same
 * database picks them up. This only logs that nothing happened, once at warn level and then at debug
 * level per job.
 */
export class ArchivingNotConfigured implements ArchivingQueue {
  private warned = false;

  constructor(private readonly logger: Logger) {}

  enqueue(jobDbId: number): void {
    const message = `archiving is not configured yet: job ${jobDbId} stays unarchived (monitoringStatus 1)`;
    if (this.warned) this.logger.debug(message);
    else {
      this.warned = true;
      this.logger.warn(`${message}; further jobs are logged at debug level`);
    }
  }
}

const fallbacks = new WeakMap<Logger, ArchivingQueue>();

/** The queue of a context, or the logging stand-in (one per logger, so it warns once). */
export function archivingQueue(ctx: { archiving?: ArchivingQueue; logger: Logger }): ArchivingQueue {
  if (ctx.archiving) return ctx.archiving;
  let queue = fallbacks.get(ctx.logger);
  if (!queue) fallbacks.set(ctx.logger, (queue = new ArchivingNotConfigured(ctx.logger)));
  return queue;
}
