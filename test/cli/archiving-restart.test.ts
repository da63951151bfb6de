/**
 * End to end: a real server process gets metric data over /api/write and jobs over the REST API, is
 * killed with SIGKILL while it archives the stopped jobs, and archives the rest after a restart,
 * with the metric data restored from its checkpoints. On the run's database engine: the waiting and
 * archived states must survive the crash on MariaDB and PostgreSQL as on SQLite.
 *
 * The server runs from source (through tsx), so the test checks the code as it is, built or not.
 */
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { FileArchive } from "../../src/archive/file-backend.ts";
import type { ClusterConfig, JobData, JobMeta, MetricConfig } from "../../src/archive/generated/archive-types.ts";
import { jobDirectory } from "../../src/archive/paths.ts";
import { validateJobData, validateJobMeta } from "../../src/archive/validate.ts";
import { readJson } from "../helpers/archive.ts";
import { freshDatabase } from "../helpers/db.ts";
import { databaseConfig, openTestDatabase } from "../helpers/test-engine.ts";
import { launchFromSource, type SourceServer } from "../helpers/source-server.ts";
import { tempDir } from "../helpers/tmp.ts";
import { MAIN_SUBCLUSTER } from "../metricdata/fixtures.ts";

const C = "killcluster";
const HOSTS = Array.from({ length: 8 }, (_, i) => `k0${i + 1}`);
const CORES = ["0", "1", "2", "3"];
const SOCKETS = ["0", "1"];
const JOBS = 40;

function metric(name: string, scope: string, aggregation: "sum" | "avg"): MetricConfig {
  return { name, scope, aggregation, timestep: 60, unit: { base: "x" }, peak: 100, normal: 50, caution: 10, alert: 1 };
}

const CLUSTER: ClusterConfig = {
  name: C,
  metricConfig: [metric("cpu_load", "node", "avg"), metric("mem_used", "node", "sum"), metric("flops_any", "core", "sum"), metric("mem_bw", "socket", "sum")],
  subClusters: [
    MAIN_SUBCLUSTER,
  ],
};

/** cpu_load of host h at step k; the test checks the archived statistics against it. */
const cpuLoad = (h: number, k: number) => h + (k % 10) / 10;

type Server = SourceServer;
const launch = (cwd: string) => launchFromSource(cwd);

async function post(server: Server, pathname: string, body: string, type = "application/json"): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${pathname}`, { method: "POST", headers: { "content-type": type }, body });
  return { status: response.status, text: await response.text() };
}

const dir = tempDir("ccb-archiving-restart-");
const running: Server[] = [];
afterAll(() => {
  for (const server of running) if (server.child.exitCode === null) server.child.kill("SIGKILL");
});

describe("archiving across a crash", () => {
  it("archives every stopped job with intact files after the server is killed with SIGKILL while archiving", { timeout: 240_000 }, async () => {
    const dbFile = await freshDatabase(dir);
    const archiveRoot = path.join(dir, "archive");
    const archive = await FileArchive.create(archiveRoot);
    await archive.storeClusterConfig(CLUSTER);
    writeFileSync(
      path.join(dir, "config.json"),
      JSON.stringify({
        addr: "127.0.0.1:0",
        ...databaseConfig(dbFile),
        archive: { kind: "file", path: archiveRoot },
        "disable-authentication": true,
        // The archive checks every meta.json and data.json.gz it writes against the schemas.
        validate: true,
        clusters: [{ name: C, metricDataRepository: { kind: "internal", "checkpoint-interval": "1s" } }],
      }),
    );
    const db = await openTestDatabase(dbFile);
    const statuses = async () => (await db.query<{ s: number }>("SELECT monitoring_status AS s FROM job ORDER BY id")).map((r) => r.s);

    // Ten hours of data for the eight hosts, up to the minute before now.
    const now = Math.floor(Date.now() / 60_000) * 60;
    const start = now - 10 * 3600;
    const steps = (now - 60 - start) / 60;
    const lines: string[] = [];
    for (let k = 0; k <= steps; k++) {
      const t = start + k * 60;
      HOSTS.forEach((host, h) => {
        lines.push(`cpu_load,hostname=${host} value=${cpuLoad(h, k)} ${t}`, `mem_used,hostname=${host} value=${100 + h + (k % 7)} ${t}`);
        for (const core of CORES) lines.push(`flops_any,hostname=${host},type=core,type-id=${core} value=${h + Number(core) + (k % 5)} ${t}`);
        for (const socket of SOCKETS) lines.push(`mem_bw,hostname=${host},type=socket,type-id=${socket} value=${10 + h + Number(socket)} ${t}`);
      });
    }

    const first = await launch(dir);
    running.push(first);
    const written = await post(first, `/api/write?cluster=${C}`, lines.join("\n"), "text/plain");
    expect(written.status, written.text).toBe(200);
    expect(JSON.parse(written.text)).toMatchObject({ accepted: lines.length, rejected: 0 });
    // Without a checkpoint the crash would lose the samples. A host gets a checkpoint file only
    // while it has samples not yet saved, so once every host has one and no new file came for a
    // few intervals, everything is on disk.
    const checkpoints = path.join(dir, "var", "checkpoints", C);
    const listing = () => (existsSync(checkpoints) ? readdirSync(checkpoints, { recursive: true }).map(String).sort().join(",") : "");
    const everyHost = () => HOSTS.every((host) => existsSync(path.join(checkpoints, host)) && readdirSync(path.join(checkpoints, host)).some((name) => /^\d+-(full|delta)\.bin$/.test(name)));
    let last = listing();
    let quietSince = Date.now();
    for (const began = Date.now(); !everyHost() || Date.now() - quietSince < 3000;) {
      if (Date.now() - began > 60_000) throw new Error(`checkpoints did not settle: ${listing()}\n${first.output()}`);
      await sleep(100);
      if (listing() !== last) [last, quietSince] = [listing(), Date.now()];
    }

    const resources = HOSTS.map((hostname) => ({ hostname }));
    for (let jobId = 1; jobId <= JOBS; jobId++) {
      const started = await post(
        first,
        "/api/jobs/start_job/",
        JSON.stringify({ jobId, cluster: C, user: "alice", project: "p", numNodes: HOSTS.length, numHwthreads: 64, resources, startTime: start, walltime: 86400 }),
      );
      expect(started.status, started.text).toBe(201);
    }
    const stopTime = now - 60;
    const stops = await Promise.all(
      Array.from({ length: JOBS }, (_, i) => post(first, "/api/jobs/stop_job/", JSON.stringify({ jobId: i + 1, cluster: C, startTime: start, stopTime, jobState: "completed" }))),
    );
    for (const stop of stops) expect(stop.status, stop.text).toBe(200);

    // Killed as soon as the first job is archived: the others are under way or waiting.
    for (let waited = 0; !(await statuses()).includes(3); waited += 2) {
      expect(waited, `no job archived:\n${first.output()}`).toBeLessThan(60_000);
      await sleep(2);
    }
    first.child.kill("SIGKILL");
    await first.exited;
    const atKill = await statuses();
    expect(atKill).toHaveLength(JOBS);
    expect(atKill.filter((s) => s === 1).length, "jobs left waiting by the crash").toBeGreaterThan(0);
    expect(atKill.every((s) => s === 1 || s === 3)).toBe(true);

    const second = await launch(dir);
    running.push(second);
    for (let waited = 0; (await statuses()).some((s) => s !== 3); waited += 100) {
      expect(
        (await statuses()).filter((s) => s === 2),
        `archiving failed:\n${second.output()}`,
      ).toEqual([]);
      expect(waited, `jobs still waiting: ${(await statuses()).join(",")}\n${second.output()}`).toBeLessThan(120_000);
      await sleep(100);
    }
    second.child.kill("SIGTERM");
    expect(await second.exited, second.output()).toBe(0);

    // Every job: exactly meta.json and data.json.gz, valid, with the statistics of the samples sent.
    const hostLoads = HOSTS.map((_, h) => {
      const values = Array.from({ length: steps }, (_, k) => cpuLoad(h, k));
      return { avg: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
    });
    const expectedLoad = {
      avg: hostLoads.reduce((a, s) => a + s.avg, 0) / hostLoads.length,
      min: Math.min(...hostLoads.map((s) => s.min)),
      max: Math.max(...hostLoads.map((s) => s.max)),
    };
    const footprints = await db.query<{ jobId: number; loadAvg: number }>('SELECT job_id AS "jobId", load_avg AS "loadAvg" FROM job ORDER BY job_id');
    for (const { jobId, loadAvg } of footprints) {
      const jobDir = jobDirectory(archiveRoot, { jobId, cluster: C, startTime: start });
      expect(readdirSync(jobDir).sort(), `job ${jobId}`).toEqual(["data.json.gz", "meta.json"]);
      const meta = validateJobMeta(readJson(path.join(jobDir, "meta.json")), `meta.json of job ${jobId}`) as JobMeta;
      const data = validateJobData(readJson(path.join(jobDir, "data.json.gz")), `data.json.gz of job ${jobId}`) as JobData;
      expect(meta).toMatchObject({ jobId, duration: stopTime - start, numNodes: HOSTS.length, jobState: "completed" });
      expect(meta.statistics.cpu_load!.avg).toBeCloseTo(expectedLoad.avg, 9);
      expect(meta.statistics.cpu_load!.min).toBe(expectedLoad.min);
      expect(meta.statistics.cpu_load!.max).toBe(expectedLoad.max);
      expect(loadAvg).toBeCloseTo(expectedLoad.avg, 9);
      expect(data.cpu_load!.node!.series).toHaveLength(HOSTS.length);
      expect(data.cpu_load!.node!.series[1]!.data).toEqual(Array.from({ length: steps }, (_, k) => cpuLoad(1, k)));
      expect(Object.keys(data.flops_any!).sort()).toEqual(["core", "node"]);
    }
    await db.close();
  });
});
