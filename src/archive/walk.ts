import { readdirSync } from "node:fs";
import path from "node:path";

/**
 * The archive's directory walk, split at the first job-id level (`<cluster>/<jobId/1000>`): listing
 * those folders is cheap, and each one (up to 1000 job ids) is walked synchronously in one go, which
 * is several times faster than promise-per-directory walking on archives of millions of jobs.
 */
export interface JobGroup {
  cluster: string;
  dir: string;
}

const subdirectories = (dir: string, pattern: RegExp): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && pattern.test(e.name))
      .map((e) => e.name);
  } catch {
    return []; // removed while walking: nothing to import there
  }
};

export function jobGroups(root: string, clusters: string[]): JobGroup[] {
  return clusters.flatMap((cluster) =>
    subdirectories(path.join(root, cluster), /^\d+$/).map((level1) => ({ cluster, dir: path.join(root, cluster, level1) })),
  );
}

/** The meta.json path of every job directory below one `<cluster>/<jobId/1000>` folder. */
export function metaFilesIn(group: string): string[] {
  const files: string[] = [];
  for (const level2 of subdirectories(group, /^\d{3}$/)) {
    const level2Dir = path.join(group, level2);
    for (const start of subdirectories(level2Dir, /^\d+$/)) files.push(path.join(level2Dir, start, "meta.json"));
  }
  return files;
}
