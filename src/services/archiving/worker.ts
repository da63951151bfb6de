/**
 * The archiving queue of the server. Its durable part is the database (a stopped job with
 * monitoring_status 1 waits; see waiting-jobs.ts), so nothing is lost when the process dies: on
 * start the worker walks the job table for jobs left waiting, and stop_job adds each new one with
 * enqueue(). A few jobs are archived at a time; a failed attempt is retried after a delay, and after
 * the last retry the job gets monitoring_status 2.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { ArchivingQueue } from "../jobs/archiving.js";
import { archiveJob, ArchivingError, type ArchivingContext, type ArchivingOutcome } from "./archive-job.js";
import { markFailed, WaitingJobScan } from "./waiting-jobs.js";

export interface ArchivingWorkerOptions {
  /** Jobs archived at the same time. Default 2. */
  concurrency?: number;
  /** The waits before the first, second, ... retry of a failed job; after the last, status 2. Default 10 s, 1 min, 5 min. */
  retryDelaysMs?: readonly number[];
  /** Job ids one query of the start-up walk covers. Default 10 000. */
  scanIdsPerQuery?: number;
}

export const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000] as const;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ArchivingWorker implements ArchivingQueue {
  private state: "created" | "started" | "closing" = "created";
  private readonly concurrency: number;
  private readonly retryDelaysMs: readonly number[];
  private readonly scanIdsPerQuery: number;
  /** Ready to be archived, in order. */
  private readonly ready: number[] = [];
  /** Ready, being archived, or waiting for a retry: a job is in here once, so never archived twice at a time. */
  private readonly queued = new Set<number>();
  private readonly running = new Map<number, Promise<void>>();
  private readonly retries = new Map<number, { attempt: number; timer?: NodeJS.Timeout }>();
  private scan: WaitingJobScan | undefined;
  private scanning: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: ArchivingContext,
    options: ArchivingWorkerOptions = {},
  ) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.scanIdsPerQuery = Math.max(1, options.scanIdsPerQuery ?? 10_000);
  }

  /** Starts archiving: the jobs left waiting by the last run, then whatever enqueue() adds. */
  start(): void {
    if (this.state !== "created") return;
    this.state = "started";
    this.scan = new WaitingJobScan(this.ctx.jobWriter, this.scanIdsPerQuery);
    this.pump();
  }

  enqueue(jobDbId: number): void {
    if (this.state === "closing") {
      this.ctx.logger.debug(`archiving is shutting down: job ${jobDbId} stays waiting (monitoringStatus 1) for the next start`);
      return;
    }
    this.add(jobDbId);
    this.pump();
  }

  /** Jobs in the queue: ready, being archived, or waiting for a retry (for /metrics). */
  get queueLength(): number {
    return this.queued.size;
  }

  /** Resolves once nothing is left to do: every waiting job found and archived (or failed). */
  whenIdle(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Takes no more work and waits up to `timeoutMs` for the archives under way. What is left keeps
   * monitoring_status 1 and is picked up on the next start.
   */
  close(timeoutMs = 30_000): Promise<void> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    this.state = "closing";
    for (const retry of this.retries.values()) clearTimeout(retry.timer);
    this.retries.clear();
    this.ready.length = 0;
    const underWay = Promise.allSettled([...this.running.values(), this.scanning]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([underWay.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)))]);
    clearTimeout(timer);
    if (timedOut) {
      // Loads still running give up; a write to the archive finishes or leaves no meta.json.
      this.abort.abort(new Error("archiving is shutting down"));
      this.ctx.logger.warn(`archiving: ${this.running.size} job(s) still under way after ${timeoutMs} ms; they stay waiting for the next start`);
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private add(id: number): void {
    if (this.queued.has(id)) return;
    this.queued.add(id);
    this.ready.push(id);
  }

  private idle(): boolean {
    return this.state !== "started" || (this.queued.size === 0 && this.running.size === 0 && !this.scanning && (this.scan?.done ?? true));
  }

  private pump(): void {
    if (this.state !== "started") return;
    while (this.running.size < this.concurrency) {
      const id = this.ready.shift();
      if (id === undefined) {
        this.refill();
        break;
      }
      this.run(id);
    }
    if (this.idle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** The next slices of the start-up walk, until one holds waiting jobs. */
  private refill(): void {
    const scan = this.scan;
    if (this.scanning || !scan || scan.done) return;
    this.scanning = (async () => {
      // One slice per turn of the event loop, so requests are served while a large table is walked.
      while (this.state === "started" && !scan.done && this.ready.length === 0) {
        await nextTurn();
        if (this.state !== "started") break;
        for (const id of await scan.next()) this.add(id);
      }
    })()
      .catch((error: unknown) => {
        this.scan = undefined;
        this.ctx.logger.error(`archiving: looking for waiting jobs failed (${reason(error)}); the rest are picked up at the next start`);
      })
      .finally(() => {
        this.scanning = undefined;
        this.pump();
      });
  }

  private run(id: number): void {
    const attempt = this.retries.get(id)?.attempt ?? 0;
    const work = archiveJob(this.ctx, id, this.abort.signal)
      .then(
        (outcome) => this.succeeded(id, outcome),
        (error: unknown) => this.failed(id, error, attempt),
      )
      .catch((error: unknown) => {
        this.queued.delete(id);
        this.ctx.logger.error(`archiving job (dbid: ${id}): ${reason(error)}`);
      })
      .finally(() => {
        this.running.delete(id);
        this.pump();
      });
    this.running.set(id, work);
  }

  private succeeded(id: number, outcome: ArchivingOutcome): void {
    this.queued.delete(id);
    this.retries.delete(id);
    const log = this.ctx.logger;
    if (outcome.kind === "archived") {
      if (outcome.warnings.length > 0) log.warn({ warnings: outcome.warnings }, `archiving job (dbid: ${id}): archived with partial data`);
      log.info(`archiving job (dbid: ${id}) successful`);
    } else if (outcome.kind === "finished") {
      log.info(`archiving job (dbid: ${id}): already complete in the archive, marked as archived`);
    } else {
      log.debug(`archiving job (dbid: ${id}): no longer waiting, skipped`);
    }
  }

  private async failed(id: number, error: unknown, attempt: number): Promise<void> {
    const log = this.ctx.logger;
    if (this.state !== "started") {
      this.queued.delete(id);
      log.info(`archiving job (dbid: ${id}) interrupted by shutdown (${reason(error)}); it stays waiting for the next start`);
      return;
    }
    const delay = this.retryDelaysMs[attempt];
    if (!(error instanceof ArchivingError && error.permanent) && delay !== undefined) {
      log.warn(`archiving job (dbid: ${id}) failed (attempt ${attempt + 1}): ${reason(error)}; retrying in ${delay} ms`);
      const retry: { attempt: number; timer?: NodeJS.Timeout } = { attempt: attempt + 1 };
      retry.timer = setTimeout(() => {
        retry.timer = undefined;
        this.ready.push(id);
        this.pump();
      }, delay);
      this.retries.set(id, retry);
      return;
    }
    this.retries.delete(id);
    this.queued.delete(id);
    await markFailed(this.ctx.jobWriter, id);
    log.error(`archiving job (dbid: ${id}) failed after ${attempt + 1} attempt(s): ${reason(error)}; monitoringStatus set to 2 (archiving failed)`);
  }
}
