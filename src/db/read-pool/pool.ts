import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import type { Logger } from "../../log.js";
import { startModuleWorker } from "../../worker-thread.js";
import type { ReadRequest, ReadResponse, ReadStatement, ReadWorkerData } from "./protocol.js";

export type { ReadStatement, ReadMode } from "./protocol.js";

/**
 * light: a page of jobs, a count for one user — short, and what a person waits for.
 * heavy: statistics, histograms, counts over many jobs — may scan the table for seconds.
 */
export type Lane = "light" | "heavy";

export interface ReadPoolOptions {
  /**
   * Worker threads; default one per CPU plus one, at least 3: heavy work never takes the last free
   * thread, so with fewer a count could not run beside the page it belongs to.
   */
  size?: number;
  logger?: Logger;
}

interface Task {
  request: Omit<ReadRequest, "id">;
  lane: Lane;
  resolve: (results: unknown[]) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  task?: Task;
}

export class ReadQueryError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * Worker threads with their own read-only SQLite connections. better-sqlite3 is synchronous: a query
 * on the main thread stops every other request, so job reads run here. Heavy work never takes the
 * last free worker, so a page load never waits behind a statistics scan.
 */
export class ReadPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Record<Lane, Task[]> = { light: [], heavy: [] };
  private closed = false;
  private nextId = 0;
  /** Statements run so far, for tests that check how many queries a request costs. */
  statementCount = 0;

  constructor(
    readonly file: string,
    options: ReadPoolOptions = {},
  ) {
    const size = Math.max(2, options.size ?? Math.max(3, availableParallelism() + 1));
    const data: ReadWorkerData = { file, cacheSize: 256 };
    for (let i = 0; i < size; i++) {
      const slot = {} as Slot;
      this.start(slot, data, options.logger);
      this.slots.push(slot);
    }
  }

  /** (Re)starts a slot's thread; a thread that died (out of memory, say) is replaced, its task failed. */
  private start(slot: Slot, data: ReadWorkerData, logger: Logger | undefined): void {
    const worker = startModuleWorker(import.meta.url, "./worker.js", data);
    slot.worker = worker;
    worker.on("message", (response: ReadResponse) => this.finished(slot, response));
    worker.on("error", (error) => logger?.error({ err: error }, "database read thread failed"));
    worker.on("exit", () => {
      if (this.closed || slot.worker !== worker) return;
      this.start(slot, data, logger);
      this.finished(slot, { id: -1, error: "database read thread stopped unexpectedly" });
    });
    worker.unref();
  }

  /** One statement's rows (mode "all"), first row ("get") or first column ("pluck"). */
  async query<T>(statement: ReadStatement, lane: Lane = "light"): Promise<T> {
    const [result] = await this.batch([statement], lane);
    return result as T;
  }

  /** Several statements on one snapshot of the database; their results in order. */
  batch(statements: ReadStatement[], lane: Lane = "light"): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new Error("the database read pool is closed"));
    this.statementCount += statements.length;
    return new Promise((resolve, reject) => {
      this.waiting[lane].push({ request: { statements }, lane, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of [...this.waiting.light, ...this.waiting.heavy]) task.reject(new Error("the database read pool is closed"));
    this.waiting.light = [];
    this.waiting.heavy = [];
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    for (;;) {
      const idle = this.slots.filter((slot) => !slot.task);
      if (idle.length === 0) return;
      let task = this.waiting.light.shift();
      // Heavy work may use a worker only while another one stays free for light work.
      if (!task && idle.length > 1) task = this.waiting.heavy.shift();
      if (!task) return;
      const slot = idle[0]!;
      slot.task = task;
      slot.worker.ref();
      slot.worker.postMessage({ id: this.nextId++, ...task.request } satisfies ReadRequest);
    }
  }

  private finished(slot: Slot, response: ReadResponse): void {
    const task = slot.task;
    slot.task = undefined;
    slot.worker.unref();
    if (task) {
      if ("error" in response) task.reject(new ReadQueryError(response.error, response.code));
      else task.resolve(response.results);
    }
    this.dispatch();
  }
}
