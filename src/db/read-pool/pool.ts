import { availableParallelism } from "node:os";
import type { Logger } from "../../log.js";
import type { SqlDialect } from "../sql/dialect.js";
import type { ReadExecutor } from "./executor.js";
import type { ReadStatement } from "./protocol.js";
import { SqliteReadExecutor } from "./sqlite-executor.js";

export type { ReadStatement, ReadMode } from "./protocol.js";
export { ReadQueryError } from "./executor.js";

/**
 * light: a page of jobs, a count for one user — short, and what a person waits for.
 * heavy: statistics, histograms, counts over many jobs — may scan the table for seconds.
 */
export type Lane = "light" | "heavy";

export interface ReadPoolOptions {
  /**
   * Slots (SQLite: worker threads); default one per CPU plus one, at least 3: heavy work never takes
   * the last free slot, so with fewer a count could not run beside the page it belongs to.
   */
  size?: number;
  logger?: Logger;
}

export const defaultReadPoolSize = (size?: number): number => Math.max(2, size ?? Math.max(3, availableParallelism() + 1));

interface Task {
  statements: ReadStatement[];
  resolve: (results: unknown[]) => void;
  reject: (error: Error) => void;
}

/**
 * The job reads of every request, off the main thread and never blocked by statistics: heavy work
 * never takes the last free slot, so a page load never waits behind a statistics scan. The slots are
 * SQLite worker threads (given a file) or a server's connections (given an executor).
 */
export class ReadPool {
  private readonly executor: ReadExecutor;
  private readonly busy: boolean[];
  private readonly waiting: Record<Lane, Task[]> = { light: [], heavy: [] };
  private closed = false;
  /** Statements run so far, for tests that check how many queries a request costs. */
  statementCount = 0;

  constructor(source: string | ReadExecutor, options: ReadPoolOptions = {}) {
    this.executor = typeof source === "string" ? new SqliteReadExecutor(source, defaultReadPoolSize(options.size), options.logger) : source;
    this.busy = Array.from({ length: this.executor.size }, () => false);
  }

  get dialect(): SqlDialect {
    return this.executor.dialect;
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
      this.waiting[lane].push({ statements, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of [...this.waiting.light, ...this.waiting.heavy]) task.reject(new Error("the database read pool is closed"));
    this.waiting.light = [];
    this.waiting.heavy = [];
    await this.executor.close();
  }

  private dispatch(): void {
    for (;;) {
      const idle = this.busy.flatMap((busy, slot) => (busy ? [] : [slot]));
      if (idle.length === 0) return;
      let task = this.waiting.light.shift();
      // Heavy work may use a slot only while another one stays free for light work.
      if (!task && idle.length > 1) task = this.waiting.heavy.shift();
      if (!task) return;
      const slot = idle[0]!;
      this.busy[slot] = true;
      const done = () => {
        this.busy[slot] = false;
        this.dispatch();
      };
      this.executor.run(slot, task.statements).then(
        (results) => {
          done();
          task.resolve(results);
        },
        (error: Error) => {
          done();
          task.reject(error);
        },
      );
    }
  }
}
