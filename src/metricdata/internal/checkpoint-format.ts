/**
 * The checkpoint file of one host: a JSON header naming each series and the slot ranges it holds,
 * followed by the samples as little-endian float64 (or float32) in header order.
 *
 *     "CCMSCKP1" | u32 header bytes | u32 CRC-32 of header and samples | header JSON | pad to 8 | samples
 *
 * A "full" file holds every sample of the host; a "delta" file the cells written since the previous
 * checkpoint. NaN cells inside a range are gaps and are skipped on restore.
 */
import { crc32 } from "node:zlib";
import type { MetricScope } from "../scopes.js";
import { isMetricScope } from "../scopes.js";
import type { Chunk, HostData, Series } from "./series.js";

const MAGIC = Buffer.from("CCMSCKP1", "latin1");
const PREFIX = MAGIC.length + 8;

export type CheckpointKind = "full" | "delta";

export interface CheckpointSeries {
  metric: string;
  type: MetricScope;
  id: string;
  timestep: number;
  /** [first slot, number of slots] in sample order. */
  ranges: [number, number][];
}

export interface CheckpointHeader {
  version: 1;
  kind: CheckpointKind;
  cluster: string;
  host: string;
  /** Unix seconds the checkpoint was taken. */
  time: number;
  precision: 32 | 64;
  samples: number;
  series: CheckpointSeries[];
}

export interface EncodedCheckpoint {
  bytes: Buffer;
  header: CheckpointHeader;
  /** Marks the taken cells dirty again, for when the file could not be written. */
  undo: () => void;
}

/**
 * Encodes a host's samples: all of them ("full") or those in each series' dirty range ("delta"),
 * and marks the series clean. Undefined when there is nothing to write.
 */
export function encodeHostCheckpoint(host: HostData, kind: CheckpointKind, time: number, precision: 32 | 64): EncodedCheckpoint | undefined {
  const entries: CheckpointSeries[] = [];
  const pieces: { chunk: Chunk; lo: number; hi: number }[] = [];
  const taken: { series: Series; lo: number; hi: number }[] = [];
  let samples = 0;
  for (const series of host.series.values()) {
    const dirtyLo = series.dirtyLo;
    const dirtyHi = series.dirtyHi;
    if (dirtyLo <= dirtyHi) taken.push({ series, lo: dirtyLo, hi: dirtyHi });
    series.markClean();
    if (kind === "delta" && dirtyLo > dirtyHi) continue;
    const ranges: [number, number][] = [];
    for (const chunk of series.chunks) {
      let lo = 0;
      let hi = chunk.length - 1;
      if (kind === "delta") {
        if (chunk.end <= dirtyLo || chunk.start > dirtyHi) continue;
        lo = Math.max(0, dirtyLo - chunk.start);
        hi = Math.min(chunk.length - 1, dirtyHi - chunk.start);
      }
      // Leave out NaN cells at both ends.
      const cells = chunk.cells();
      while (lo <= hi && cells[lo] !== cells[lo]) lo++;
      while (hi >= lo && cells[hi] !== cells[hi]) hi--;
      if (hi < lo) continue;
      const start = chunk.start + lo;
      const length = hi - lo + 1;
      const previous = ranges[ranges.length - 1];
      if (previous && previous[0] + previous[1] === start) previous[1] += length;
      else ranges.push([start, length]);
      pieces.push({ chunk, lo, hi });
      samples += length;
    }
    if (ranges.length > 0) entries.push({ metric: series.metric.name, type: series.type, id: series.typeId, timestep: series.timestep, ranges });
  }
  const undo = () => {
    for (const t of taken) t.series.markDirty(t.lo, t.hi);
  };
  if (samples === 0) return undefined;
  const header: CheckpointHeader = { version: 1, kind, cluster: host.cluster.name, host: host.name, time, precision, samples, series: entries };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const dataOffset = align8(PREFIX + headerBytes.length);
  const width = precision === 32 ? 4 : 8;
  const bytes = Buffer.alloc(dataOffset + samples * width);
  MAGIC.copy(bytes, 0);
  bytes.writeUInt32LE(headerBytes.length, MAGIC.length);
  headerBytes.copy(bytes, PREFIX);
  // A fresh Buffer.alloc of this size is its own 8-aligned ArrayBuffer.
  const values = precision === 32 ? new Float32Array(bytes.buffer, bytes.byteOffset + dataOffset, samples) : new Float64Array(bytes.buffer, bytes.byteOffset + dataOffset, samples);
  let at = 0;
  for (const { chunk, lo, hi } of pieces) {
    values.set(chunk.cells(lo, hi + 1), at);
    at += hi - lo + 1;
  }
  bytes.writeUInt32LE(crc32(bytes.subarray(PREFIX)), MAGIC.length + 4);
  return { bytes, header, undo };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

export class CheckpointFormatError extends Error {}

export interface DecodedCheckpoint {
  header: CheckpointHeader;
  /** The samples of header.series[i].ranges[j], in order. */
  values: Float64Array | Float32Array;
}

function fail(message: string): never {
  throw new CheckpointFormatError(message);
}

function isInteger(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value);
}

/** Decodes and checks a checkpoint file (magic, checksum, header shape, lengths). */
export function decodeHostCheckpoint(bytes: Buffer): DecodedCheckpoint {
  if (bytes.length < PREFIX || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) fail("not a checkpoint file");
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const checksum = bytes.readUInt32LE(MAGIC.length + 4);
  if (PREFIX + headerLength > bytes.length) fail("truncated header");
  if (crc32(bytes.subarray(PREFIX)) !== checksum) fail("checksum mismatch");
  let header: CheckpointHeader;
  try {
    header = JSON.parse(bytes.toString("utf8", PREFIX, PREFIX + headerLength)) as CheckpointHeader;
  } catch {
    fail("malformed header");
  }
  if (header.version !== 1) fail(`unsupported version ${String(header.version)}`);
  if (header.kind !== "full" && header.kind !== "delta") fail("bad kind");
  if (typeof header.cluster !== "string" || typeof header.host !== "string" || !isInteger(header.time)) fail("bad header");
  if (header.precision !== 32 && header.precision !== 64) fail("bad precision");
  if (!isInteger(header.samples) || header.samples < 0 || !Array.isArray(header.series)) fail("bad header");
  let total = 0;
  for (const s of header.series) {
    if (typeof s.metric !== "string" || typeof s.id !== "string" || !isMetricScope(s.type) || !isInteger(s.timestep) || s.timestep <= 0 || !Array.isArray(s.ranges)) fail("bad series entry");
    for (const r of s.ranges) {
      if (!Array.isArray(r) || !isInteger(r[0]) || !isInteger(r[1]) || r[0] < 0 || r[1] <= 0) fail("bad range");
      total += r[1];
    }
  }
  if (total !== header.samples) fail("sample count mismatch");
  const dataOffset = align8(PREFIX + headerLength);
  const width = header.precision === 32 ? 4 : 8;
  if (bytes.length !== dataOffset + total * width) fail("truncated samples");
  // Copy into an aligned buffer: the file's Buffer may start at any offset.
  const raw = new ArrayBuffer(total * width);
  bytes.copy(new Uint8Array(raw), 0, dataOffset);
  const values = header.precision === 32 ? new Float32Array(raw) : new Float64Array(raw);
  return { header, values };
}
