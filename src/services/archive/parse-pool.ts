import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { startModuleWorker } from "../../worker-thread.js";
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
  /** The last batch of a group. */
  final: boolean;
}

/**
 * Worker threads that walk job groups (`<cluster>/<jobId/1000>` folders) and turn their meta.json files
 * into job rows. Under tsx/vitest this module is TypeScript, and so is the worker; it then loads tsx.
 */
export class ParsePool {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly pending = new Map<number, { onBatch: (r: ParseBatchResult) => void; resolve: () => void; reject: (e: Error) => void }>();
  private nextId = 0;

  private failure: Error | undefined;

  constructor(data: ParseWorkerData, size = Math.max(1, Math.min(4, availableParallelism()))) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(data);
      const slot = { worker, busy: 0 };
      worker.on("message", (result: ParseBatchResult) => {
        const waiter = this.pending.get(result.id);
        try {
          waiter?.onBatch(result);
        } catch (error) {
          this.failAll(error as Error);
          return;
        }
        if (result.final) {
          slot.busy--;
          this.pending.delete(result.id);
          waiter?.resolve();
        }
      });
      worker.on("error", (error) => this.failAll(error));
      worker.on("exit", (code) => code !== 0 && this.failAll(new Error(`meta.json parser thread exited with code ${code}`)));
      this.workers.push(slot);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Walks one job group on the least busy worker; `onBatch` sees its results as they arrive. */
  walk(group: string, onBatch: (result: ParseBatchResult) => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { onBatch, resolve, reject });
      slot.worker.postMessage({ id, group });
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
  return startModuleWorker(import.meta.url, "./parse-worker.js", data);
}
