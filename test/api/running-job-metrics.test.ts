import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { jobRowFromMeta, type ArchivedJobRow } from "../../src/archive/job-row-from-meta.ts";
import { generateDemoArchive } from "../../src/demo/generate-archive.ts";
import { silentLogger } from "../../src/log.ts";
import { MetricStore } from "../../src/metricdata/internal/index.ts";
import { openMetricDataRepositories } from "../../src/metricdata/open.ts";
import { parseConfig } from "../../src/config/load.ts";
import { jobWriterOf } from "../../src/services/context.ts";
import { insertTaggedJob } from "../../src/services/jobs/tags.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { token } from "../helpers/rest.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * The demo cluster fed with live line protocol: a running job's metrics come from the embedded store
 * through GraphQL's jobMetrics and REST's POST /api/jobs/{id}, with exactly the values written.
 */

const dir = tempDir();
let app: TestApp;
let api: string;
const now = Math.floor(Date.now() / 1000 / 60) * 60;
const start = now - 20 * 60;
const HOSTS = ["f0101", "f0102"];
/** cpu_load of host h at minute m of the job: known values to compare against. */
const load = (h: number, m: number) => 10 * (h + 1) + m;
const memUsed = (h: number, m: number) => 100 + h + m / 2;

/**
 * The demo's setup (test/helpers/demo-app.ts) on the run's engine: a generated archive of 20 jobs on
 * the demo clusters, its jobs in the database, the embedded metric store, authentication on. The demo
 * helper imports with --init-db's code, which only writes SQLite; here the app's job writer does.
 */
async function startDemo(): Promise<TestApp> {
  const root = path.join(dir, "archive");
  const generated = await generateDemoArchive({ root, jobs: 20, days: 30 });
  const archive = await FileArchive.open(root);
  const clusters = await ClusterRegistry.load(archive);
  const store = new MetricStore({ clusters: clusters.clusters });
  afterAll(() => store.close());
  const clusterConfig = clusters.clusters.map((c) => ({ name: c.name }));
  const metricData = await openMetricDataRepositories({ clusters: parseConfig({ clusters: clusterConfig }).config.clusters, registry: clusters, store, logger: silentLogger });
  const demo = await startTestApp(await freshDatabase(dir), { webRoot: false, metricStore: store }, { clusters: clusterConfig }, undefined, { archive, clusters, metricData });
  const jobs: ArchivedJobRow[] = [];
  for await (const file of archive.metaFiles()) jobs.push(jobRowFromMeta(await archive.readMeta(file.path), clusters));
  await jobWriterOf(demo.services).transaction(async (tx) => {
    for (const job of jobs) await insertTaggedJob(tx, job.row, job.tags);
  });
  expect(jobs).toHaveLength(generated.jobs);
  return demo;
}

beforeAll(async () => {
  app = await startDemo();
  api = await token("demo-api", ["api"]);
  const lines: string[] = [];
  for (const [h, host] of HOSTS.entries()) {
    for (let m = 0; m < 20; m++) {
      const t = start + m * 60;
      lines.push(`cpu_load,cluster=fritz,hostname=${host},type=node value=${load(h, m)} ${t}`);
      lines.push(`mem_used,cluster=fritz,hostname=${host},type=node value=${memUsed(h, m)} ${t}`);
    }
  }
  lines.push("this is not line protocol");
  const write = await fetch(`${app.url}/api/write?cluster=fritz&precision=s`, { method: "POST", headers: { authorization: `Bearer ${api}`, "content-type": "text/plain" }, body: lines.join("\n") });
  const summary = (await write.json()) as { accepted: number; rejected: number };
  expect(summary).toMatchObject({ accepted: HOSTS.length * 40, rejected: 1 });
}, 120_000);

async function startJob(): Promise<number> {
  const response = await fetch(`${app.url}/api/jobs/start_job/`, {
    method: "POST",
    headers: { authorization: `Bearer ${api}`, "content-type": "application/json" },
    body: JSON.stringify({ jobId: 880001, user: "demo-user", project: "live", cluster: "fritz", partition: "main", numNodes: 2, exclusive: 1, resources: HOSTS.map((hostname) => ({ hostname })), startTime: start }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: number }).id;
}

describe("a running job's metrics from the embedded metric store", () => {
  let id: number;

  it("GraphQL jobMetrics: the series written as line protocol, per host, and statistics across hosts", async () => {
    id = await startJob();
    const response = await fetch(`${app.url}/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${api}`, "content-type": "application/json" },
      body: JSON.stringify({
        query: `query($id: ID!) { jobMetrics(id: $id, metrics: ["cpu_load", "mem_used"], scopes: [node]) { name scope metric { timestep series { hostname data } statisticsSeries { min max } } } }`,
        variables: { id: String(id) },
      }),
    });
    const body = (await response.json()) as { data: { jobMetrics: { name: string; scope: string; metric: { timestep: number; series: { hostname: string; data: (number | null)[] }[]; statisticsSeries: { min: number[]; max: number[] } } }[] }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    const byName = Object.fromEntries(body.data.jobMetrics.map((m) => [m.name, m]));
    expect(Object.keys(byName).sort()).toEqual(["cpu_load", "mem_used"]);
    const cpu = byName.cpu_load!.metric;
    expect(cpu.timestep).toBe(60);
    for (const [h, host] of HOSTS.entries()) {
      const series = cpu.series.find((s) => s.hostname === host)!;
      expect(series.data.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, m) => load(h, m)));
    }
    expect(cpu.statisticsSeries.min.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, m) => load(0, m)));
    expect(cpu.statisticsSeries.max.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, m) => load(1, m)));
    expect(byName.mem_used!.metric.series.find((s) => s.hostname === "f0102")!.data[4]).toBe(memUsed(1, 4));
  });

  it("REST POST /api/jobs/{id}: the same data, from the same service", async () => {
    const response = await fetch(`${app.url}/api/jobs/${id}`, { method: "POST", headers: { authorization: `Bearer ${api}`, "content-type": "application/json" }, body: JSON.stringify(["cpu_load"]) });
    const body = (await response.json()) as { data: { name: string; scope: string; metric: { series: { hostname: string; data: number[] }[] } }[]; note?: string };
    expect(response.status).toBe(200);
    expect(body.note).toBeUndefined();
    expect(body.data).toHaveLength(1);
    expect(body.data[0]!.metric.series.find((s) => s.hostname === "f0101")!.data.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, m) => load(0, m)));
  });

  it("unknown metric names are refused before any lookup", async () => {
    const response = await fetch(`${app.url}/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${api}`, "content-type": "application/json" },
      body: JSON.stringify({ query: `query($id: ID!) { jobMetrics(id: $id, metrics: ["../../etc/passwd"]) { name } }`, variables: { id: String(id) } }),
    });
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]!.message).toBe('unknown metric "../../etc/passwd" for cluster "fritz"');
  });
});
