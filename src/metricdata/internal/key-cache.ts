/**
 * Raw line protocol series keys (measurement and tags as bytes) → what they resolved to, so that a
 * line whose key was seen before costs one hash probe and one byte comparison instead of decoding
 * tags into strings. Rejections are remembered too (an unknown metric stays unknown until the
 * cluster configuration changes, which clears every cache).
 *
 * An open-addressing table (hashes in an Int32Array) over entries whose key bytes live in one
 * arena, compared four bytes at a time. Before hashing, the caller tries the entry that followed
 * the previous line's entry last time (`next`, `last`): metric collectors send their lines in the
 * same order every interval, so that guess is usually right and costs one comparison.
 */
import type { Series } from "./series.js";

export interface KeyCacheEntry {
  /** Where the key's bytes are in the arena. */
  readonly offset: number;
  readonly length: number;
  readonly series: Series | undefined;
  /** Why lines with this key are rejected, when series is undefined. */
  readonly reason: string;
  /** The entry of the line that followed this one last time: collectors repeat their order every interval. */
  next: KeyCacheEntry | undefined;
}

const MIN_TABLE = 1024;

export class KeyCache {
  private hashes = new Int32Array(MIN_TABLE);
  private entries: (KeyCacheEntry | undefined)[] = new Array<KeyCacheEntry | undefined>(MIN_TABLE).fill(undefined);
  private mask = MIN_TABLE - 1;
  private count = 0;
  private arena = Buffer.alloc(64 * 1024);
  private arenaView = new DataView(this.arena.buffer, this.arena.byteOffset, this.arena.length);
  private arenaUsed = 0;

  /** The entry of the last line looked up (see `next`). */
  last: KeyCacheEntry | undefined;

  /** @param capacity entries kept before the cache starts over */
  constructor(private readonly capacity = 1 << 18) {}

  get size(): number {
    return this.count;
  }

  find(hash: number, buf: Buffer, view: DataView, start: number, end: number): KeyCacheEntry | undefined {
    const length = end - start;
    const hashes = this.hashes;
    const entries = this.entries;
    let index = hash & this.mask;
    for (;;) {
      const entry = entries[index];
      if (entry === undefined) return undefined;
      if (hashes[index] === hash && entry.length === length && this.equal(entry.offset, buf, view, start, length)) return entry;
      index = (index + 1) & this.mask;
    }
  }

  /** Whether `entry` is the key buf[start, end). */
  matches(entry: KeyCacheEntry, buf: Buffer, view: DataView, start: number, end: number): boolean {
    return entry.length === end - start && this.equal(entry.offset, buf, view, start, end - start);
  }

  private equal(offset: number, buf: Buffer, view: DataView, start: number, length: number): boolean {
    const arena = this.arenaView;
    let k = 0;
    for (; k + 4 <= length; k += 4) if (arena.getInt32(offset + k, true) !== view.getInt32(start + k, true)) return false;
    for (; k < length; k++) if (this.arena[offset + k] !== buf[start + k]) return false;
    return true;
  }

  add(hash: number, buf: Buffer, start: number, end: number, series: Series | undefined, reason: string): KeyCacheEntry {
    if (this.count >= this.capacity) this.clear();
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) this.growArena(length);
    buf.copy(this.arena, this.arenaUsed, start, end);
    const entry: KeyCacheEntry = { offset: this.arenaUsed, length, series, reason, next: undefined };
    this.arenaUsed += length;
    if ((this.count + 1) * 2 > this.entries.length) this.growTable();
    this.insert(hash, entry);
    this.count++;
    return entry;
  }

  private insert(hash: number, entry: KeyCacheEntry): void {
    let index = hash & this.mask;
    while (this.entries[index] !== undefined) index = (index + 1) & this.mask;
    this.entries[index] = entry;
    this.hashes[index] = hash;
  }

  private growTable(): void {
    const oldEntries = this.entries;
    const oldHashes = this.hashes;
    const size = oldEntries.length * 2;
    this.entries = new Array<KeyCacheEntry | undefined>(size).fill(undefined);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < oldEntries.length; i++) {
      const entry = oldEntries[i];
      if (entry !== undefined) this.insert(oldHashes[i]!, entry);
    }
  }

  private growArena(needed: number): void {
    const next = Buffer.alloc(Math.max(this.arena.length * 2, this.arenaUsed + needed));
    this.arena.copy(next, 0, 0, this.arenaUsed);
    this.arena = next;
    this.arenaView = new DataView(next.buffer, next.byteOffset, next.length);
  }

  clear(): void {
    this.hashes = new Int32Array(MIN_TABLE);
    this.entries = new Array<KeyCacheEntry | undefined>(MIN_TABLE).fill(undefined);
    this.mask = MIN_TABLE - 1;
    this.count = 0;
    this.arenaUsed = 0;
    this.last = undefined;
  }
}
