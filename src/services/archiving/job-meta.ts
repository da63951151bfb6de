/**
 * meta.json of a stopped job, from its database row: what cc-backend's ArchiveJob writes (the job
 * with its tags, meta data and per-metric statistics). Optional numbers the schema wants positive
 * are left out when the row holds 0 or nothing.
 */
import type { JobMeta, JobMetaData, JobStatistics, Resource } from "../../archive/generated/archive-types.js";
import { MONITORING, type JobWithTags } from "../jobs/records.js";

export function jobResources(job: Pick<JobWithTags, "resources">): Resource[] {
  const parsed: unknown = JSON.parse(job.resources);
  if (!Array.isArray(parsed)) throw new Error("the job's resources are not a list");
  return parsed as Resource[];
}

/** The meta_data column as the string map meta.json allows: other values are kept as JSON text. */
function metaDataOf(text: string | null): JobMetaData | undefined {
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
  const out: JobMetaData = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const positive = (value: number | null | undefined): number | undefined => (typeof value === "number" && value > 0 ? value : undefined);

export function jobMetaOf(job: JobWithTags, statistics: JobStatistics): JobMeta {
  const meta: JobMeta = {
    jobId: job.jobId,
    user: job.user,
    project: job.project,
    cluster: job.cluster,
    subCluster: job.subCluster,
    numNodes: job.numNodes,
    exclusive: job.exclusive,
    // meta.json describes the job as archived; reading it back (init-db, import) gives status 3 too.
    monitoringStatus: MONITORING.archived,
    smt: job.smt,
    jobState: job.jobState as JobMeta["jobState"],
    startTime: job.startTime,
    duration: job.duration,
    resources: jobResources(job),
    statistics,
  };
  if (job.partition !== null) meta.partition = job.partition;
  if (job.arrayJobId !== null) meta.arrayJobId = job.arrayJobId;
  const numHwthreads = positive(job.numHWThreads);
  if (numHwthreads !== undefined) meta.numHwthreads = numHwthreads;
  const numAcc = positive(job.numAcc);
  if (numAcc !== undefined) meta.numAcc = numAcc;
  const walltime = positive(job.walltime);
  if (walltime !== undefined) meta.walltime = walltime;
  const metaData = metaDataOf(job.metaData);
  if (metaData) meta.metaData = metaData;
  if (job.tags.length > 0) meta.tags = job.tags.map((t) => ({ type: t.type, name: t.name }));
  return meta;
}
