/**
 * The data structures of the store: cluster → host → series (metric at one scope unit), each series a
 * time-ordered ring of fixed-size chunks. Samples sit in slots: slot = floor(time / timestep), so the
 * series of one metric on all hosts and scopes share one grid and aggregate without shifting. A
 * chunk holds `chunkSlots` consecutive slots starting at a multiple of `chunkSlots`; empty slots are NaN.
 */
import type { Unit } from "../../archive/generated/archive-types.js";
import type { MetricScope } from "../scopes.js";
import type { Slab } from "./chunk-pool.js";

export type SampleArray = Float64Array | Float32Array;

/** A metric of a cluster as the store needs it (from cluster.json's metricConfig). */
export interface MetricInfo {
  name: string;
  /** Seconds between samples: the slot width. */
  timestep: number;
  aggregation: "sum" | "avg";
  /** The scope the metric is measured at. */
  scope: MetricScope;
  unit: Unit;
}

export class Chunk {
  constructor(
    /** First slot. */
    readonly start: number,
    readonly slab: Slab,
    /** Index of the chunk's first cell in slab.data. */
    readonly base: number,
    readonly length: number,
  ) {}

  /** One past the last slot. */
  get end(): number {
    return this.start + this.length;
  }

  /** The chunk's cells (a view; NaN where nothing was written). */
  cells(from = 0, to = this.length): SampleArray {
    return this.slab.data.subarray(this.base + from, this.base + to);
  }

  /** Non-NaN cells. */
  count(): number {
    const data = this.slab.data;
    let n = 0;
    for (let i = this.base, end = this.base + this.length; i < end; i++) if (data[i] === data[i]) n++;
    return n;
  }

  /** Index of the first / last non-NaN cell, or -1. */
  firstWritten(): number {
    const data = this.slab.data;
    for (let i = 0; i < this.length; i++) if (data[this.base + i] === data[this.base + i]) return i;
    return -1;
  }

  lastWritten(): number {
    const data = this.slab.data;
    for (let i = this.length - 1; i >= 0; i--) if (data[this.base + i] === data[this.base + i]) return i;
    return -1;
  }
}

export class Series {
  /** Ordered by start, no two with the same start. */
  chunks: Chunk[] = [];
  /**
   * The newest chunk, where almost every write goes, unpacked so that a write touches only this
   * object and the slab: its slab's cells, the index of its first cell there, its first slot.
   */
  head: Chunk | undefined;
  headCells: SampleArray = EMPTY;
  headBase = 0;
  headStart = Number.NEGATIVE_INFINITY;
  /** The older chunk written last, and its index then (checked before use: chunks may have moved). */
  recent: Chunk | undefined;
  recentIndex = 0;
  /** Lowest and highest slot written and still held (firstSlot > lastSlot: empty). */
  firstSlot = Number.POSITIVE_INFINITY;
  lastSlot = Number.NEGATIVE_INFINITY;
  /** metric.timestep, kept here so that a write does not touch the metric. */
  readonly timestep: number;
  /** Slots written since the last checkpoint took this series (dirtyLo > dirtyHi: clean). */
  dirtyLo = Number.POSITIVE_INFINITY;
  dirtyHi = Number.NEGATIVE_INFINITY;

  constructor(
    readonly host: HostData,
    readonly metric: MetricInfo,
    readonly type: MetricScope,
    /** "" for node scope. */
    readonly typeId: string,
  ) {
    this.timestep = metric.timestep;
  }

  /** Index of the first chunk that ends after `slot` (binary search). */
  chunkIndexAfter(slot: number): number {
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.chunks[mid]!.end <= slot) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  setHead(chunk: Chunk | undefined): void {
    this.head = chunk;
    this.headCells = chunk ? chunk.slab.data : EMPTY;
    this.headBase = chunk ? chunk.base : 0;
    this.headStart = chunk ? chunk.start : Number.NEGATIVE_INFINITY;
  }

  /** After chunks were dropped: head and firstSlot follow the remaining chunks. */
  refresh(): void {
    this.setHead(this.chunks[this.chunks.length - 1]);
    const first = this.chunks[0];
    if (!first) {
      this.firstSlot = Number.POSITIVE_INFINITY;
      this.lastSlot = Number.NEGATIVE_INFINITY;
      this.dirtyLo = Number.POSITIVE_INFINITY;
      this.dirtyHi = Number.NEGATIVE_INFINITY;
      return;
    }
    if (this.firstSlot < first.start) {
      const at = first.firstWritten();
      this.firstSlot = at >= 0 ? first.start + at : first.end;
    }
    if (this.dirtyLo < first.start) this.dirtyLo = first.start;
  }

  markDirty(lo: number, hi: number): void {
    if (lo < this.dirtyLo) this.dirtyLo = lo;
    if (hi > this.dirtyHi) this.dirtyHi = hi;
  }

  markClean(): void {
    this.dirtyLo = Number.POSITIVE_INFINITY;
    this.dirtyHi = Number.NEGATIVE_INFINITY;
  }
}

const EMPTY = new Float64Array(0);

export class HostData {
  /** Keyed by seriesKey(metric, type, typeId). */
  readonly series = new Map<string, Series>();
  /** The same series grouped by metric name. */
  readonly byMetric = new Map<string, Series[]>();

  constructor(
    readonly cluster: ClusterData,
    readonly name: string,
  ) {}
}

export class ClusterData {
  readonly hosts = new Map<string, HostData>();

  constructor(
    readonly name: string,
    public metrics: Map<string, MetricInfo>,
  ) {}
}

export function seriesKey(metric: string, type: MetricScope, typeId: string): string {
  return `${metric}\u0000${type}\u0000${typeId}`;
}
