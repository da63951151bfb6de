/**
 * Config `archive.retention`: once a day, the finished jobs that started more than `age` days ago leave
 * the job archive — deleted (policy `delete`) or moved below `location` (policy `move`, the same
 * directory layout, with version.txt and each cluster's cluster.json, so the moved tree is an archive of
 * its own; also onto another file system) — and with `includeDB` (default true, as in cc-backend) their rows leave the database.
 *
 * Jobs are taken in batches; a batch is first removed from the archive, then from the database in one
 * transaction. A shutdown between the two leaves rows whose archive entry is gone, which the next run
 * finishes (removing an entry that is gone is no error). A job whose archive entry could not be
 * removed keeps its row, so it is tried again the next day.
 */
import { constants } from "node:fs";
import { access, cp, rm } from "node:fs/promises";
import path from "node:path";
import type { ArchiveBackend } from "../../archive/backend.js";
import { FileArchive } from "../../archive/file-backend.js";
import { jobDirectory, type JobKey } from "../../archive/paths.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import { batches, jobIdRange, oldJobSlices } from "./old-jobs.js";
import type { BackgroundTask } from "./scheduler.js";

export interface RetentionTaskContext {
  jobWriter: JobWriter;
  archive: ArchiveBackend;
  logger: Logger;
}

export interface RetentionTaskOptions {
  policy: "delete" | "move";
  /** Jobs that started more than this many days ago (> 0). */
  ageDays: number;
  /** Also delete the jobs' database rows. */
  includeDB: boolean;
  /** Policy move: the root of the archive the jobs move to. */
  location?: string;
  /** Default one day. */
  intervalMs?: number;
  /** Jobs per batch (archive operations, then one transaction). Default 100. */
  batchSize?: number;
  /** Job ids one query covers. Default 10 000. */
  idsPerQuery?: number;
  /** Unix seconds; for tests. */
  now?: () => number;
}

export interface RetentionSummary {
  /** Jobs deleted from or moved out of the archive. */
  archived: number;
  /** Old jobs the archive did not hold (never archived, or removed by an earlier run). */
  notInArchive: number;
  /** Rows deleted from the database. */
  deletedFromDb: number;
  /** Jobs whose archive entry could not be removed; they stay for the next run. */
  failed: number;
  interrupted: boolean;
}

const DAY = 86_400;

const DELETE_SQL = "DELETE FROM job WHERE id = ? AND job_state <> 'running'";

const fileExists = (file: string) =>
  access(file, constants.F_OK).then(
    () => true,
    () => false,
  );

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * moveJob renames the job's directory, which fails (EXDEV) when `location` lies on another file
 * system — the usual case of moving old jobs to cheaper storage. Then the directory is copied and
 * the original removed; a copy cut short is replaced by the next attempt, the original stays until
 * the copy is complete.
 */
async function moveJob(archive: ArchiveBackend, job: JobKey, targetRoot: string): Promise<void> {
  try {
    await archive.moveJob(job, targetRoot);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV" || !(archive instanceof FileArchive)) throw error;
    const target = jobDirectory(targetRoot, job);
    await rm(target, { recursive: true, force: true });
    await cp(jobDirectory(archive.root, job), target, { recursive: true, errorOnExist: true, force: false });
    await archive.removeJob(job);
  }
}

export function retentionTask(ctx: RetentionTaskContext, options: RetentionTaskOptions): BackgroundTask {
  const { policy, ageDays, includeDB } = options;
  if (!(Number.isSafeInteger(ageDays) && ageDays > 0)) throw new Error(`archive.retention.age must be a positive number of days, got ${ageDays}`);
  const location = options.location ? path.resolve(options.location) : undefined;
  if (policy === "move" && !location) throw new Error('archive.retention: policy "move" needs a "location"');
  if (location && ctx.archive instanceof FileArchive && path.resolve(ctx.archive.root) === location) {
    throw new Error("archive.retention.location is the job archive itself");
  }
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const label = `archive retention (${policy}${policy === "move" ? ` to ${location}` : ""}, older than ${ageDays} days${includeDB ? ", with database rows" : ""})`;

  return {
    name: "archive-retention",
    group: "archive",
    intervalMs: options.intervalMs ?? DAY * 1000,
    async run(signal) {
      const before = now() - ageDays * DAY;
      const summary: RetentionSummary = { archived: 0, notInArchive: 0, deletedFromDb: 0, failed: 0, interrupted: false };
      let target: FileArchive | undefined;
      const clustersReady = new Set<string>();

      /** The target archive (created with the first job moved) with the job's cluster.json, so it opens as an archive. */
      const targetFor = async (cluster: string): Promise<FileArchive> => {
        target ??= await FileArchive.create(location!);
        if (!clustersReady.has(cluster)) {
          if (!(await fileExists(path.join(target.root, cluster, "cluster.json")))) {
            await target.storeClusterConfig(await ctx.archive.loadClusterConfig(cluster));
          }
          clustersReady.add(cluster);
        }
        return target;
      };

      /** Removes one job from the archive; false if it failed (the job then keeps its row). */
      const removeFromArchive = async (job: JobKey): Promise<boolean> => {
        try {
          if (!(await ctx.archive.exists(job))) {
            // No meta.json: never archived, or a run died after removing it. Left-overs go too.
            if (policy === "delete") await ctx.archive.removeJob(job);
            summary.notInArchive++;
            return true;
          }
          if (policy === "move") {
            await moveJob(ctx.archive, job, (await targetFor(job.cluster)).root);
          } else {
            await ctx.archive.removeJob(job);
          }
          summary.archived++;
          return true;
        } catch (error) {
          if (summary.failed++ < 10) ctx.logger.warn(`${label}: job ${job.jobId} on ${job.cluster} (start ${job.startTime}): ${reason(error)}`);
          return false;
        }
      };

      scan: for await (const slice of oldJobSlices(ctx.jobWriter, await jobIdRange(ctx.jobWriter), { before, idsPerQuery: options.idsPerQuery })) {
        for (const batch of batches(slice, batchSize)) {
          if (signal.aborted) {
            summary.interrupted = true;
            break scan;
          }
          const done: number[] = [];
          for (const job of batch) if (await removeFromArchive(job)) done.push(job.id);
          if (includeDB && done.length > 0) {
            summary.deletedFromDb += await ctx.jobWriter.transaction(async (tx) => {
              let deleted = 0;
              for (const id of done) deleted += await tx.run(DELETE_SQL, [id]);
              return deleted;
            });
          }
        }
      }

      const verb = policy === "move" ? "moved" : "deleted";
      const parts = [`${summary.archived} job(s) ${verb} in the archive`, `${summary.notInArchive} were not in it`];
      if (includeDB) parts.push(`${summary.deletedFromDb} deleted from the database`);
      if (summary.failed > 0) parts.push(`${summary.failed} failed and stay for the next run`);
      const message = `${label}: jobs that started before ${new Date(before * 1000).toISOString()}: ${parts.join(", ")}${summary.interrupted ? "; interrupted by shutdown" : ""}`;
      if (summary.failed > 0) ctx.logger.warn(message);
      else ctx.logger.info(message);
      return summary;
    },
  };
}
