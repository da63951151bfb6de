import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeHostCheckpoint } from "../../src/metricdata/internal/checkpoint-format.ts";
import { hostDirectory } from "../../src/metricdata/internal/checkpoint.ts";
import { ingestLines } from "../../src/metricdata/internal/ingest.ts";
import { openMetricStore, type OpenMetricStoreOptions } from "../../src/metricdata/internal/open.ts";
import { combine, selectSeries } from "../../src/metricdata/internal/query.ts";
import type { MetricStore } from "../../src/metricdata/internal/store.ts";
import { captureLogger } from "../helpers/logger.ts";
import { tempDir } from "../helpers/tmp.ts";
import { CLUSTER, clock, line, NOW } from "./fixtures.ts";

const C = "testcluster";

function open(dir: string, time: ReturnType<typeof clock>, options: Partial<OpenMetricStoreOptions> = {}) {
  return openMetricStore({ clusters: [CLUSTER], now: time.now, checkpointDir: dir, checkpointIntervalSeconds: 3600, ...options });
}

function dump(store: MetricStore): Record<string, (number | null)[]> {
  const out: Record<string, (number | null)[]> = {};
  for (const host of store.hostNames(C)) {
    for (const series of store.host(C, host)!.series.values()) {
      const range = combine([series], NOW - 48 * 3600, NOW + 7200, "sum")!;
      out[`${host}/${series.metric.name}/${series.type}${series.typeId}@${range.from}`] = Array.from(range.data, (x) => (Number.isNaN(x) ? null : x));
    }
  }
  return out;
}

function fill(store: MetricStore, from: number, to: number, value = 1): void {
  const lines: string[] = [];
  for (let t = from; t <= to; t += 60) {
    for (const host of ["n1", "n2"]) {
      lines.push(line("cpu_load", host, value + (t - from) / 60, t));
      lines.push(line("flops_any", host, value * 2, t, { type: "core", "type-id": "3" }));
    }
    lines.push(line("mem_used", "n1", 0.1 + t, t + 7));
  }
  expect(ingestLines(store, lines.join("\n"), { cluster: C }).rejected).toBe(0);
}

describe("checkpoints", () => {
  it("close() writes a checkpoint that a new store restores exactly", async () => {
    const dir = tempDir();
    const time = clock();
    const first = await open(dir, time);
    fill(first.store, NOW - 3600, NOW);
    first.store.write(C, "n2", "cpu_load", undefined, NOW - 7 * 3600, 42); // a gap before
    const before = dump(first.store);
    await first.store.close();
    expect(readdirSync(path.join(dir, C)).sort()).toEqual(["n1", "n2"]);
    expect(readdirSync(path.join(dir, C, "n1"))).toEqual([`${NOW}-full.bin`]);

    const second = await open(dir, time);
    expect(dump(second.store)).toEqual(before);
    expect(second.restored).toMatchObject({ hosts: 2, files: 2, skippedFiles: 0 });
    expect(second.store.stats().samples).toBe(first.store.stats().samples);
    await second.store.close();
  });

  it("after a crash restores the last checkpoint: full file plus deltas", async () => {
    const dir = tempDir();
    const time = clock(NOW - 1800);
    const first = await open(dir, time);
    fill(first.store, NOW - 3600, NOW - 1800);
    expect(await first.checkpointer!.checkpoint()).toMatchObject({ files: 2, fullFiles: 2, failed: 0 });
    time.set(NOW - 900);
    fill(first.store, NOW - 1740, NOW - 900, 100);
    // A late sample into the already checkpointed range.
    first.store.write(C, "n1", "cpu_load", undefined, NOW - 3000, -5);
    const run = await first.checkpointer!.checkpoint();
    expect(run).toMatchObject({ files: 2, fullFiles: 0 });
    const atCheckpoint = dump(first.store);
    time.set(NOW);
    fill(first.store, NOW - 840, NOW, 1000); // lost in the crash
    expect(readdirSync(path.join(dir, C, "n1")).sort()).toEqual([`${NOW - 1800}-full.bin`, `${NOW - 900}-delta.bin`]);
    const delta = decodeHostCheckpoint(readFileSync(path.join(dir, C, "n1", `${NOW - 900}-delta.bin`)));
    expect(delta.header.kind).toBe("delta");
    // The crash: no close(). A new store on the same directory.
    const second = await open(dir, time);
    expect(dump(second.store)).toEqual(atCheckpoint);
    await second.store.close();
  });

  it("writes a full file again when deltas grow and deletes what it replaces", async () => {
    const dir = tempDir();
    const time = clock(NOW - 3000);
    const { store, checkpointer } = await open(dir, time);
    fill(store, NOW - 3600, NOW - 3000);
    await checkpointer!.checkpoint();
    for (let t = NOW - 2940; t <= NOW; t += 60) {
      time.set(t);
      store.write(C, "n1", "cpu_load", undefined, t, t);
      await checkpointer!.checkpoint();
    }
    const files = readdirSync(path.join(dir, C, "n1")).sort();
    expect(files.filter((f) => f.endsWith("-full.bin")).length).toBe(1);
    expect(files.length).toBeLessThan(50);
    const before = dump(store);
    await store.close();
    const again = await open(dir, time);
    expect(dump(again.store)).toEqual(before);
    await again.store.close();
  });

  it("skips what is outside the retention window and deletes expired files", async () => {
    const dir = tempDir();
    const time = clock(NOW - 3 * 3600);
    const first = await open(dir, time, { retentionSeconds: 4 * 3600 });
    fill(first.store, NOW - 4 * 3600 + 60, NOW - 3 * 3600);
    await first.store.close();
    time.set(NOW);
    const second = await open(dir, time, { retentionSeconds: 4 * 3600 });
    const data = dump(second.store);
    const cpu = Object.entries(data).find(([k]) => k.startsWith("n1/cpu_load"))!;
    expect(Number(cpu[0].split("@")[1])).toBeGreaterThanOrEqual(NOW - 4 * 3600);
    expect(cpu[1].at(-1)).toBe(60);
    await second.store.close();
    time.set(NOW + 8 * 3600);
    const third = await open(dir, time, { retentionSeconds: 4 * 3600 });
    expect(third.store.hostNames(C)).toEqual([]);
    expect(readdirSync(path.join(dir, C, "n1"))).toEqual([]);
    await third.store.close();
  });

  it("skips corrupt files, deletes leftover temporary files and keeps float32 data", async () => {
    const dir = tempDir();
    const time = clock();
    const first = await open(dir, time, { precision: "float32" });
    fill(first.store, NOW - 600, NOW);
    const before = dump(first.store);
    await first.store.close();
    const hostDir = path.join(dir, C, "n1");
    const [full] = readdirSync(hostDir);
    const bytes = readFileSync(path.join(hostDir, full!));
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path.join(hostDir, `${NOW + 1}-delta.bin`), bytes);
    writeFileSync(path.join(hostDir, `.${NOW + 2}-full.bin.tmp-123`), "partial");
    const { logger, messages } = captureLogger();
    const second = await open(dir, time, { precision: "float32", logger });
    expect(second.restored).toMatchObject({ skippedFiles: 1 });
    expect(messages()).toContain("metric store: skipping unreadable checkpoint file");
    expect(dump(second.store)).toEqual(before);
    expect(existsSync(path.join(hostDir, `.${NOW + 2}-full.bin.tmp-123`))).toBe(false);
    await second.store.close();
  });
});

describe("checkpoints across configuration changes", () => {
  it("puts samples into the new slots when a metric's timestep changed, and skips removed metrics", async () => {
    const dir = tempDir();
    const time = clock();
    const first = await open(dir, time);
    first.store.write(C, "n1", "cpu_load", undefined, NOW - 120, 1);
    first.store.write(C, "n1", "cpu_load", undefined, NOW - 60, 2);
    first.store.write(C, "n1", "ipc", { type: "hwthread", typeId: "0" }, NOW, 3);
    await first.store.close();
    const changed = {
      ...CLUSTER,
      metricConfig: CLUSTER.metricConfig.filter((m) => m.name !== "ipc").map((m) => (m.name === "cpu_load" ? { ...m, timestep: 30 } : m)),
    };
    const { logger, messages } = captureLogger();
    const second = await openMetricStore({ clusters: [changed], now: time.now, checkpointDir: dir, checkpointIntervalSeconds: 3600, logger });
    const range = combine(selectSeries(second.store, C, "n1", "cpu_load"), NOW - 120, NOW, "avg")!;
    expect({ timestep: range.timestep, data: Array.from(range.data) }).toEqual({ timestep: 30, data: [1, Number.NaN, 2] });
    expect(messages()).toContain("metric store: checkpointed metrics that are no longer configured were skipped");
    await second.store.close();
  });
});

describe("checkpoint paths", () => {
  it("are built only from valid names and stay inside the directory", () => {
    const root = "/var/ckp";
    expect(hostDirectory(root, "fritz", "f0101")).toBe("/var/ckp/fritz/f0101");
    for (const [cluster, host] of [
      ["..", "x"],
      ["fritz", ".."],
      ["fritz", "a/../../etc"],
      ["fritz", "/etc"],
      ["fritz", "a\\b"],
      ["fritz", ""],
      ["fritz", "."],
      ["", "x"],
      ["fritz", "x\u0000y"],
    ]) {
      expect(() => hostDirectory(root, cluster!, host!), `${cluster}/${host}`).toThrow(/checkpoint path/);
    }
  });

  it("a host with a bad name (bypassing ingest checks) is never written outside", async () => {
    const dir = path.join(tempDir(), "ckp");
    const time = clock();
    const { logger } = captureLogger();
    const { store, checkpointer } = await open(dir, time, { logger });
    const cluster = store.cluster(C)!;
    const series = store.resolveSeries(cluster, "../../escape", cluster.metrics.get("cpu_load")!, "node", "");
    store.writeSlot(series, Math.floor(NOW / 60), 1);
    store.write(C, "good", "cpu_load", undefined, NOW, 1);
    expect(await checkpointer!.checkpoint()).toMatchObject({ files: 1, failed: 1 });
    expect(readdirSync(path.dirname(dir)).sort()).toEqual(["ckp"]);
    expect(readdirSync(path.join(dir, C))).toEqual(["good"]);
    await store.close();
  });

  it("restore ignores directories with bad names and symlinks", async () => {
    const base = tempDir();
    const dir = path.join(base, "ckp");
    const outside = path.join(base, "outside", C, "evil");
    const time = clock();
    // A real checkpoint of host "evil" outside the directory, reachable through a symlink.
    const other = await open(path.join(base, "outside"), time);
    other.store.write(C, "evil", "cpu_load", undefined, NOW, 666);
    await other.store.close();
    expect(existsSync(outside)).toBe(true);
    mkdirSync(path.join(dir, C), { recursive: true });
    symlinkSync(outside, path.join(dir, C, "evil"));
    mkdirSync(path.join(dir, C, "bad\u0001name"));
    const { store } = await open(dir, time);
    expect(store.hostNames(C)).toEqual([]);
    await store.close();
  });
});
