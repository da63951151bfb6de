/**
 * The embedded metric store: in-memory time series per cluster/host/scope/metric, kept for a
 * retention window and under a memory cap. Single-threaded like the rest of the server, so there are
 * no locks: a write or a query runs to completion before the next one starts.
 *
 * Ingest (ingest.ts), queries (query.ts, ccms-protocol.ts) and checkpoints (checkpoint.ts) work on
 * this class; openMetricStore (open.ts) puts them together.
 */
import type { MetricConfig } from "../../archive/generated/archive-types.js";
import { silentLogger, type Logger } from "../../log.js";
import { isMetricScope, type MetricScope } from "../scopes.js";
import { ChunkPool } from "./chunk-pool.js";
import { KeyCache } from "./key-cache.js";
import { nameProblem } from "./names.js";
import { Chunk, ClusterData, HostData, Series, seriesKey, type MetricInfo } from "./series.js";

/** What the store needs of a cluster.json: its name and metrics. */
export interface ClusterMetrics {
  name: string;
  metricConfig: Pick<MetricConfig, "name" | "timestep" | "aggregation" | "scope" | "unit">[];
}

export interface MetricStoreOptions {
  clusters: ClusterMetrics[];
  /** Samples older than this are dropped and refused. Default 48 h. */
  retentionSeconds?: number;
  /** Allocated sample memory above which the oldest chunks (of all series) are dropped; 0: no cap. */
  memoryCapBytes?: number;
  /** Slots per chunk. Default 256 (4 h 16 min at a 60 s timestep, 2 KiB in float64). */
  chunkSlots?: number;
  /** Storage per sample: float64 (default, exact) or float32 (half the memory, ~7 significant digits). */
  precision?: "float64" | "float32";
  /** Samples further ahead of the clock are refused. Default 3600 s. */
  maxFutureSeconds?: number;
  logger?: Logger;
  /** The clock, in milliseconds; for tests. */
  now?: () => number;
}

/** Estimated bytes of one chunk besides its samples (the Chunk object and its slot in the pool). */
export const CHUNK_OVERHEAD_BYTES = 96;
/** Estimated bytes of one series besides its chunks (object, map entries, key string). */
export const SERIES_OVERHEAD_BYTES = 320;

export interface MetricStoreStats {
  clusters: number;
  hosts: number;
  series: number;
  chunks: number;
  /** Stored (non-NaN) samples. */
  samples: number;
  /** The store's own accounting of its memory: chunks in use and series, with their estimated overhead. */
  allocatedBytes: number;
  /** Bytes of all chunk slabs, including free chunks kept for reuse. */
  reservedBytes: number;
  bytesPerSample: number;
  memoryCapBytes: number;
  /** Chunks dropped because of the memory cap since start. */
  evictedChunks: number;
}

const DAY = 86_400;

export class MetricStore {
  readonly retentionSeconds: number;
  readonly memoryCapBytes: number;
  readonly chunkSlots: number;
  readonly precision: "float64" | "float32";
  readonly maxFutureSeconds: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** Line protocol key caches, one per default cluster (see ingest.ts); cleared when series or configs go away. */
  readonly keyCaches = new Map<string, KeyCache>();

  private readonly clusterData = new Map<string, ClusterData>();
  private readonly pool: ChunkPool;
  private readonly chunkBytes: number;
  private readonly capLimit: number;
  private allocated = 0;
  private chunkCount = 0;
  private seriesCount = 0;
  private hostCount = 0;
  private evicted = 0;
  private timers: NodeJS.Timeout[] = [];
  private closeHooks: (() => Promise<void>)[] = [];
  private closing: Promise<void> | undefined;

  constructor(options: MetricStoreOptions) {
    this.retentionSeconds = options.retentionSeconds ?? 2 * DAY;
    this.memoryCapBytes = options.memoryCapBytes ?? 0;
    this.chunkSlots = options.chunkSlots ?? 256;
    this.precision = options.precision ?? "float64";
    this.maxFutureSeconds = options.maxFutureSeconds ?? 3600;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    if (!(this.retentionSeconds > 0)) throw new Error("metric store: retention must be positive");
    if (!Number.isInteger(this.chunkSlots) || this.chunkSlots < 8) throw new Error("metric store: chunkSlots must be an integer >= 8");
    this.pool = new ChunkPool(this.chunkSlots, this.precision);
    this.chunkBytes = this.pool.bytesPerChunk + CHUNK_OVERHEAD_BYTES;
    this.capLimit = this.memoryCapBytes > 0 ? this.memoryCapBytes : Number.POSITIVE_INFINITY;
    for (const cluster of options.clusters) this.configureCluster(cluster);
  }

  // ---- configuration -------------------------------------------------------------------------

  /** Adds a cluster or replaces its metric list. Series keep the timestep they were created with. */
  configureCluster(config: ClusterMetrics): void {
    const problem = nameProblem(config.name);
    if (problem) throw new Error(`metric store: cluster name "${config.name}" ${problem}`);
    const metrics = new Map<string, MetricInfo>();
    for (const m of config.metricConfig) {
      if (!(Number.isInteger(m.timestep) && m.timestep > 0)) throw new Error(`metric store: metric "${m.name}" of cluster "${config.name}" has an invalid timestep ${m.timestep}`);
      if (!isMetricScope(m.scope)) throw new Error(`metric store: metric "${m.name}" of cluster "${config.name}" has an unknown scope "${m.scope}"`);
      metrics.set(m.name, { name: m.name, timestep: m.timestep, aggregation: m.aggregation === "avg" ? "avg" : "sum", scope: m.scope, unit: m.unit });
    }
    const existing = this.clusterData.get(config.name);
    if (existing) existing.metrics = metrics;
    else this.clusterData.set(config.name, new ClusterData(config.name, metrics));
    this.invalidateKeyCaches();
  }

  cluster(name: string): ClusterData | undefined {
    return this.clusterData.get(name);
  }

  clusterNames(): string[] {
    return [...this.clusterData.keys()];
  }

  metric(cluster: string, metric: string): MetricInfo | undefined {
    return this.clusterData.get(cluster)?.metrics.get(metric);
  }

  /** Hosts of a cluster that hold data, sorted. */
  hostNames(cluster: string): string[] {
    return [...(this.clusterData.get(cluster)?.hosts.keys() ?? [])].sort();
  }

  host(cluster: string, host: string): HostData | undefined {
    return this.clusterData.get(cluster)?.hosts.get(host);
  }

  series(cluster: string, host: string, metric: string, type: MetricScope, typeId: string): Series | undefined {
    return this.host(cluster, host)?.series.get(seriesKey(metric, type, type === "node" ? "" : typeId));
  }

  /** The series, created (with its host) if needed. Names must have been validated by the caller. */
  resolveSeries(cluster: ClusterData, host: string, metric: MetricInfo, type: MetricScope, typeId: string): Series {
    let hostData = cluster.hosts.get(host);
    if (!hostData) {
      hostData = new HostData(cluster, host);
      cluster.hosts.set(host, hostData);
      this.hostCount++;
    }
    const id = type === "node" ? "" : typeId;
    const key = seriesKey(metric.name, type, id);
    let series = hostData.series.get(key);
    if (!series) {
      series = new Series(hostData, metric, type, id);
      hostData.series.set(key, series);
      const list = hostData.byMetric.get(metric.name);
      if (list) list.push(series);
      else hostData.byMetric.set(metric.name, [series]);
      this.seriesCount++;
      this.allocated += SERIES_OVERHEAD_BYTES;
    }
    return series;
  }

  // ---- writes ----------------------------------------------------------------------------------

  /** Seconds of the store's clock. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The oldest time (seconds) still inside the retention window. */
  retentionStart(nowSeconds = this.nowSeconds()): number {
    return nowSeconds - this.retentionSeconds;
  }

  /**
   * Stores one sample in its slot (a later sample for the same slot replaces the earlier one). The
   * caller checks value, time and names. This is the ingest hot path: it touches the series and
   * the slab cell, nothing else, unless the slot lies outside the head chunk.
   */
  writeSlot(series: Series, slot: number, value: number): void {
    const i = slot - series.headStart;
    if (i >= 0 && i < this.chunkSlots) {
      series.headCells[series.headBase + i] = value;
    } else {
      const chunk = this.chunkFor(series, slot);
      chunk.slab.data[chunk.base + slot - chunk.start] = value;
      if (this.allocated > this.capLimit) this.enforceMemoryCap();
    }
    if (slot > series.lastSlot) series.lastSlot = slot;
    if (slot < series.firstSlot) series.firstSlot = slot;
    if (slot < series.dirtyLo) series.dirtyLo = slot;
    if (slot > series.dirtyHi) series.dirtyHi = slot;
  }

  /**
   * Writes a sample by time; returns why it was refused, or undefined. For tests and tools; line
   * protocol goes through ingest.ts.
   */
  write(cluster: string, host: string, metric: string, scope: { type?: MetricScope; typeId?: string } | undefined, time: number, value: number): string | undefined {
    const clusterData = this.clusterData.get(cluster);
    if (!clusterData) return `unknown cluster "${cluster}"`;
    const info = clusterData.metrics.get(metric);
    if (!info) return `unknown metric "${metric}" for cluster "${cluster}"`;
    const problem = nameProblem(host);
    if (problem) return `host name ${problem}`;
    if (!Number.isFinite(value)) return "value is not a finite number";
    const now = this.nowSeconds();
    if (time > now + this.maxFutureSeconds) return "timestamp is in the future";
    if (time < this.retentionStart(now)) return "timestamp is older than the retention window";
    const type = scope?.type ?? "node";
    const typeId = scope?.typeId ?? "";
    if (type !== "node" && typeId === "") return `type "${type}" needs a type-id`;
    const series = this.resolveSeries(clusterData, host, info, type, typeId);
    this.writeSlot(series, Math.floor(time / series.timestep), value);
    return undefined;
  }

  /**
   * Puts restored samples (a checkpoint's range) into a series: NaN cells are skipped, the series
   * is not marked dirty, and slots before `minSlot` (outside retention) are ignored.
   */
  restoreRange(series: Series, startSlot: number, values: ArrayLike<number>, minSlot: number): number {
    let restored = 0;
    for (let k = 0; k < values.length; k++) {
      const value = values[k]!;
      const slot = startSlot + k;
      if (value !== value || slot < minSlot) continue;
      const chunk = this.chunkFor(series, slot);
      chunk.slab.data[chunk.base + slot - chunk.start] = value;
      if (slot > series.lastSlot) series.lastSlot = slot;
      if (slot < series.firstSlot) series.firstSlot = slot;
      restored++;
    }
    if (this.allocated > this.capLimit) this.enforceMemoryCap();
    return restored;
  }

  /** The chunk holding `slot`, created if needed. */
  private chunkFor(series: Series, slot: number): Chunk {
    const size = this.chunkSlots;
    const start = slot - (slot % size);
    const head = series.head;
    if (head && head.start === start) return head;
    // Late or re-sent samples tend to go to the same older chunk one after the other.
    const recent = series.recent;
    if (recent && recent.start === start && series.chunks[series.recentIndex] === recent) return recent;
    const chunks = series.chunks;
    let k = chunks.length - 1;
    while (k >= 0 && chunks[k]!.start > start) k--;
    if (k >= 0 && chunks[k]!.start === start) {
      series.recent = chunks[k];
      series.recentIndex = k;
      return chunks[k]!;
    }
    const memory = this.pool.allocate();
    const chunk = new Chunk(start, memory.slab, memory.base, size);
    if (k === chunks.length - 1) {
      chunks.push(chunk);
      series.setHead(chunk);
    } else {
      chunks.splice(k + 1, 0, chunk);
    }
    this.allocated += this.chunkBytes;
    this.chunkCount++;
    return chunk;
  }

  // ---- retention and memory cap ----------------------------------------------------------------

  /**
   * Drops chunks that end before the retention window, then series and hosts left empty. Returns
   * the number of chunks dropped.
   */
  applyRetention(nowSeconds = this.nowSeconds()): number {
    const cutoff = this.retentionStart(nowSeconds);
    let dropped = 0;
    let removedSeries = false;
    for (const cluster of this.clusterData.values()) {
      for (const [hostName, host] of cluster.hosts) {
        for (const [key, series] of host.series) {
          const ts = series.timestep;
          let n = 0;
          while (n < series.chunks.length && series.chunks[n]!.end * ts <= cutoff) n++;
          if (n > 0) {
            for (let k = 0; k < n; k++) this.release(series.chunks[k]!);
            series.chunks.splice(0, n);
            series.refresh();
            dropped += n;
          }
          if (series.chunks.length === 0) {
            host.series.delete(key);
            const list = host.byMetric.get(series.metric.name);
            if (list) {
              const rest = list.filter((s) => s !== series);
              if (rest.length > 0) host.byMetric.set(series.metric.name, rest);
              else host.byMetric.delete(series.metric.name);
            }
            this.seriesCount--;
            this.allocated -= SERIES_OVERHEAD_BYTES;
            removedSeries = true;
          }
        }
        if (host.series.size === 0) {
          cluster.hosts.delete(hostName);
          this.hostCount--;
        }
      }
    }
    // The key caches may point at removed series.
    if (removedSeries) this.invalidateKeyCaches();
    this.pool.trim();
    return dropped;
  }

  private release(chunk: Chunk): void {
    this.allocated -= this.chunkBytes;
    this.chunkCount--;
    this.pool.release(chunk);
  }

  /**
   * Over the memory cap: drops the chunks that end earliest, across all series, until 90 % of the
   * cap is reached, and warns. Series objects stay (the ingest caches point at them).
   */
  enforceMemoryCap(): void {
    if (this.allocated <= this.capLimit) return;
    const target = this.capLimit * 0.9;
    const bytesByEnd = new Map<number, number>();
    for (const cluster of this.clusterData.values()) {
      for (const host of cluster.hosts.values()) {
        for (const series of host.series.values()) {
          const ts = series.timestep;
          for (const chunk of series.chunks) {
            const end = chunk.end * ts;
            bytesByEnd.set(end, (bytesByEnd.get(end) ?? 0) + this.chunkBytes);
          }
        }
      }
    }
    const ends = [...bytesByEnd.keys()].sort((a, b) => a - b);
    let freeing = 0;
    let cutoff = Number.NEGATIVE_INFINITY;
    for (const end of ends) {
      if (this.allocated - freeing <= target) break;
      freeing += bytesByEnd.get(end)!;
      cutoff = end;
    }
    let dropped = 0;
    for (const cluster of this.clusterData.values()) {
      for (const host of cluster.hosts.values()) {
        for (const series of host.series.values()) {
          const ts = series.timestep;
          const before = series.chunks.length;
          const kept = series.chunks.filter((chunk) => {
            if (chunk.end * ts > cutoff) return true;
            this.release(chunk);
            return false;
          });
          if (kept.length !== before) {
            series.chunks = kept;
            series.refresh();
            dropped += before - kept.length;
          }
        }
      }
    }
    this.evicted += dropped;
    this.logger.warn(
      { memoryCapMB: Math.round(this.memoryCapBytes / 1048576), droppedChunks: dropped, droppedUpTo: new Date(cutoff * 1000).toISOString() },
      "metric store: memory cap reached, dropped the oldest samples",
    );
  }

  invalidateKeyCaches(): void {
    for (const cache of this.keyCaches.values()) cache.clear();
  }

  keyCache(defaultCluster: string): KeyCache {
    let cache = this.keyCaches.get(defaultCluster);
    if (!cache) {
      cache = new KeyCache();
      this.keyCaches.set(defaultCluster, cache);
    }
    return cache;
  }

  /** Counts the stored samples, so it costs a pass over all chunks. */
  stats(): MetricStoreStats {
    let samples = 0;
    for (const cluster of this.clusterData.values()) {
      for (const host of cluster.hosts.values()) for (const series of host.series.values()) for (const chunk of series.chunks) samples += chunk.count();
    }
    return {
      clusters: this.clusterData.size,
      hosts: this.hostCount,
      series: this.seriesCount,
      chunks: this.chunkCount,
      samples,
      allocatedBytes: this.allocated,
      reservedBytes: this.pool.reservedBytes,
      bytesPerSample: samples > 0 ? this.allocated / samples : 0,
      memoryCapBytes: this.memoryCapBytes,
      evictedChunks: this.evicted,
    };
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Runs the retention sweep every `intervalSeconds` (default: a tenth of the retention, 10 s to 10 min). */
  startMaintenance(intervalSeconds = Math.min(600, Math.max(10, this.retentionSeconds / 10))): void {
    const timer = setInterval(() => {
      try {
        this.applyRetention();
      } catch (error) {
        this.logger.error({ err: error }, "metric store: retention sweep failed");
      }
    }, intervalSeconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  /** Runs `hook` on close(), after the timers stopped (the checkpointer's final checkpoint). */
  onClose(hook: () => Promise<void>): void {
    this.closeHooks.push(hook);
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** Stops the timers and runs the close hooks (a final checkpoint). Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const timer of this.timers) clearInterval(timer);
      this.timers = [];
      for (const hook of this.closeHooks) await hook();
    })();
    return this.closing;
  }
}
