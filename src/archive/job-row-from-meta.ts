import { isJobState, MONITORING, type JobRow } from "../db/jobs/job-row.js";
import { ArchiveError } from "./backend.js";
import type { ClusterRegistry } from "./clusters.js";
import { footprintOf } from "./footprint.js";
import type { JobMeta } from "./generated/archive-types.js";


export interface ArchivedJobRow {
  row: JobRow;
  tags: { type: string; name: string }[];
}

/**
 * Turns a meta.json into a job table row, with cc-backend's sanity checks (known cluster, subcluster
 * assigned from the first host when missing, valid state, one resource per node, a user). Throws an
 * ArchiveError naming the problem.
 */
export function jobRowFromMeta(meta: JobMeta, clusters: ClusterRegistry): ArchivedJobRow {
  const fail = (reason: string): never => {
    throw new ArchiveError(`job ${String(meta?.jobId)}: ${reason}`);
  };
  if (typeof meta !== "object" || meta === null) fail("meta.json is not an object");
  if (!Number.isSafeInteger(meta.jobId) || meta.jobId < 0) fail(`jobId ${JSON.stringify(meta.jobId)} is not a non-negative integer`);
  if (!Number.isSafeInteger(meta.startTime) || meta.startTime < 0) fail(`startTime ${JSON.stringify(meta.startTime)} is not a non-negative integer`);
  if (!clusters.get(meta.cluster)) fail(`cluster "${meta.cluster}" has no cluster.json in the archive`);
  if (!isJobState(meta.jobState)) fail(`jobState "${meta.jobState}" is not a job state`);
  if (typeof meta.user !== "string" || meta.user === "") fail("user is empty");
  if (!Array.isArray(meta.resources) || meta.resources.length === 0) fail("resources are empty");
  if (!Number.isInteger(meta.numNodes) || meta.numNodes < 1) fail(`numNodes ${JSON.stringify(meta.numNodes)} is below 1`);
  if ((meta.numAcc ?? 0) < 0 || (meta.numHwthreads ?? 0) < 0) fail("numAcc and numHwthreads must not be negative");
  if (meta.resources.length !== meta.numNodes) fail(`has ${meta.resources.length} resources but numNodes ${meta.numNodes}`);
  if (!Number.isInteger(meta.duration) || meta.duration < 0) fail(`duration ${JSON.stringify(meta.duration)} is not a non-negative integer`);
  let subCluster = meta.subCluster;
  if (subCluster) {
    if (!clusters.subCluster(meta.cluster, subCluster)) fail(`subcluster "${subCluster}" is not in ${meta.cluster}/cluster.json`);
  } else {
    try {
      subCluster = clusters.subClusterOf(meta.cluster, meta.resources[0]!.hostname);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  return {
    row: {
      jobId: meta.jobId,
      cluster: meta.cluster,
      subCluster: subCluster!,
      startTime: meta.startTime,
      user: meta.user,
      project: meta.project ?? "",
      partition: meta.partition ?? null,
      arrayJobId: meta.arrayJobId ?? null,
      duration: meta.duration,
      walltime: meta.walltime ?? 0,
      jobState: meta.jobState,
      metaData: meta.metaData ? JSON.stringify(meta.metaData) : null,
      resources: JSON.stringify(meta.resources),
      numNodes: meta.numNodes,
      numHWThreads: meta.numHwthreads ?? null,
      numAcc: meta.numAcc ?? null,
      smt: meta.smt ?? 1,
      exclusive: meta.exclusive ?? 1,
      monitoringStatus: MONITORING.archived,
      ...footprintOf(meta),
    },
    tags: (meta.tags ?? []).map((t) => ({ type: t.type, name: t.name })),
  };
}
