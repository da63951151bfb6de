/**
 * Chunk memory: chunks are slices of large typed arrays ("slabs", 256 chunks each), handed out and
 * taken back through a free list. One allocation per 256 chunks instead of one ArrayBuffer each
 * keeps allocation and garbage collection cheap, and freed chunks are reused without touching fresh
 * memory. Slabs whose chunks are all free are given back by trim().
 */
import type { SampleArray } from "./series.js";

export class Slab {
  used = 0;
  /** Chunks handed out from the never-used tail. */
  bumped = 0;
  constructor(readonly data: SampleArray) {}
}

export interface ChunkMemory {
  slab: Slab;
  /** Index of the chunk's first cell in slab.data. */
  base: number;
}

export class ChunkPool {
  private readonly slabs: Slab[] = [];
  private free: ChunkMemory[] = [];
  private current: Slab | undefined;

  constructor(
    readonly chunkSlots: number,
    readonly precision: "float64" | "float32",
    readonly slabChunks = 256,
  ) {}

  get bytesPerChunk(): number {
    return this.chunkSlots * (this.precision === "float32" ? 4 : 8);
  }

  /** Bytes of all slabs, used or free. */
  get reservedBytes(): number {
    return this.slabs.length * this.slabChunks * this.bytesPerChunk;
  }

  /** A chunk's memory, every cell NaN. */
  allocate(): ChunkMemory {
    let memory = this.free.pop();
    if (!memory) {
      let slab = this.current;
      if (!slab || slab.bumped === this.slabChunks) {
        const cells = this.slabChunks * this.chunkSlots;
        slab = new Slab(this.precision === "float32" ? new Float32Array(cells) : new Float64Array(cells));
        this.slabs.push(slab);
        this.current = slab;
      }
      memory = { slab, base: slab.bumped * this.chunkSlots };
      slab.bumped++;
    }
    memory.slab.used++;
    memory.slab.data.fill(Number.NaN, memory.base, memory.base + this.chunkSlots);
    return memory;
  }

  release(memory: ChunkMemory): void {
    memory.slab.used--;
    this.free.push(memory);
  }

  /** Gives back slabs without used chunks when more than two slabs' worth of chunks are free. */
  trim(): number {
    if (this.free.length <= 2 * this.slabChunks) return 0;
    const empty = new Set(this.slabs.filter((s) => s.used === 0 && s !== this.current));
    if (empty.size === 0) return 0;
    this.free = this.free.filter((m) => !empty.has(m.slab));
    for (let i = this.slabs.length - 1; i >= 0; i--) if (empty.has(this.slabs[i]!)) this.slabs.splice(i, 1);
    return empty.size;
  }
}
