/**
 * Archiving one stopped job, as cc-backend's ArchiveJob: its metric data from the repository of its
 * cluster, meta.json and data.json.gz into the archive, then footprint and monitoring_status 3 in the
 * database. The archive is written before the database, so a crash in between leaves a job that
 * still waits but is complete in the archive; the next attempt only updates the database.
 */
import type { ArchiveBackend } from "../../archive/backend.js";
import type { ClusterRegistry } from "../../archive/clusters.js";
import { footprintOf } from "../../archive/footprint.js";
import type { Unit } from "../../archive/generated/archive-types.js";
import type { JobKey } from "../../archive/paths.js";
import { ArchiveValidationError } from "../../archive/validate.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import type { Logger } from "../../log.js";
import type { MetricDataRepositories } from "../../metricdata/repositories.js";
import type { MetricScope } from "../../metricdata/scopes.js";
import type { JobRecord } from "../jobs/records.js";
import { jobMetaOf, jobResources } from "./job-meta.js";
import { jobStatistics, withSeriesStatistics } from "./statistics.js";
import { markArchived, waitingJob } from "./waiting-jobs.js";

export interface ArchivingContext {
  jobWriter: JobWriter;
  archive: ArchiveBackend;
  clusters: ClusterRegistry;
  /** Read at each attempt: a cluster without a repository fails (and is retried). */
  metricData?: MetricDataRepositories;
  logger: Logger;
}

/** Why a job could not be archived. `permanent`: trying again cannot help (e.g. the schema refuses it). */
export class ArchivingError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
  }
}

export type ArchivingOutcome =
  /** Written to the archive; `warnings` name the data that was missing. */
  | { kind: "archived"; warnings: string[] }
  /** The archive already held the job (an earlier run died before the database update). */
  | { kind: "finished" }
  /** Deleted, or no longer waiting (archived or failed meanwhile). */
  | { kind: "not waiting" };

/**
 * As cc-backend: node scope always, core scope for jobs of at most 8 nodes (more would make the
 * archive huge), accelerators when the job had any. The repository never answers finer than a
 * metric is measured.
 */
export function archiveScopes(job: Pick<JobRecord, "numNodes" | "numAcc">): MetricScope[] {
  const scopes: MetricScope[] = ["node"];
  if (job.numNodes <= 8) scopes.push("core");
  if ((job.numAcc ?? 0) > 0) scopes.push("accelerator");
  return scopes;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function archiveJob(ctx: ArchivingContext, id: number, signal?: AbortSignal): Promise<ArchivingOutcome> {
  const job = await waitingJob(ctx.jobWriter, id);
  if (!job) return { kind: "not waiting" };
  const key: JobKey = { jobId: job.jobId, cluster: job.cluster, startTime: job.startTime };

  if (await ctx.archive.exists(key)) {
    // meta.json is written last and renamed into place, so if it is there, the job is complete.
    const meta = await ctx.archive.loadMeta(key).catch((error: unknown) => {
      throw new ArchivingError(`the archive holds a meta.json for the job that cannot be read: ${reason(error)}`, true);
    });
    await markArchived(ctx.jobWriter, id, footprintOf(meta));
    return { kind: "finished" };
  }

  const repository = ctx.metricData?.forCluster(job.cluster);
  if (!repository) throw new ArchivingError(`no metric data repository for cluster "${job.cluster}"`);
  if (!ctx.clusters.get(job.cluster)) throw new ArchivingError(`cluster "${job.cluster}" has no cluster.json in the archive`, true);
  const metrics = ctx.clusters.metrics(job.cluster, job.subCluster);
  let resources;
  try {
    resources = jobResources(job);
  } catch (error) {
    throw new ArchivingError(`the job's resources cannot be read: ${reason(error)}`, true);
  }

  let loaded;
  try {
    loaded = await repository.loadJobData(
      { cluster: job.cluster, subCluster: job.subCluster, startTime: job.startTime, duration: job.duration, resources, numAcc: job.numAcc ?? 0 },
      metrics.map((m) => m.name),
      archiveScopes(job),
      { signal },
    );
  } catch (error) {
    throw new ArchivingError(`loading the metric data failed: ${reason(error)}`);
  }
  const { data, dropped } = withSeriesStatistics(loaded.data);
  const warnings = [...loaded.warnings, ...dropped];
  // As cc-backend: missing parts are tolerated, nothing at all is an error.
  if (Object.keys(data).length === 0) {
    throw new ArchivingError(`no metric data for the job${warnings.length > 0 ? ` (${warnings.slice(0, 3).join("; ")})` : ""}`);
  }

  const units = new Map<string, Unit>(metrics.map((m) => [m.name, m.unit]));
  const meta = jobMetaOf(
    job,
    jobStatistics(data, (metric) => units.get(metric)),
  );
  try {
    await ctx.archive.importJob(meta, data);
  } catch (error) {
    throw new ArchivingError(`writing the job to the archive failed: ${reason(error)}`, error instanceof ArchiveValidationError);
  }
  await markArchived(ctx.jobWriter, id, footprintOf(meta));
  return { kind: "archived", warnings };
}
