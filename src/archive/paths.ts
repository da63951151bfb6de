import path from "node:path";

/** Identifies a job in the archive: cc-backend's directory key. */
export interface JobKey {
  jobId: number;
  cluster: string;
  startTime: number;
}

export class ArchivePathError extends Error {}

/** Cluster names become directory names: letters, digits, dot, dash, underscore; never "." or "..". */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function checkClusterName(cluster: string): string {
  if (!SAFE_NAME.test(cluster) || cluster === "." || cluster === "..") {
    throw new ArchivePathError(`invalid cluster name ${JSON.stringify(cluster)}: use letters, digits, '.', '-' and '_' only`);
  }
  return cluster;
}

function checkId(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ArchivePathError(`invalid ${what} ${JSON.stringify(value)}: must be a non-negative integer`);
  return value;
}

/**
 * `<root>/<cluster>/<jobId / 1000>/<jobId % 1000, 3 digits>/<startTime>`, the layout of cc-backend's
 * archive version 1. Every component is checked, so no value from a JSON document can leave the root.
 */
export function jobDirectory(root: string, job: JobKey): string {
  const jobId = checkId(job.jobId, "jobId");
  const dir = path.join(
    root,
    checkClusterName(job.cluster),
    String(Math.floor(jobId / 1000)),
    String(jobId % 1000).padStart(3, "0"),
    String(checkId(job.startTime, "startTime")),
  );
  const relative = path.relative(root, dir);
  if (relative.startsWith("..") || path.isAbsolute(relative)) throw new ArchivePathError(`job directory ${dir} is outside the archive`);
  return dir;
}
