import type { JobWithTags } from "../../services/jobs/records.js";
import type { FoundJob } from "../../services/jobs/find.js";
import type { Schemas } from "./openapi.js";

type JobFields = Schemas["JobFields"];

function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null || text === "") return fallback;
  try {
    return (JSON.parse(text) as T) ?? fallback;
  } catch {
    return fallback;
  }
}

/**
 * cc-backend's BaseJob as JSON: empty optional values (partition, arrayJobId, numHwthreads, numAcc,
 * monitoringStatus, smt, walltime, tags) are left out as Go's `omitempty` does; metaData only when read.
 * A running job's duration is the time since its start, as cc-backend reports it.
 */
function fields(job: JobWithTags, now: number): JobFields {
  const out: JobFields = {
    id: job.id,
    jobId: job.jobId,
    user: job.user,
    project: job.project,
    cluster: job.cluster,
    subCluster: job.subCluster,
    numNodes: job.numNodes,
    exclusive: job.exclusive,
    jobState: job.jobState as JobFields["jobState"],
    duration: job.duration === 0 && job.jobState === "running" ? Math.max(0, now - job.startTime) : job.duration,
    resources: parseJson(job.resources, []),
  };
  if (job.partition) out.partition = job.partition;
  if (job.arrayJobId) out.arrayJobId = job.arrayJobId;
  if (job.numHWThreads) out.numHwthreads = job.numHWThreads;
  if (job.numAcc) out.numAcc = job.numAcc;
  if (job.monitoringStatus) out.monitoringStatus = job.monitoringStatus;
  if (job.smt) out.smt = job.smt;
  if (job.walltime) out.walltime = job.walltime;
  if (job.tags.length > 0) out.tags = job.tags.map((t) => ({ id: t.id, type: t.type, name: t.name }));
  if (job.metaData !== null) {
    const meta = parseJson<Record<string, string> | null>(job.metaData, null);
    if (meta && typeof meta === "object" && !Array.isArray(meta)) out.metaData = meta;
  }
  return out;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** JobMeta: the start as unix seconds (GET /api/jobs/, stop_job). */
export function jobMetaJson(job: FoundJob, now = nowSeconds()): Schemas["JobMeta"] {
  const out: Schemas["JobMeta"] = { ...fields(job, now), startTime: job.startTime };
  if (job.statistics) out.statistics = job.statistics as Schemas["JobMeta"]["statistics"];
  return out;
}

/** Job: the start as an RFC 3339 date (tag_job, POST /api/jobs/{id}). */
export function jobJson(job: JobWithTags, now = nowSeconds()): Schemas["Job"] {
  return { ...fields(job, now), startTime: new Date(job.startTime * 1000).toISOString().replace(".000Z", "Z") };
}
