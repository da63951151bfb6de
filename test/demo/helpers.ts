import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { FileArchive } from "../../src/archive/file-backend.ts";
import type { JobMeta } from "../../src/archive/generated/archive-types.ts";
import { readJson } from "../helpers/archive.ts";

export interface LoadedJob {
  dir: string;
  meta: JobMeta;
}

export async function loadJobs(archive: FileArchive): Promise<LoadedJob[]> {
  const jobs: LoadedJob[] = [];
  for await (const file of archive.metaFiles()) jobs.push({ dir: path.dirname(file.path), meta: readJson(file.path) as JobMeta });
  return jobs;
}

/** Every file below `root`, path and bytes, in one hash. */
export function treeHash(root: string): string {
  const hash = createHash("sha256");
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else hash.update(child).update("\0").update(readFileSync(path.join(root, child))).update("\0");
    }
  };
  walk("");
  return hash.digest("hex");
}

export function recomputed(data: (number | null)[]): { min: number; avg: number; max: number } {
  const values = data.filter((v): v is number => v !== null);
  return { min: Math.min(...values), avg: values.reduce((a, b) => a + b, 0) / values.length, max: Math.max(...values) };
}

export function expectClose(actual: number, expected: number, tolerance: number, what: string): void {
  if (Math.abs(actual - expected) > tolerance) expect.fail(`${what}: ${actual} is not within ${tolerance} of ${expected}`);
}
