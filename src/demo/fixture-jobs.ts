import { cpSync, existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../db/migrate/migration-files.js";

/** The real cc-backend archive (cluster emmy, two jobs) kept beside the repository. */
export const FIXTURE_ARCHIVE = path.resolve(projectRoot, "..", "shared", "fixtures", "job-archive");

function countMetaFiles(dir: string): number {
  let count = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += countMetaFiles(path.join(dir, entry.name));
    else if (entry.name === "meta.json") count++;
  }
  return count;
}

/**
 * Copies the fixture's clusters (cluster.json and jobs, byte for byte) into `root`, so that the demo
 * also shows real data. Returns the number of jobs copied; 0 when the fixture is not there.
 */
export function copyFixtureJobs(root: string, source = FIXTURE_ARCHIVE): number {
  if (!existsSync(source)) return 0;
  let jobs = 0;
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    if (!entry.isDirectory() || !existsSync(path.join(from, "cluster.json"))) continue;
    const to = path.join(root, entry.name);
    if (existsSync(to)) continue; // never mix real jobs into a generated cluster
    cpSync(from, to, { recursive: true });
    jobs += countMetaFiles(to);
  }
  return jobs;
}
