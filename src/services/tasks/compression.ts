/**
 * Config `archive.compression` (days): once a day, the data.json of every finished job that started
 * more than that many days ago is replaced by data.json.gz (the archiving worker writes data.json.gz
 * itself; plain files come from imported or older archives). As cc-backend remembers the last run in
 * the archive's compress.txt, a run here skips what the previous complete run of this process covered:
 * jobs that started before its cutoff with an id up to its last one.
 *
 * Replacing a file is safe to interrupt: data.json.gz is written to a temporary name and renamed, and
 * data.json removed after it; a job cut off in between still has both and is compressed again.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import path from "node:path";
import type { ArchiveBackend } from "../../archive/backend.js";
import { FileArchive } from "../../archive/file-backend.js";
import { jobDirectory, type JobKey } from "../../archive/paths.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import { batches, jobIdRange, oldJobSlices } from "./old-jobs.js";
import type { BackgroundTask } from "./scheduler.js";

export interface CompressionTaskContext {
  jobWriter: JobWriter;
  archive: ArchiveBackend;
  logger: Logger;
}

export interface CompressionTaskOptions {
  /** Jobs that started more than this many days ago (> 0). */
  olderThanDays: number;
  /** Default one day. */
  intervalMs?: number;
  /** Jobs per batch; the stop signal is checked between batches. Default 20. */
  batchSize?: number;
  /** Job ids one query covers. Default 10 000. */
  idsPerQuery?: number;
  /** Unix seconds; for tests. */
  now?: () => number;
}

export interface CompressionSummary {
  /** Jobs whose data.json was replaced by data.json.gz. */
  compressed: number;
  /** Old jobs looked at. */
  checked: number;
  failed: number;
  interrupted: boolean;
}

const DAY = 86_400;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Whether the job has an uncompressed data.json; a backend other than files is asked to compress every job. */
function hasPlainData(archive: ArchiveBackend, job: JobKey): Promise<boolean> {
  if (!(archive instanceof FileArchive)) return Promise.resolve(true);
  return access(path.join(jobDirectory(archive.root, job), "data.json"), constants.F_OK).then(
    () => true,
    () => false,
  );
}

export function compressionTask(ctx: CompressionTaskContext, options: CompressionTaskOptions): BackgroundTask {
  const days = options.olderThanDays;
  if (!(Number.isSafeInteger(days) && days > 0)) throw new Error(`archive.compression must be a positive number of days, got ${days}`);
  const batchSize = Math.max(1, options.batchSize ?? 20);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  /** What the last complete run covered. */
  let covered: { before: number; lastId: number } | undefined;

  return {
    name: "archive-compression",
    group: "archive",
    intervalMs: options.intervalMs ?? DAY * 1000,
    async run(signal) {
      const before = now() - days * DAY;
      const ids = await jobIdRange(ctx.jobWriter);
      const summary: CompressionSummary = { compressed: 0, checked: 0, failed: 0, interrupted: false };
      const slices = oldJobSlices(ctx.jobWriter, ids, { before, notBefore: covered?.before, orAfterId: covered?.lastId, idsPerQuery: options.idsPerQuery });
      scan: for await (const slice of slices) {
        for (const batch of batches(slice, batchSize)) {
          if (signal.aborted) {
            summary.interrupted = true;
            break scan;
          }
          for (const job of batch) {
            summary.checked++;
            try {
              if (!(await hasPlainData(ctx.archive, job))) continue;
              await ctx.archive.compressJob(job);
              summary.compressed++;
            } catch (error) {
              if (summary.failed++ < 10) ctx.logger.warn(`archive compression: job ${job.jobId} on ${job.cluster} (start ${job.startTime}): ${reason(error)}`);
            }
          }
        }
      }
      // Failed jobs are tried again by the next run, which then looks at everything again.
      if (!summary.interrupted && summary.failed === 0) covered = { before, lastId: ids.last };
      const message =
        `archive compression (older than ${days} days): ${summary.compressed} data.json file(s) compressed, ${summary.checked} job(s) checked` +
        `${summary.failed > 0 ? `, ${summary.failed} failed` : ""}${summary.interrupted ? "; interrupted by shutdown" : ""}`;
      if (summary.failed > 0) ctx.logger.warn(message);
      else ctx.logger.info(message);
      return summary;
    },
  };
}
