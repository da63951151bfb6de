/**
 * Runs the server's background tasks (stopping jobs past their walltime, archive retention and
 * compression) on timers: the first run shortly after start, then each run `intervalMs` after the
 * previous one ended. A task never runs twice at the same time, nor beside another task of its group;
 * a run that falls due meanwhile is skipped. stop() aborts the signal the runs were given (each task
 * ends between two batches) and waits for them.
 */
import type { Logger } from "../../log.js";

export interface BackgroundTask {
  /** Names the task in logs; unique per scheduler. */
  readonly name: string;
  /** The wait after a run ends until the next one starts. */
  readonly intervalMs: number;
  /** Tasks of one group never run at the same time (retention and compression touch the same files). Default: the task's name. */
  readonly group?: string;
  /** Does one round of work; ends early, between batches, once `signal` is aborted. Logs what it did. */
  run(signal: AbortSignal): Promise<unknown>;
}

export interface SchedulerOptions {
  logger: Logger;
  /** The wait from start() until each task's first run. Default 10 s. */
  firstRunDelayMs?: number;
}

/** Node's timers take at most 2^31 - 1 ms; longer waits are cut to that (the task then runs early). */
const MAX_TIMER_MS = 2_147_483_647;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class TaskScheduler {
  private state: "created" | "started" | "stopped" = "created";
  private readonly tasks = new Map<string, BackgroundTask>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per task: its run, waiting for its group or under way. */
  private readonly current = new Map<string, Promise<void>>();
  /** Per group: the last run queued, which the next one waits for. */
  private readonly groupTail = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly firstRunDelayMs: number;

  constructor(tasks: readonly BackgroundTask[], options: SchedulerOptions) {
    for (const task of tasks) {
      if (this.tasks.has(task.name)) throw new Error(`background task "${task.name}" is registered twice`);
      this.tasks.set(task.name, task);
    }
    this.logger = options.logger;
    this.firstRunDelayMs = Math.max(0, options.firstRunDelayMs ?? 10_000);
  }

  /** The names of the tasks, in the order given. */
  get taskNames(): string[] {
    return [...this.tasks.keys()];
  }

  start(): void {
    if (this.state !== "created") return;
    this.state = "started";
    for (const task of this.tasks.values()) this.schedule(task, this.firstRunDelayMs);
    if (this.tasks.size > 0) this.logger.info(`background tasks: ${this.taskNames.join(", ")}`);
  }

  /**
   * Runs a task now, or returns its run that is already waiting or under way (never a second one).
   * Resolves when the run is over; a failed run is logged, never thrown.
   */
  runNow(name: string): Promise<void> {
    const task = this.tasks.get(name);
    if (!task) throw new Error(`no background task "${name}"`);
    return this.trigger(task);
  }

  /** Whether a run of the task is waiting for its group or under way. */
  isRunning(name: string): boolean {
    return this.current.has(name);
  }

  /** No further runs; the runs under way are told to stop and end after their current batch. */
  async stop(): Promise<void> {
    this.state = "stopped";
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.abort.abort(new Error("the server is shutting down"));
    await Promise.all(this.current.values());
  }

  private schedule(task: BackgroundTask, delayMs: number): void {
    clearTimeout(this.timers.get(task.name));
    const timer = setTimeout(() => {
      this.timers.delete(task.name);
      void this.trigger(task);
    }, Math.min(delayMs, MAX_TIMER_MS));
    // Waiting for the next run never keeps the process alive.
    timer.unref();
    this.timers.set(task.name, timer);
  }

  private trigger(task: BackgroundTask): Promise<void> {
    const underWay = this.current.get(task.name);
    if (underWay) {
      this.logger.debug(`background task ${task.name}: the previous run is still under way; not started again`);
      return underWay;
    }
    if (this.state === "stopped") return Promise.resolve();
    clearTimeout(this.timers.get(task.name));
    this.timers.delete(task.name);
    const group = task.group ?? task.name;
    const before = this.groupTail.get(group) ?? Promise.resolve();
    const run = before.then(() => this.execute(task));
    this.current.set(task.name, run);
    this.groupTail.set(group, run);
    void run.then(() => {
      if (this.current.get(task.name) === run) this.current.delete(task.name);
      if (this.groupTail.get(group) === run) this.groupTail.delete(group);
      if (this.state === "started") this.schedule(task, task.intervalMs);
    });
    return run;
  }

  /** One run; never rejects. */
  private async execute(task: BackgroundTask): Promise<void> {
    if (this.abort.signal.aborted) return;
    const started = Date.now();
    this.logger.debug(`background task ${task.name}: started`);
    try {
      await task.run(this.abort.signal);
      this.logger.debug(`background task ${task.name}: finished in ${Date.now() - started} ms`);
    } catch (error) {
      this.logger.error(`background task ${task.name} failed after ${Date.now() - started} ms: ${reason(error)}`);
    }
  }
}
