/**
 * Checkpoints: the store on disk, so that a restart (or a crash) loses at most one interval.
 *
 *     <dir>/<cluster>/<host>/<unix-seconds>-full.bin    every sample of the host
 *     <dir>/<cluster>/<host>/<unix-seconds>-delta.bin   the samples written since the checkpoint before
 *
 * Every interval each host with new samples gets a delta file; a host gets a full file instead on
 * its first checkpoint after start and whenever its deltas since the last full file add up to a
 * quarter of that file (or 96 deltas), after which its older files are deleted. Files are written to
 * a temporary name, synced and renamed, so a file either exists completely or not at all. On start,
 * each host's newest full file and the deltas after it are loaded, skipping samples outside the
 * retention window; files older than the window are deleted.
 *
 * Paths are built only from names that pass nameProblem() and are checked to stay inside `dir`;
 * directory entries that are not such names (or are symlinks) are ignored.
 */
import { mkdir, open, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decodeHostCheckpoint, encodeHostCheckpoint, type CheckpointKind } from "./checkpoint-format.js";
import { nameProblem } from "./names.js";
import type { HostData } from "./series.js";
import type { MetricStore } from "./store.js";

export interface CheckpointOptions {
  dir: string;
  /** Seconds between checkpoints. */
  intervalSeconds: number;
  /** Delta files after which a host gets a full file again. Default 96. */
  maxDeltas?: number;
}

export interface CheckpointRun {
  files: number;
  fullFiles: number;
  bytes: number;
  samples: number;
  failed: number;
}

export interface RestoreResult {
  files: number;
  hosts: number;
  samples: number;
  skippedFiles: number;
}

const FILE_NAME = /^(\d{1,15})-(full|delta)\.bin$/;
const TEMP_MARK = ".tmp-";

interface HostState {
  deltas: number;
  deltaBytes: number;
  fullBytes: number;
}

export class CheckpointPathError extends Error {}

/** `<root>/<cluster>/<host>`, after checking both names and that the result stays below root. */
export function hostDirectory(root: string, cluster: string, host: string): string {
  for (const [kind, name] of [
    ["cluster", cluster],
    ["host", host],
  ] as const) {
    const problem = nameProblem(name);
    if (problem) throw new CheckpointPathError(`checkpoint path: ${kind} name ${JSON.stringify(name)} ${problem}`);
  }
  const base = path.resolve(root);
  const dir = path.resolve(base, cluster, host);
  if (path.dirname(path.dirname(dir)) !== base || !dir.startsWith(base + path.sep)) {
    throw new CheckpointPathError(`checkpoint path for ${JSON.stringify(cluster)}/${JSON.stringify(host)} leaves ${base}`);
  }
  return dir;
}

async function listDirectories(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && nameProblem(e.name) === undefined).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

interface CheckpointFile {
  name: string;
  time: number;
  kind: CheckpointKind;
}

async function listCheckpointFiles(dir: string): Promise<{ files: CheckpointFile[]; temporary: string[] }> {
  const files: CheckpointFile[] = [];
  const temporary: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const match = FILE_NAME.exec(entry.name);
    if (match) files.push({ name: entry.name, time: Number(match[1]), kind: match[2] as CheckpointKind });
    else if (entry.name.includes(TEMP_MARK)) temporary.push(entry.name);
  }
  files.sort((a, b) => a.time - b.time || (a.kind === "full" ? -1 : 1));
  return { files, temporary };
}

export class Checkpointer {
  readonly dir: string;
  private readonly intervalSeconds: number;
  private readonly maxDeltas: number;
  private readonly hostState = new Map<HostData, HostState>();
  private lastTime = 0;
  private running: Promise<CheckpointRun> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: MetricStore,
    options: CheckpointOptions,
  ) {
    if (os.endianness() !== "LE") throw new Error("checkpoints need a little-endian platform");
    if (!(options.intervalSeconds > 0)) throw new Error("checkpoint interval must be positive");
    this.dir = path.resolve(options.dir);
    this.intervalSeconds = options.intervalSeconds;
    this.maxDeltas = options.maxDeltas ?? 96;
  }

  /** Starts the periodic checkpoints. */
  start(): void {
    this.timer = setInterval(() => {
      this.checkpoint().catch((error: unknown) => this.store.logger.error({ err: error }, "metric store: checkpoint failed"));
    }, this.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and writes a last checkpoint (after one that is under way). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const run = await this.checkpoint();
    this.store.logger.info({ ...run }, "metric store: final checkpoint written");
  }

  /** One checkpoint of every host; waits for one already running and then runs again. */
  async checkpoint(): Promise<CheckpointRun> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.run();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private nextTime(): number {
    this.lastTime = Math.max(this.store.nowSeconds(), this.lastTime + 1);
    return this.lastTime;
  }

  private async run(): Promise<CheckpointRun> {
    const result: CheckpointRun = { files: 0, fullFiles: 0, bytes: 0, samples: 0, failed: 0 };
    const time = this.nextTime();
    const precision = this.store.precision === "float32" ? 32 : 64;
    const hosts: HostData[] = [];
    for (const name of this.store.clusterNames()) hosts.push(...(this.store.cluster(name)?.hosts.values() ?? []));
    for (const host of hosts) {
      const state = this.hostState.get(host);
      const full = !state || state.deltas >= this.maxDeltas || state.deltaBytes * 4 >= state.fullBytes;
      // Encoding is synchronous: writes arriving while files are written go to the next checkpoint.
      const encoded = encodeHostCheckpoint(host, full ? "full" : "delta", time, precision);
      if (!encoded) continue;
      try {
        const dir = hostDirectory(this.dir, host.cluster.name, host.name);
        const name = `${time}-${encoded.header.kind}.bin`;
        await writeAtomically(dir, name, encoded.bytes);
        result.files++;
        result.bytes += encoded.bytes.length;
        result.samples += encoded.header.samples;
        if (full) {
          result.fullFiles++;
          this.hostState.set(host, { deltas: 0, deltaBytes: 0, fullBytes: encoded.bytes.length });
          await this.deleteOlder(dir, time);
        } else if (state) {
          state.deltas++;
          state.deltaBytes += encoded.bytes.length;
        }
      } catch (error) {
        encoded.undo();
        if (full) this.hostState.delete(host);
        result.failed++;
        this.store.logger.error({ err: error, cluster: host.cluster.name, host: host.name }, "metric store: writing a checkpoint failed; retrying next interval");
      }
    }
    for (const host of this.hostState.keys()) {
      if (host.cluster.hosts.get(host.name) !== host) this.hostState.delete(host);
    }
    await this.deleteExpired().catch((error: unknown) => this.store.logger.warn({ err: error }, "metric store: cleaning up old checkpoints failed"));
    return result;
  }

  /** Deletes a host's checkpoint files older than `time` (a full file at `time` replaces them). */
  private async deleteOlder(dir: string, time: number): Promise<void> {
    const { files } = await listCheckpointFiles(dir);
    for (const file of files) if (file.time < time) await rm(path.join(dir, file.name), { force: true });
  }

  /** Deletes files taken before the retention window (all their samples are older) and empty host directories. */
  private async deleteExpired(): Promise<void> {
    const cutoff = this.store.retentionStart();
    for (const cluster of await listDirectories(this.dir)) {
      for (const host of await listDirectories(path.join(this.dir, cluster))) {
        const dir = hostDirectory(this.dir, cluster, host);
        const { files } = await listCheckpointFiles(dir);
        let kept = files.length;
        for (const file of files) {
          if (file.time < cutoff) {
            await rm(path.join(dir, file.name), { force: true });
            kept--;
          }
        }
        if (kept === 0) await rmdir(dir).catch(() => undefined);
      }
    }
  }

  /**
   * Loads the checkpoints within the retention window into the store: per host the newest full file
   * and the deltas after it. Unreadable files are skipped with a warning; leftover temporary files
   * and expired files are deleted.
   */
  async restore(): Promise<RestoreResult> {
    const result: RestoreResult = { files: 0, hosts: 0, samples: 0, skippedFiles: 0 };
    const now = this.store.nowSeconds();
    const cutoff = this.store.retentionStart(now);
    for (const cluster of await listDirectories(this.dir)) {
      const clusterData = this.store.cluster(cluster);
      if (!clusterData) {
        this.store.logger.warn({ cluster }, "metric store: checkpoints of a cluster that is not configured are ignored");
        continue;
      }
      for (const host of await listDirectories(path.join(this.dir, cluster))) {
        const dir = hostDirectory(this.dir, cluster, host);
        const { files, temporary } = await listCheckpointFiles(dir);
        for (const name of temporary) await rm(path.join(dir, name), { force: true });
        for (const file of files) if (file.time > this.lastTime) this.lastTime = file.time;
        const live = files.filter((f) => f.time >= cutoff);
        for (const file of files) if (file.time < cutoff) await rm(path.join(dir, file.name), { force: true });
        let newestFull = -1;
        live.forEach((f, i) => {
          if (f.kind === "full") newestFull = i;
        });
        const load = newestFull >= 0 ? live.slice(newestFull) : live;
        let restoredHost = false;
        for (const file of load) {
          const samples = await this.loadFile(path.join(dir, file.name), cluster, host, cutoff).catch((error: unknown) => {
            this.store.logger.warn({ err: error, file: path.join(dir, file.name) }, "metric store: skipping unreadable checkpoint file");
            return -1;
          });
          if (samples < 0) {
            result.skippedFiles++;
            continue;
          }
          result.files++;
          result.samples += samples;
          restoredHost ||= samples > 0;
        }
        if (restoredHost) result.hosts++;
      }
    }
    this.store.logger.info({ ...result }, "metric store: checkpoints restored");
    return result;
  }

  private async loadFile(file: string, cluster: string, host: string, cutoff: number): Promise<number> {
    const { header, values } = decodeHostCheckpoint(await readFile(file));
    if (header.cluster !== cluster || header.host !== host) throw new Error(`file belongs to ${header.cluster}/${header.host}`);
    const clusterData = this.store.cluster(cluster)!;
    let offset = 0;
    let restored = 0;
    const unknown = new Set<string>();
    for (const entry of header.series) {
      const metric = clusterData.metrics.get(entry.metric);
      const length = entry.ranges.reduce((n, r) => n + r[1], 0);
      if (!metric) {
        unknown.add(entry.metric);
        offset += length;
        continue;
      }
      const series = this.store.resolveSeries(clusterData, host, metric, entry.type, entry.id);
      const minSlot = Math.floor(cutoff / series.timestep);
      for (const [start, count] of entry.ranges) {
        const part = values.subarray(offset, offset + count);
        offset += count;
        if (entry.timestep === series.timestep) {
          restored += this.store.restoreRange(series, start, part, minSlot);
        } else {
          // The metric's timestep changed since: put each sample in the slot of its time.
          for (let k = 0; k < part.length; k++) {
            const slot = Math.floor(((start + k) * entry.timestep) / series.timestep);
            restored += this.store.restoreRange(series, slot, part.subarray(k, k + 1), minSlot);
          }
        }
      }
    }
    if (unknown.size > 0) this.store.logger.warn({ file, metrics: [...unknown] }, "metric store: checkpointed metrics that are no longer configured were skipped");
    return restored;
  }
}

/** Writes `<dir>/<name>` via a synced temporary file and a rename. */
async function writeAtomically(dir: string, name: string, bytes: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${name}${TEMP_MARK}${process.pid}`);
  const handle = await open(temp, "w", 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path.join(dir, name));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
