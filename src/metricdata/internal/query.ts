/**
 * Range reads over the store: one series, or several combined with the metric's aggregation (sum,
 * or avg = sum / number of series), plus NaN-ignoring statistics. Times are Unix seconds; a range
 * [from, to) covers the slots floor(from/timestep) … ceil(to/timestep) - 1.
 *
 * Combining follows cc-metric-store: only series that exist take part, and a slot missing in one of
 * them (NaN) is missing in the result.
 */
import type { MetricScope } from "../scopes.js";
import type { Series } from "./series.js";
import type { MetricStore } from "./store.js";

export interface RangeData {
  /** Time of data[0] (slot-aligned). */
  from: number;
  /** Time just after the last value: from + data.length * timestep. */
  to: number;
  timestep: number;
  /** NaN where no sample exists. */
  data: Float64Array;
}

export interface Statistics {
  avg: number;
  min: number;
  max: number;
  /** Values that were not NaN; avg/min/max are NaN when 0. */
  count: number;
}

/** Copies the series' slots [fromSlot, toSlot) into out[offset...]; cells without data are left as they are. */
export function readInto(series: Series, fromSlot: number, toSlot: number, out: Float64Array, offset = 0): void {
  const chunks = series.chunks;
  for (let k = series.chunkIndexAfter(fromSlot); k < chunks.length; k++) {
    const chunk = chunks[k]!;
    if (chunk.start >= toSlot) break;
    const a = Math.max(fromSlot, chunk.start);
    const b = Math.min(toSlot, chunk.end);
    out.set(chunk.cells(a - chunk.start, b - chunk.start), offset + a - fromSlot);
  }
}

export interface CombineOptions {
  /** Start the data at `from` even where no series has samples yet (NaN-padded); default: at the first sample. */
  pad?: boolean;
  /**
   * Return the data in a buffer shared by all calls (no allocation): valid only until the next
   * combine() with `reuse`. For callers that copy it out at once (into JSON-ready arrays).
   */
  reuse?: boolean;
}

/** Grow-only scratch buffers: [0] for results with `reuse`, [1] for the series being added. */
const scratch = [new Float64Array(4096), new Float64Array(4096)];

function scratchBuffer(which: 0 | 1, length: number): Float64Array {
  let buffer = scratch[which]!;
  if (buffer.length < length) {
    buffer = new Float64Array(Math.max(length, buffer.length * 2));
    scratch[which] = buffer;
  }
  return buffer.subarray(0, length);
}

/**
 * The series combined over [from, to): undefined when `series` is empty. The data ends at the last
 * slot any of them has written (never beyond `to`); it is empty when none has data in the range.
 */
export function combine(series: Series[], from: number, to: number, aggregation: "sum" | "avg", options: CombineOptions = {}): RangeData | undefined {
  const first = series[0];
  if (!first) return undefined;
  const timestep = first.timestep;
  const fromSlot = Math.floor(from / timestep);
  const toSlot = Math.max(fromSlot, Math.ceil(to / timestep));
  let firstWritten = Number.POSITIVE_INFINITY;
  let lastWritten = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    if (s.firstSlot < firstWritten) firstWritten = s.firstSlot;
    if (s.lastSlot > lastWritten) lastWritten = s.lastSlot;
  }
  const start = options.pad ? fromSlot : Math.max(fromSlot, firstWritten);
  const stop = Math.min(toSlot, lastWritten + 1);
  if (!(stop > start)) {
    const at = (Number.isFinite(start) ? Math.min(start, toSlot) : fromSlot) * timestep;
    return { from: at, to: at, timestep, data: new Float64Array(0) };
  }
  const length = stop - start;
  const out = (options.reuse ? scratchBuffer(0, length) : new Float64Array(length)).fill(Number.NaN);
  readInto(first, start, stop, out);
  if (series.length > 1) {
    const tmp = scratchBuffer(1, length);
    for (let k = 1; k < series.length; k++) {
      tmp.fill(Number.NaN);
      readInto(series[k]!, start, stop, tmp);
      for (let i = 0; i < length; i++) out[i]! += tmp[i]!;
    }
    if (aggregation === "avg") {
      const n = series.length;
      for (let i = 0; i < length; i++) out[i]! /= n;
    }
  }
  return { from: start * timestep, to: stop * timestep, timestep, data: out };
}

/** avg/min/max over the values that are not NaN. */
export function statistics(data: ArrayLike<number>): Statistics {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) {
    const x = data[i]!;
    if (x !== x) continue;
    count++;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (count === 0) return { avg: Number.NaN, min: Number.NaN, max: Number.NaN, count };
  return { avg: sum / count, min, max, count };
}

/**
 * A JSON-ready copy: NaN becomes null. Without NaN the array holds only doubles, which V8 stores
 * unboxed; a null forces every number into a heap object, so that case is taken only when needed.
 */
export function toNullable(data: ArrayLike<number>): (number | null)[] {
  const n = data.length;
  let gaps = false;
  for (let i = 0; i < n; i++) {
    if (data[i] !== data[i]) {
      gaps = true;
      break;
    }
  }
  if (!gaps) {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = data[i]!;
    return out;
  }
  const out = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const x = data[i]!;
    out[i] = x === x ? x : null;
  }
  return out;
}

/**
 * The stored series of a host for one metric.
 * - type given: the series of those ids (all of that type when `typeIds` is undefined);
 * - no type: the node series if there is one, else every series at the metric's native scope, else
 *   every series of the coarsest type the host has for the metric.
 * Ids without data are left out.
 */
export function selectSeries(store: MetricStore, cluster: string, host: string, metric: string, type?: MetricScope, typeIds?: string[]): Series[] {
  const hostData = store.host(cluster, host);
  if (!hostData) return [];
  const all = hostData.byMetric.get(metric);
  if (!all) return [];
  if (type === "node") {
    const node = store.series(cluster, host, metric, "node", "");
    return node ? [node] : [];
  }
  if (type !== undefined) {
    if (typeIds === undefined) return all.filter((s) => s.type === type);
    const out: Series[] = [];
    for (const id of typeIds) {
      const s = store.series(cluster, host, metric, type, id);
      if (s) out.push(s);
    }
    return out;
  }
  const node = store.series(cluster, host, metric, "node", "");
  if (node) return [node];
  const native = all[0]!.metric.scope;
  const atNative = all.filter((s) => s.type === native);
  if (atNative.length > 0) return atNative;
  const order: MetricScope[] = ["socket", "memoryDomain", "core", "hwthread", "accelerator"];
  for (const scope of order) {
    const found = all.filter((s) => s.type === scope);
    if (found.length > 0) return found;
  }
  return [];
}
