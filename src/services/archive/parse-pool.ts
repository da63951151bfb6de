import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ClusterConfig } from "../../archive/generated/archive-types.js";
import type { ArchivedJobRow } from "../../archive/job-row-from-meta.js";

export interface ParseWorkerData {
  clusters: ClusterConfig[];
  validate: boolean;
}

export interface ParseBatchResult {
  id: number;
  jobs: ArchivedJobRow[];
  problems: { path: string; reason: string }[];
}

/**
 * Worker threads that turn batches of meta.json paths into job rows. Under tsx/vitest this module is
 * TypeScript, and so is the worker; the worker then loads tsx itself.
 */
export class ParsePool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, { resolve: (r: ParseBatchResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private failure: Error | undefined;

  constructor(data: ParseWorkerData, size = Math.max(1, Math.min(4, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(data);
      const slot = { worker, busy: 0 };
      worker.on("message", (result: ParseBatchResult) => {
        slot.busy--;
        const waiter = this.pending.get(result.id);
        this.pending.delete(result.id);
        waiter?.resolve(result);
      });
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => code !== 0 && this.failAll(new Error(`meta.json parser thread exited with code ${code}`)));
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  parse(paths: string[]): Promise<ParseBatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, paths });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }

  private failAll(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

function startWorker(data: ParseWorkerData): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./parse-worker.js", import.meta.url), { workerData: data });
  // Running from source (tsx, vitest): the worker registers tsx before loading the TypeScript entry.
  const entry = new URL("./parse-worker.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}
