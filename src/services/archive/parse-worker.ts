import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { ClusterRegistry } from "../../archive/clusters.js";
import type { ClusterConfig, JobMeta } from "../../archive/generated/archive-types.js";
import { jobRowFromMeta } from "../../archive/job-row-from-meta.js";
import { validateJobMeta } from "../../archive/validate.js";
import { metaFilesIn } from "../../archive/walk.js";
import type { ParseBatchResult, ParseWorkerData } from "./parse-pool.js";

/**
 * Walks one `<cluster>/<jobId/1000>` folder and reads, parses and checks its meta.json files off the
 * main thread — the expensive part of --init-db. Results go back in batches; the last one is `final`.
 */
const { clusters, validate } = workerData as ParseWorkerData;
const registry = new ClusterRegistry(clusters as ClusterConfig[]);
const BATCH = 500;

function parse(file: string, result: ParseBatchResult): void {
  try {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new Error((error as NodeJS.ErrnoException).code === "ENOENT" ? "no meta.json in job directory" : (error as Error).message);
    }
    let meta: unknown;
    try {
      meta = JSON.parse(text);
    } catch (error) {
      throw new Error(`not valid JSON (${(error as Error).message})`);
    }
    const checked = validate ? validateJobMeta(meta, file) : (meta as JobMeta);
    result.jobs.push(jobRowFromMeta(checked, registry));
  } catch (error) {
    result.problems.push({ path: file, reason: (error as Error).message.replace(`${file}: `, "") });
  }
}

parentPort!.on("message", ({ id, group }: { id: number; group: string }) => {
  let result: ParseBatchResult = { id, jobs: [], problems: [], final: false };
  for (const file of metaFilesIn(group)) {
    parse(file, result);
    if (result.jobs.length + result.problems.length >= BATCH) {
      parentPort!.postMessage(result);
      result = { id, jobs: [], problems: [], final: false };
    }
  }
  parentPort!.postMessage({ ...result, final: true });
});
