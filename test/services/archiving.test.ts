/**
 * The archiving worker on real parts: a migrated database of the run's engine (SQLite, MariaDB or
 * PostgreSQL) with its job writer, the embedded metric store filled through line protocol, and a file
 * archive that validates what it writes.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import type { ClusterConfig, JobData, JobMeta, MetricConfig } from "../../src/archive/generated/archive-types.ts";
import { jobRowFromMeta } from "../../src/archive/job-row-from-meta.ts";
import { jobDirectory, type JobKey } from "../../src/archive/paths.ts";
import { validateJobData, validateJobMeta } from "../../src/archive/validate.ts";
import type { JobRow } from "../../src/db/jobs/job-row.ts";
import type { JobWriter } from "../../src/db/sql/job-writer.ts";
import { silentLogger, type Logger } from "../../src/log.ts";
import { ingestLines } from "../../src/metricdata/internal/ingest.ts";
import { InternalMetricDataRepository } from "../../src/metricdata/internal/repository.ts";
import { MetricStore } from "../../src/metricdata/internal/store.ts";
import type { MetricDataRepositories } from "../../src/metricdata/repositories.ts";
import type { MetricDataRepository } from "../../src/metricdata/repository.ts";
import { ArchivingWorker, type ArchivingWorkerOptions } from "../../src/services/archiving/worker.ts";
import { readJson } from "../helpers/archive.ts";
import { freshDatabase } from "../helpers/db.ts";
import { captureLogger } from "../helpers/logger.ts";
import { queryDatabase } from "../helpers/test-engine.ts";
import { insertTestJob, openTestJobWriter } from "../helpers/test-writer.ts";
import { tempDir } from "../helpers/tmp.ts";
import { MAIN_SUBCLUSTER } from "../metricdata/fixtures.ts";

const C = "archcluster";
/** The store's clock; the jobs ran during the two hours before. A multiple of 60. */
const NOW = 1_700_000_040;
const START = NOW - 2 * 3600;
const DURATION = 3600;
const STEPS = DURATION / 60;
const CORES = ["0", "1", "2", "3"];
const SOCKETS = ["0", "1"];
const ACCELERATORS = ["acc0", "acc1"];

function metric(name: string, scope: string, aggregation: "sum" | "avg", unit: MetricConfig["unit"], extra: Partial<MetricConfig> = {}): MetricConfig {
  return { name, scope, aggregation, timestep: 60, unit, peak: 100, normal: 50, caution: 10, alert: 1, ...extra };
}

const CLUSTER: ClusterConfig = {
  name: C,
  metricConfig: [
    metric("cpu_load", "node", "avg", { base: "load" }),
    metric("mem_used", "node", "sum", { base: "B", prefix: "G" }),
    metric("flops_any", "core", "sum", { base: "F/s", prefix: "G" }),
    metric("mem_bw", "socket", "sum", { base: "B/s", prefix: "G" }),
    metric("net_bw", "node", "sum", { base: "B/s", prefix: "G" }),
    metric("acc_util", "accelerator", "avg", { base: "%" }),
    // Measured, but not on subcluster "main": never archived for its jobs.
    metric("ib_pkts", "node", "sum", { base: "packets/s" }, { subClusters: [{ name: "main", remove: true }] }),
  ],
  subClusters: [
    MAIN_SUBCLUSTER,
  ],
};

// ---- the samples, and what the test expects of them, computed here independently -------------------

const HOST_BASE: Record<string, number> = { a01: 10, a02: 40, a03: 70, a04: 100 };

/** The sample of a metric (at its native scope) at step k of the job; null: none was sent. */
function sample(name: string, host: string, id: string, k: number): number | null {
  const base = HOST_BASE[host]!;
  switch (name) {
    case "cpu_load":
      return k % 7 === 3 ? null : base / 10 + (k % 5);
    case "mem_used":
      return base + k;
    case "flops_any":
      return base + Number(id) * 3 + (k % 4);
    case "mem_bw":
      return base / 2 + Number(id) + (k % 3);
    case "net_bw":
      return (k % 6) + base / 100;
    case "acc_util":
      return id === "acc0" ? 50 + (k % 10) : 20 + base / 10;
    default:
      return 1;
  }
}

const NATIVE_IDS: Record<string, string[]> = { flops_any: CORES, mem_bw: SOCKETS, acc_util: ACCELERATORS };
const NATIVE_SCOPE: Record<string, string> = { flops_any: "core", mem_bw: "socket", acc_util: "accelerator" };

/** Line protocol for the hosts, from 10 minutes before the job to 10 minutes after it. */
function linesFor(hosts: string[], metrics = CLUSTER.metricConfig.map((m) => m.name)): string {
  const lines: string[] = [];
  for (const host of hosts) {
    for (const name of metrics) {
      for (let k = -10; k < STEPS + 10; k++) {
        for (const id of NATIVE_IDS[name] ?? [""]) {
          const value = sample(name, host, id, ((k % STEPS) + STEPS) % STEPS);
          if (value === null) continue;
          const tags = id === "" ? "" : `,type=${NATIVE_SCOPE[name]},type-id=${id}`;
          lines.push(`${name},hostname=${host}${tags} value=${value} ${START + k * 60}`);
        }
      }
    }
  }
  return lines.join("\n");
}

/** The node-scope series the archive should hold: sums of cores and sockets, the mean of the accelerators. */
function expectedNodeSeries(name: string, host: string): (number | null)[] {
  return Array.from({ length: STEPS }, (_, k) => {
    const ids = NATIVE_IDS[name];
    if (!ids) return sample(name, host, "", k);
    const values = ids.map((id) => sample(name, host, id, k)!);
    const sum = values.reduce((a, b) => a + b, 0);
    return name === "acc_util" ? sum / values.length : sum;
  });
}

function stats(data: (number | null)[]): { avg: number; min: number; max: number } {
  const values = data.filter((v): v is number => v !== null);
  return { avg: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

/** Per metric over the hosts: the mean of the hosts' averages, the overall min and max. */
function expectedJobStatistics(name: string, hosts: string[]): { avg: number; min: number; max: number } {
  const perHost = hosts.map((h) => stats(expectedNodeSeries(name, h)));
  return {
    avg: perHost.reduce((a, s) => a + s.avg, 0) / perHost.length,
    min: Math.min(...perHost.map((s) => s.min)),
    max: Math.max(...perHost.map((s) => s.max)),
  };
}

function expectClose(actual: { avg: number; min: number; max: number } | undefined, expected: { avg: number; min: number; max: number }): void {
  expect(actual).toBeDefined();
  expect(actual!.avg).toBeCloseTo(expected.avg, 9);
  expect(actual!.min).toBeCloseTo(expected.min, 9);
  expect(actual!.max).toBeCloseTo(expected.max, 9);
}

// ---- the parts -------------------------------------------------------------------------------------

const dir = tempDir("ccb-archiving-");
/** The database (SQLite file or server DSN) and its job writer. */
let db: string;
let writer: JobWriter;
let archive: FileArchive;
let clusters: ClusterRegistry;
let store: MetricStore;
let repository: InternalMetricDataRepository;
const workers: ArchivingWorker[] = [];

const repositories = (forCluster: (cluster: string) => MetricDataRepository | undefined): MetricDataRepositories => ({ forCluster, close: async () => {} });

beforeAll(async () => {
  db = await freshDatabase(dir);
  writer = await openTestJobWriter(db);
  archive = await FileArchive.create(path.join(dir, "archive"), { validate: true });
  await archive.storeClusterConfig(CLUSTER);
  clusters = await ClusterRegistry.load(archive);
  store = new MetricStore({ clusters: [CLUSTER], now: () => NOW * 1000 });
  const summary = ingestLines(store, linesFor(["a01", "a02", "a03"]), { cluster: C });
  expect(summary.rejected, JSON.stringify(summary.errors.slice(0, 3))).toBe(0);
  // a04 measures everything but mem_bw (a partial job); a05 measures nothing.
  expect(ingestLines(store, linesFor(["a04"], ["cpu_load", "mem_used", "flops_any", "net_bw"]), { cluster: C }).rejected).toBe(0);
  repository = new InternalMetricDataRepository(store, clusters);
});

afterAll(async () => {
  for (const worker of workers) await worker.close(1000);
  await writer?.close();
});

function newWorker(options: ArchivingWorkerOptions & { logger?: Logger; metricData?: MetricDataRepositories | null } = {}): ArchivingWorker {
  const { logger = silentLogger, metricData, ...rest } = options;
  const worker = new ArchivingWorker(
    { jobWriter: writer, archive, clusters, metricData: metricData === null ? undefined : (metricData ?? repositories((c) => (c === C ? repository : undefined))), logger },
    { retryDelaysMs: [20, 40], ...rest },
  );
  workers.push(worker);
  return worker;
}

let nextJobId = 4000;

async function insertJob(overrides: Partial<JobRow> = {}, tags: { type: string; name: string }[] = []): Promise<{ id: number; key: JobKey }> {
  const row: JobRow = {
    jobId: nextJobId++,
    cluster: C,
    subCluster: "main",
    startTime: START,
    user: "alice",
    project: "p1",
    partition: "batch",
    arrayJobId: null,
    duration: DURATION,
    walltime: 7200,
    jobState: "completed",
    metaData: JSON.stringify({ jobName: "sim", jobScript: "#!/bin/sh\n./sim" }),
    resources: JSON.stringify([{ hostname: "a01" }]),
    numNodes: 1,
    numHWThreads: 8,
    numAcc: null,
    smt: 1,
    exclusive: 1,
    monitoringStatus: 1,
    memUsedMax: 0,
    flopsAnyAvg: 0,
    memBwAvg: 0,
    loadAvg: 0,
    netBwAvg: 0,
    netDataVolTotal: 0,
    fileBwAvg: 0,
    fileDataVolTotal: 0,
    ...overrides,
  };
  const id = await insertTestJob(writer, row, tags);
  return { id, key: { jobId: row.jobId, cluster: row.cluster, startTime: row.startTime } };
}

interface DbRow {
  monitoring_status: number;
  flops_any_avg: number;
  mem_bw_avg: number;
  load_avg: number;
  mem_used_max: number;
  net_bw_avg: number;
  net_data_vol_total: number;
  job_state: string;
}

/** A real pino logger whose lines (message and fields) the test reads. */
function jsonLogger(): { logger: Logger; lines: () => { msg: string; warnings?: string[] }[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines: () => chunks.map((c) => JSON.parse(c) as { msg: string; warnings?: string[] }) };
}

const dbRow = async (id: number) => (await queryDatabase<DbRow>(db, "SELECT * FROM job WHERE id = ?", [id]))[0]!;

/** The monitoring_status of each job, in the order of `ids`, read in one query. */
async function statuses(ids: number[]): Promise<number[]> {
  const rows = await queryDatabase<{ id: number; monitoring_status: number }>(db, `SELECT id, monitoring_status FROM job WHERE id IN (${ids.map(() => "?").join(", ")})`, ids);
  return ids.map((id) => rows.find((r) => r.id === id)!.monitoring_status);
}

async function archiveOne(id: number, options: Parameters<typeof newWorker>[0] = {}): Promise<ArchivingWorker> {
  const worker = newWorker(options);
  worker.start();
  worker.enqueue(id);
  await worker.whenIdle();
  return worker;
}

const hosts = (...names: string[]) => JSON.stringify(names.map((hostname) => ({ hostname, accelerators: ACCELERATORS })));

describe("archiving a stopped job", () => {
  let job: { id: number; key: JobKey };
  const jobHosts = ["a01", "a02"];

  beforeAll(async () => {
    job = await insertJob({ resources: hosts(...jobHosts), numNodes: 2, numHWThreads: 16, numAcc: 4 }, [
      { type: "review", name: "slow io" },
      { type: "project", name: "alpha" },
    ]);
    await archiveOne(job.id);
  });

  it("stores per-job statistics and the footprint computed from the ingested samples, and status 3", async () => {
    const meta = await archive.loadMeta(job.key);
    for (const name of ["cpu_load", "mem_used", "flops_any", "mem_bw", "net_bw", "acc_util"]) {
      expectClose(meta.statistics[name], expectedJobStatistics(name, jobHosts));
      expect(meta.statistics[name]!.unit).toEqual(CLUSTER.metricConfig.find((m) => m.name === name)!.unit);
    }
    const row = await dbRow(job.id);
    expect(row.monitoring_status).toBe(3);
    expect(row.flops_any_avg).toBeCloseTo(expectedJobStatistics("flops_any", jobHosts).avg, 9);
    expect(row.mem_bw_avg).toBeCloseTo(expectedJobStatistics("mem_bw", jobHosts).avg, 9);
    expect(row.load_avg).toBeCloseTo(expectedJobStatistics("cpu_load", jobHosts).avg, 9);
    expect(row.mem_used_max).toBe(expectedJobStatistics("mem_used", jobHosts).max);
    expect(row.net_bw_avg).toBeCloseTo(expectedJobStatistics("net_bw", jobHosts).avg, 9);
    // bandwidth average per node × nodes × seconds
    expect(row.net_data_vol_total).toBeCloseTo(expectedJobStatistics("net_bw", jobHosts).avg * 2 * DURATION, 6);
    expect(row.flops_any_avg).toBeGreaterThan(0);
  });

  it("archives node scope, core scope (at most 8 nodes) and accelerators, never finer than measured", async () => {
    const data = await archive.loadData(job.key);
    expect(Object.keys(data).sort()).toEqual(["acc_util", "cpu_load", "flops_any", "mem_bw", "mem_used", "net_bw"]);
    expect(Object.keys(data.cpu_load!)).toEqual(["node"]);
    expect(Object.keys(data.flops_any!).sort()).toEqual(["core", "node"]);
    // mem_bw is measured per socket: asked for cores, it comes per socket.
    expect(Object.keys(data.mem_bw!).sort()).toEqual(["node", "socket"]);
    expect(Object.keys(data.acc_util!).sort()).toEqual(["accelerator", "node"]);
    expect(data.flops_any!.core!.series.map((s) => `${s.hostname}/${s.id}`)).toEqual(jobHosts.flatMap((h) => CORES.map((c) => `${h}/${c}`)));
    for (const host of jobHosts) {
      for (const name of Object.keys(data)) {
        const series = data[name]!.node!.series.find((s) => s.hostname === host)!;
        expect(series.data, `${name} on ${host}`).toEqual(expectedNodeSeries(name, host));
        // per-series statistics ignore the missing samples (cpu_load has gaps)
        expectClose(series.statistics, stats(expectedNodeSeries(name, host)));
      }
      const core1 = data.flops_any!.core!.series.find((s) => s.hostname === host && s.id === "1")!;
      expectClose(core1.statistics, stats(Array.from({ length: STEPS }, (_, k) => sample("flops_any", host, "1", k))));
    }
    expect(data.cpu_load!.node!.series[0]!.data).toContain(null);
  });

  it("writes meta.json and data.json.gz that pass the schemas and read back through the archive", async () => {
    const jobDir = jobDirectory(archive.root, job.key);
    expect(readdirSync(jobDir).sort()).toEqual(["data.json.gz", "meta.json"]);
    const rawMeta = readJson(path.join(jobDir, "meta.json")) as JobMeta;
    const rawData = readJson(path.join(jobDir, "data.json.gz")) as JobData;
    expect(validateJobMeta(rawMeta, "meta.json")).toEqual(rawMeta);
    expect(validateJobData(rawData, "data.json.gz")).toEqual(rawData);
    const reopened = await FileArchive.open(archive.root, { validate: true });
    expect(await reopened.loadMeta(job.key)).toEqual(rawMeta);
    expect(await reopened.loadData(job.key)).toEqual(rawData);

    expect(rawMeta).toMatchObject({
      jobId: job.key.jobId,
      cluster: C,
      subCluster: "main",
      startTime: START,
      duration: DURATION,
      numNodes: 2,
      numHwthreads: 16,
      numAcc: 4,
      walltime: 7200,
      partition: "batch",
      jobState: "completed",
      metaData: { jobName: "sim", jobScript: "#!/bin/sh\n./sim" },
      resources: JSON.parse(hosts(...jobHosts)),
    });
    expect(rawMeta.tags).toEqual([
      { type: "review", name: "slow io" },
      { type: "project", name: "alpha" },
    ]);
    // Rebuilding the database from the archive (init-db) gives the row the worker wrote.
    const { row, tags } = jobRowFromMeta(rawMeta, clusters);
    const dbValues = await dbRow(job.id);
    expect(row.monitoringStatus).toBe(3);
    expect(row.flopsAnyAvg).toBe(dbValues.flops_any_avg);
    expect(row.memUsedMax).toBe(dbValues.mem_used_max);
    expect(row.netDataVolTotal).toBe(dbValues.net_data_vol_total);
    expect(tags).toHaveLength(2);
  });

  it("leaves out metrics the job's subcluster removed, though the store holds them", async () => {
    expect(store.host(C, "a01")?.byMetric.has("ib_pkts")).toBe(true);
    const meta = await archive.loadMeta(job.key);
    expect(Object.keys(meta.statistics)).not.toContain("ib_pkts");
    expect(Object.keys(await archive.loadData(job.key))).not.toContain("ib_pkts");
  });

  it("archives node scope only for jobs of more than 8 nodes", async () => {
    const nine = ["a01", "a02", "a03", ...Array.from({ length: 6 }, (_, i) => `b0${i}`)];
    const big = await insertJob({ resources: JSON.stringify(nine.map((hostname) => ({ hostname }))), numNodes: 9 });
    await archiveOne(big.id);
    expect((await dbRow(big.id)).monitoring_status).toBe(3);
    const data = await archive.loadData(big.key);
    expect(Object.keys(data.flops_any!)).toEqual(["node"]);
    expect(data.acc_util).toBeUndefined();
    // only the three hosts with data count for the average
    expectClose((await archive.loadMeta(big.key)).statistics.flops_any, expectedJobStatistics("flops_any", ["a01", "a02", "a03"]));
  });
});

describe("partial and missing data", () => {
  it("archives a job with partial data and logs what was missing", async () => {
    const { logger, lines } = jsonLogger();
    const partial = await insertJob({ resources: hosts("a03", "a04"), numNodes: 2 });
    await archiveOne(partial.id, { logger });
    expect((await dbRow(partial.id)).monitoring_status).toBe(3);
    const meta = await archive.loadMeta(partial.key);
    // a04 has no mem_bw: its statistics come from a03 alone
    expectClose(meta.statistics.mem_bw, expectedJobStatistics("mem_bw", ["a03"]));
    expectClose(meta.statistics.flops_any, expectedJobStatistics("flops_any", ["a03", "a04"]));
    expect((await archive.loadData(partial.key)).mem_bw!.node!.series.map((s) => s.hostname)).toEqual(["a03"]);
    const warning = lines().find((l) => l.msg === `archiving job (dbid: ${partial.id}): archived with partial data`);
    expect(warning?.warnings).toEqual(expect.arrayContaining([`no data for "mem_bw" (node) on host "a04"`, `no data for "acc_util" (accelerator acc1) on host "a04"`]));
    expect(lines().map((l) => l.msg)).toContain(`archiving job (dbid: ${partial.id}) successful`);
  });

  it("fails a job at once, without retries, when the validating archive refuses it (a metric the schema requires is missing)", async () => {
    const { logger, lines } = jsonLogger();
    const job = await insertJob({ resources: hosts("a04") });
    await archiveOne(job.id, { logger, retryDelaysMs: [10_000] });
    expect((await dbRow(job.id)).monitoring_status).toBe(2);
    expect(lines().at(-1)?.msg).toMatch(/failed after 1 attempt\(s\): writing the job to the archive failed: .*"statistics\.mem_bw" is missing/);
    expect(await archive.exists(job.key)).toBe(false);
  });

  it("retries a job without a metric data repository, then sets status 2 and logs why", async () => {
    const { logger, messages } = captureLogger();
    const job = await insertJob();
    const began = Date.now();
    await archiveOne(job.id, { logger, metricData: null, retryDelaysMs: [30, 60] });
    expect(Date.now() - began).toBeGreaterThanOrEqual(90);
    expect((await dbRow(job.id)).monitoring_status).toBe(2);
    const log = messages().filter((m) => m.includes(`dbid: ${job.id}`));
    expect(log.filter((m) => /failed \(attempt \d\).*no metric data repository for cluster "archcluster".*retrying in/.test(m))).toHaveLength(2);
    expect(log.at(-1)).toMatch(/failed after 3 attempt\(s\): no metric data repository for cluster "archcluster"; monitoringStatus set to 2/);
    expect(await archive.exists(job.key)).toBe(false);
  });

  it("fails a job whose hosts sent nothing at all, as cc-backend does, after the retries", async () => {
    const { logger, messages } = captureLogger();
    const job = await insertJob({ resources: hosts("a05") });
    await archiveOne(job.id, { logger, retryDelaysMs: [5] });
    expect((await dbRow(job.id)).monitoring_status).toBe(2);
    expect(messages().at(-1)).toMatch(/no metric data for the job \(no data for "cpu_load" \(node\) on host "a05"/);
    expect(await archive.exists(job.key)).toBe(false);
  });
});

describe("the durable queue", () => {
  it("picks up every waiting job on start, in small id slices, and only those", async () => {
    const waiting: number[] = [];
    for (let i = 0; i < 11; i++) waiting.push((await insertJob()).id);
    const running = (await insertJob({ jobState: "running" })).id;
    const disabled = (await insertJob({ monitoringStatus: 0 })).id;
    const failed = (await insertJob({ monitoringStatus: 2 })).id;
    const { logger, messages } = captureLogger();
    const worker = newWorker({ logger, scanIdsPerQuery: 3 });
    worker.start();
    await worker.whenIdle();
    for (const id of waiting) expect((await dbRow(id)).monitoring_status, `job ${id}`).toBe(3);
    expect(await dbRow(running)).toMatchObject({ monitoring_status: 1, job_state: "running" });
    expect((await dbRow(disabled)).monitoring_status).toBe(0);
    expect((await dbRow(failed)).monitoring_status).toBe(2);
    for (const id of waiting) expect(messages().filter((m) => m === `archiving job (dbid: ${id}) successful`)).toHaveLength(1);
  });

  /** The real repository behind a remote store's latency, counting the loads under way. */
  function slowRepository() {
    const counts = { inFlight: 0, most: 0, loads: [] as string[] };
    const slow: MetricDataRepository = {
      kind: "slow",
      loadStats: (...args) => repository.loadStats(...args),
      loadNodeData: (...args) => repository.loadNodeData(...args),
      async loadJobData(job, metrics, scopes, options) {
        counts.inFlight++;
        counts.most = Math.max(counts.most, counts.inFlight);
        counts.loads.push(job.resources[0]!.hostname);
        await sleep(25);
        counts.inFlight--;
        return repository.loadJobData(job, metrics, scopes, options);
      },
    };
    return { counts, metricData: repositories(() => slow) };
  }

  it("archives at most `concurrency` jobs at a time", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push((await insertJob()).id);
    const { counts, metricData } = slowRepository();
    const worker = newWorker({ metricData, concurrency: 2 });
    worker.start();
    await worker.whenIdle();
    expect(counts.most).toBe(2);
    expect(counts.loads).toHaveLength(ids.length);
    for (const id of ids) expect((await dbRow(id)).monitoring_status).toBe(3);
  });

  it("never archives a job twice, however often it is enqueued, also while it is under way", async () => {
    const { logger, messages } = captureLogger();
    const ids: number[] = [];
    for (const host of ["a01", "a02", "a03"]) ids.push((await insertJob({ resources: hosts(host) })).id);
    const { counts, metricData } = slowRepository();
    // Room for every copy at once: only the worker's own bookkeeping keeps them apart.
    const worker = newWorker({ metricData, concurrency: 10, logger });
    for (const id of [...ids, ...ids]) worker.enqueue(id);
    worker.start();
    while (counts.inFlight === 0) await sleep(1);
    for (const id of ids) worker.enqueue(id);
    await worker.whenIdle();
    expect(counts.loads.sort()).toEqual(["a01", "a02", "a03"]);
    for (const id of ids) {
      expect((await dbRow(id)).monitoring_status).toBe(3);
      expect(messages().filter((m) => m.includes(`dbid: ${id}`))).toEqual([`archiving job (dbid: ${id}) successful`]);
    }
  });

  it("on close finishes what is under way and leaves the rest waiting for the next start", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push((await insertJob()).id);
    const first = newWorker({ concurrency: 1 });
    first.start();
    while ((await statuses(ids)).every((status) => status === 1)) await sleep(1);
    await first.close(5000);
    first.enqueue(ids.at(-1)!); // refused after close
    const afterClose = await statuses(ids);
    expect(afterClose.filter((s) => s === 3).length).toBeGreaterThan(0);
    expect(afterClose.filter((s) => s === 1).length).toBeGreaterThan(0);
    expect(afterClose.every((s) => s === 1 || s === 3)).toBe(true);
    await sleep(50);
    expect(await statuses(ids)).toEqual(afterClose);

    const second = newWorker();
    second.start();
    await second.whenIdle();
    for (const id of ids) expect((await dbRow(id)).monitoring_status).toBe(3);
  });

  it("finishes a job already complete in the archive by updating the database, without loading data", async () => {
    const { logger, messages } = captureLogger();
    const job = await insertJob({ resources: hosts("a02") });
    await archiveOne(job.id);
    const archived = await dbRow(job.id);
    const metaFile = path.join(jobDirectory(archive.root, job.key), "meta.json");
    const written = statSync(metaFile).mtimeMs;
    // As if the process died after writing the archive, before the database update.
    await writer.transaction((tx) => tx.run("UPDATE job SET monitoring_status = 1, flops_any_avg = 0, mem_bw_avg = 0, load_avg = 0, mem_used_max = 0 WHERE id = ?", [job.id]));
    // No repository: loading data would fail the job.
    await archiveOne(job.id, { logger, metricData: null, retryDelaysMs: [] });
    expect(await dbRow(job.id)).toEqual(archived);
    expect(statSync(metaFile).mtimeMs).toBe(written);
    expect(messages()).toContain(`archiving job (dbid: ${job.id}): already complete in the archive, marked as archived`);
  });

  it("replaces what a process killed between data.json.gz and meta.json left behind", async () => {
    const job = await insertJob({ resources: hosts("a01") });
    const jobDir = jobDirectory(archive.root, job.key);
    mkdirSync(jobDir, { recursive: true });
    writeFileSync(path.join(jobDir, "data.json.gz"), "not gzip");
    writeFileSync(path.join(jobDir, "meta.json.0a1b2c3d4e5f.tmp"), '{"jobId":');
    await archiveOne(job.id);
    expect((await dbRow(job.id)).monitoring_status).toBe(3);
    expect(readdirSync(jobDir).sort()).toEqual(["data.json.gz", "meta.json"]);
    const data = await archive.loadData(job.key);
    expect(data.mem_used!.node!.series[0]!.data).toEqual(expectedNodeSeries("mem_used", "a01"));
  });
});
