import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { fixturesDir } from "./fixtures.ts";

/** A writable copy of the real cc-backend archive fixture (cluster emmy, two jobs). */
export function copyArchiveFixture(dir: string, name = "job-archive"): string {
  const root = path.join(dir, name);
  cpSync(path.join(fixturesDir, "job-archive"), root, { recursive: true });
  return root;
}

export function readJson(file: string): any {
  const raw = readFileSync(file);
  return JSON.parse((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

export const emmyJobs = [
  { jobId: 1403244, cluster: "emmy", startTime: 1608923076 },
  { jobId: 1404397, cluster: "emmy", startTime: 1609300556 },
];

/**
 * Adds `count` copies of the fixture's job 1403244 with new job ids (meta.json only), for imports
 * that need volume. Returns the job ids written.
 */
export function addClonedJobs(root: string, count: number, firstJobId = 3_000_000): number[] {
  const meta = readJson(path.join(root, "emmy", "1403", "244", "1608923076", "meta.json"));
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const jobId = firstJobId + i;
    const dir = path.join(root, "emmy", String(Math.floor(jobId / 1000)), String(jobId % 1000).padStart(3, "0"), String(meta.startTime + i));
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ ...meta, jobId, startTime: meta.startTime + i, user: `user${i % 7}` }));
    ids.push(jobId);
  }
  return ids;
}
