import { describe, expect, it } from "vitest";
import { ingestLines } from "../../src/metricdata/internal/ingest.ts";
import { combine, selectSeries, statistics } from "../../src/metricdata/internal/query.ts";
import { captureLogger } from "../helpers/logger.ts";
import { clock, line, NOW, testStore } from "./fixtures.ts";

const C = "testcluster";

function read(store: ReturnType<typeof testStore>, metric: string, host: string, from: number, to: number, pad = false) {
  const info = store.metric(C, metric)!;
  const range = combine(selectSeries(store, C, host, metric), from, to, info.aggregation, { pad });
  return range && { from: range.from, to: range.to, timestep: range.timestep, data: Array.from(range.data) };
}

describe("storage and range reads", () => {
  it("returns what was written, aligned to timestep slots, with NaN for gaps", () => {
    const store = testStore();
    // 60 s metric: samples at -600 … 0 except -300 and -240; a jittered sample lands in its slot.
    for (const offset of [-600, -540, -480, -420, -360, -180, -120, -60, 0]) expect(store.write(C, "n1", "cpu_load", undefined, NOW + offset, offset)).toBeUndefined();
    expect(store.write(C, "n1", "cpu_load", undefined, NOW - 57, 99)).toBeUndefined(); // same slot as -60
    const r = read(store, "cpu_load", "n1", NOW - 600, NOW + 60)!;
    expect(r).toEqual({ from: NOW - 600, to: NOW + 60, timestep: 60, data: [-600, -540, -480, -420, -360, Number.NaN, Number.NaN, -180, -120, 99, 0] });
    expect(statistics(r.data)).toMatchObject({ min: -600, max: 99, count: 9 });
  });

  it("clips to the data unless padding is asked for, and answers empty outside it", () => {
    const store = testStore();
    store.write(C, "n1", "cpu_load", undefined, NOW - 120, 1);
    store.write(C, "n1", "cpu_load", undefined, NOW - 60, 2);
    expect(read(store, "cpu_load", "n1", NOW - 600, NOW + 600)).toMatchObject({ from: NOW - 120, to: NOW, data: [1, 2] });
    expect(read(store, "cpu_load", "n1", NOW - 300, NOW + 600, true)).toMatchObject({ from: NOW - 300, to: NOW, data: [Number.NaN, Number.NaN, Number.NaN, 1, 2] });
    expect(read(store, "cpu_load", "n1", NOW - 90, NOW - 60)).toMatchObject({ data: [1] });
    expect(read(store, "cpu_load", "n1", NOW + 60, NOW + 600)?.data).toEqual([]);
    expect(read(store, "cpu_load", "nobody", NOW - 600, NOW)).toBeUndefined();
  });

  it("spans chunks, including writes out of order and into older chunks", () => {
    const store = testStore({ chunkSlots: 8 });
    const times = Array.from({ length: 40 }, (_, i) => NOW - 39 * 60 + i * 60);
    const order = [...times.keys()].sort((a, b) => ((a * 17) % 40) - ((b * 17) % 40));
    for (const i of order) if (i % 9 !== 4) store.write(C, "n1", "cpu_load", undefined, times[i]!, i);
    const r = read(store, "cpu_load", "n1", times[0]!, NOW + 60)!;
    expect(r.data).toEqual(times.map((_, i) => (i % 9 === 4 ? Number.NaN : i)));
    expect(store.stats()).toMatchObject({ series: 1, samples: 36 });
  });

  it("keeps float32 samples with float32 precision", () => {
    const store = testStore({ precision: "float32" });
    store.write(C, "n1", "cpu_load", undefined, NOW, 0.1);
    expect(read(store, "cpu_load", "n1", NOW, NOW + 60)!.data[0]).toBe(Math.fround(0.1));
    expect(store.stats().allocatedBytes).toBeLessThan(testStore().stats().allocatedBytes + 512 * 4 + 10_000);
  });

  it("stays within 16 bytes per sample for a full retention window", () => {
    const store = testStore();
    const lines: string[] = [];
    for (let t = NOW - 47 * 3600; t <= NOW; t += 60) for (let h = 0; h < 4; h++) lines.push(line("cpu_load", `n${h}`, 1, t));
    expect(ingestLines(store, lines.join("\n"), { cluster: C }).rejected).toBe(0);
    const stats = store.stats();
    expect(stats.samples).toBe(lines.length);
    expect(stats.bytesPerSample).toBeLessThan(16);
  });
});

describe("retention", () => {
  it("drops chunks that ended before the window, then empty series and hosts", () => {
    const time = clock();
    const store = testStore({ now: time.now, retentionSeconds: 3600, chunkSlots: 8 });
    for (let t = NOW - 3540; t <= NOW; t += 60) store.write(C, "old", "cpu_load", undefined, t, t);
    store.write(C, "new", "cpu_load", undefined, NOW, 1);
    time.set(NOW + 1800);
    store.applyRetention();
    const r = read(store, "cpu_load", "old", NOW - 7200, NOW + 60)!;
    // Whole chunks of 8 slots go; the one holding NOW + 1800 - 3600 stays.
    expect(r.from).toBeLessThanOrEqual(NOW - 1800);
    expect(r.from).toBeGreaterThan(NOW - 1800 - 8 * 60);
    expect(r.data.at(-1)).toBe(NOW);
    time.set(NOW + 3600 + 8 * 60);
    store.applyRetention();
    expect(store.hostNames(C)).toEqual([]);
    expect(store.stats()).toMatchObject({ hosts: 0, series: 0, chunks: 0, samples: 0, allocatedBytes: 0 });
    // The ingest cache must not write into removed series.
    expect(ingestLines(store, line("cpu_load", "old", 5, NOW + 3600 + 8 * 60), { cluster: C }).accepted).toBe(1);
    expect(read(store, "cpu_load", "old", NOW + 3600, NOW + 7200)!.data).toEqual([5]);
  });
});

describe("memory cap", () => {
  it("drops the oldest chunks of all series first and warns", () => {
    const { logger, messages } = captureLogger();
    // One chunk = 8 slots * 8 bytes + overhead; cap fits a few chunks per host.
    const store = testStore({ chunkSlots: 8, memoryCapBytes: 2000, logger });
    for (let t = NOW - 40 * 60; t <= NOW; t += 60) {
      store.write(C, "a", "cpu_load", undefined, t, 1);
      store.write(C, "b", "cpu_load", undefined, t, 2);
    }
    const stats = store.stats();
    expect(stats.allocatedBytes).toBeLessThanOrEqual(2000);
    expect(stats.evictedChunks).toBeGreaterThan(0);
    expect(messages().some((m) => m.includes("memory cap reached"))).toBe(true);
    const a = read(store, "cpu_load", "a", NOW - 7200, NOW + 60)!;
    const b = read(store, "cpu_load", "b", NOW - 7200, NOW + 60)!;
    // Newest data survives on both hosts; both lost the same oldest part.
    expect(a.data.at(-1)).toBe(1);
    expect(b.data.at(-1)).toBe(2);
    expect(a.from).toBe(b.from);
    expect(a.from).toBeGreaterThan(NOW - 40 * 60);
  });
});
