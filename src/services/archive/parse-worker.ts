import { readFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { ClusterRegistry } from "../../archive/clusters.js";
import type { ClusterConfig, JobMeta } from "../../archive/generated/archive-types.js";
import { jobRowFromMeta } from "../../archive/job-row-from-meta.js";
import { validateJobMeta } from "../../archive/validate.js";
import type { ParseBatchResult, ParseWorkerData } from "./parse-pool.js";

/** Reads, parses and checks meta.json files off the main thread: the expensive part of --init-db. */
const { clusters, validate } = workerData as ParseWorkerData;
const registry = new ClusterRegistry(clusters as ClusterConfig[]);

parentPort!.on("message", ({ id, paths }: { id: number; paths: string[] }) => {
  const result: ParseBatchResult = { id, jobs: [], problems: [] };
  for (const file of paths) {
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
  parentPort!.postMessage(result);
});
