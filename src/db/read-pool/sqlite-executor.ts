import type { Worker } from "node:worker_threads";
import type { Logger } from "../../log.js";
import { startModuleWorker } from "../../worker-thread.js";
import { SQLITE } from "../sql/dialect.js";
import { ReadQueryError, type ReadExecutor } from "./executor.js";
import type { ReadResponse, ReadStatement, ReadWorkerData } from "./protocol.js";

interface Slot {
  worker: Worker;
  pending?: { id: number; resolve: (results: unknown[]) => void; reject: (error: Error) => void };
}

/**
 * Worker threads with their own read-only SQLite connections. better-sqlite3 is synchronous: a query
 * on the main thread stops every other request, so job reads run here.
 */
export class SqliteReadExecutor implements ReadExecutor {
  readonly dialect = SQLITE;
  private readonly slots: Slot[] = [];
  private closed = false;
  private nextId = 0;

  constructor(
    readonly file: string,
    readonly size: number,
    private readonly logger?: Logger,
  ) {
    const data: ReadWorkerData = { file, cacheSize: 256 };
    for (let i = 0; i < size; i++) {
      const slot = {} as Slot;
      this.start(slot, data);
      this.slots.push(slot);
    }
  }

  /** (Re)starts a slot's thread; a thread that died (out of memory, say) is replaced, its batch failed. */
  private start(slot: Slot, data: ReadWorkerData): void {
    const worker = startModuleWorker(import.meta.url, "./worker.js", data);
    slot.worker = worker;
    worker.on("message", (response: ReadResponse) => this.finished(slot, response));
    worker.on("error", (error) => this.logger?.error({ err: error }, "database read thread failed"));
    worker.on("exit", () => {
      if (this.closed || slot.worker !== worker) return;
      this.start(slot, data);
      this.finished(slot, { id: -1, error: "database read thread stopped unexpectedly" });
    });
    worker.unref();
  }

  run(index: number, statements: ReadStatement[]): Promise<unknown[]> {
    const slot = this.slots[index]!;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending = { id, resolve, reject };
      slot.worker.ref();
      slot.worker.postMessage({ id, statements });
    });
  }

  private finished(slot: Slot, response: ReadResponse): void {
    const pending = slot.pending;
    slot.pending = undefined;
    slot.worker.unref();
    if (!pending) return;
    if ("error" in response) pending.reject(new ReadQueryError(response.error, response.code));
    else pending.resolve(response.results);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
