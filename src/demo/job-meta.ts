import type { ClusterRegistry } from "../archive/clusters.js";
import type { JobData, JobMeta } from "../archive/generated/archive-types.js";
import { MONITORING } from "../db/jobs/job-row.js";
import type { PlacedJob } from "./allocate.js";
import { jobMetrics } from "./job-data.js";
import { jobMetaData } from "./job-text.js";
import { createRandom } from "./random.js";
import { jobTags } from "./tags.js";

/** A second stream for texts and tags, so they do not depend on how much data was simulated. */
const TEXT_STREAM = 0x5bd1e995;

/** meta.json (and data.json unless `metaOnly`) of one generated job. */
export function buildJob(job: PlacedJob, registry: ClusterRegistry, metaOnly: boolean): { meta: JobMeta; data?: JobData } {
  const { data, statistics, levels } = jobMetrics(job, registry, metaOnly);
  const text = createRandom((job.seed ^ TEXT_STREAM) >>> 0);
  const metaData = jobMetaData(text, job);
  const meta: JobMeta = {
    jobId: job.jobId,
    user: job.user.name,
    project: job.user.project,
    cluster: job.cluster,
    subCluster: job.subCluster,
    partition: job.partition,
    arrayJobId: job.arrayJobId,
    numNodes: job.numNodes,
    numHwthreads: job.numHwthreads,
    ...(job.numAcc ? { numAcc: job.numAcc } : {}),
    exclusive: job.exclusive,
    monitoringStatus: MONITORING.archived,
    smt: 1,
    walltime: job.walltime,
    jobState: job.jobState,
    startTime: job.startTime,
    duration: job.duration,
    resources: job.resources,
    metaData,
    tags: jobTags(text, job, levels),
    statistics,
  };
  return data ? { meta, data } : { meta };
}
