import net from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { issueToken } from "../../src/auth/jwt.ts";
import { CcMetricStoreError, CcMetricStoreRepository, type CcMetricStoreOptions } from "../../src/metricdata/cc-metric-store/index.ts";
import { InternalMetricDataRepository } from "../../src/metricdata/internal/repository.ts";
import type { MetricDataJob } from "../../src/metricdata/repository.ts";
import { startTestApp, testKeys, type TestApp } from "../helpers/app.ts";
import { startCcmsServer, type CcmsTestServer } from "../helpers/ccms-server.ts";
import { freshDatabase } from "../helpers/db.ts";
import { tempDir } from "../helpers/tmp.ts";
import { CLUSTER, line, NOW, testStore } from "./fixtures.ts";

const TOKEN = "tok-3f9a1c77e0b24d5e";
const registry = new ClusterRegistry([CLUSTER]);
const C = CLUSTER.name;

function job(hosts: string[], extra: Partial<MetricDataJob> = {}): MetricDataJob {
  return { cluster: C, subCluster: "main", startTime: NOW - 180, duration: 240, resources: hosts.map((hostname) => ({ hostname })), ...extra };
}

describe("cc-metric-store client against a test store", () => {
  let store: CcmsTestServer;
  const client = (options: Partial<CcMetricStoreOptions> = {}) => new CcMetricStoreRepository({ url: store.url, token: TOKEN, clusters: registry, ...options });

  beforeAll(async () => {
    store = await startCcmsServer({ token: TOKEN });
    store.put("h1", "cpu_load", { from: NOW - 120, data: [1, null, 3] });
    for (const id of ["0", "1", "2", "3"]) store.put("h1", "flops_any", { from: NOW - 180, data: [Number(id), Number(id) + 1] }, "core", id);
    store.put("h3", "cpu_load", { from: NOW - 180, data: [null, null] });
    for (let h = 0; h < 5; h++) store.put(`b${h}`, "cpu_load", { from: NOW - 180, data: [h] });
    store.put("h1", "load_one", { from: NOW - 180, data: [7] });
  });

  it("asks with the token for node data, pads it to the start of the range, and names missing hosts in warnings", async () => {
    const before = store.requests.length;
    const result = await client().loadJobData(job(["h1", "h2"]), ["cpu_load"], ["node"]);
    expect(result.data).toEqual({
      cpu_load: { node: { unit: { base: "x" }, timestep: 60, series: [{ hostname: "h1", statistics: { avg: 2, min: 1, max: 3 }, data: [null, 1, null, 3] }] } },
    });
    expect(result.warnings).toEqual(['no data for "cpu_load" (node) on host "h2": metric or host not found']);
    const sent = store.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sent[0]!.body).toEqual({
      cluster: C,
      from: NOW - 180,
      to: NOW + 60,
      "with-stats": true,
      "with-data": true,
      "with-padding": false,
      queries: [
        { metric: "cpu_load", host: "h1", aggreg: false },
        { metric: "cpu_load", host: "h2", aggreg: false },
      ],
    });
  });

  it("asks for the job's own cores, one result per core, and for their sum per socket", async () => {
    const before = store.requests.length;
    const result = await client().loadJobData(job(["h1"], { resources: [{ hostname: "h1", hwthreads: [0, 1, 2, 3] }] }), ["flops_any"], ["core", "socket"]);
    expect(store.requests[before]!.body.queries).toEqual([
      { metric: "flops_any", host: "h1", aggreg: false, type: "core", "type-ids": ["0", "1"] },
      { metric: "flops_any", host: "h1", aggreg: true, type: "core", "type-ids": ["0", "1"] },
    ]);
    expect(result.data.flops_any!.core!.series.map((s) => [s.id, s.data])).toEqual([
      ["0", [0, 1]],
      ["1", [1, 2]],
    ]);
    expect(result.data.flops_any!.socket!.series).toEqual([{ hostname: "h1", id: "0", statistics: { avg: 2, min: 1, max: 3 }, data: [1, 3] }]);
    expect(result.warnings).toEqual([]);
  });

  it("loads statistics without data, and warns about hosts without samples", async () => {
    const before = store.requests.length;
    const result = await client().loadStats(job(["h1", "h3"]), ["cpu_load"]);
    expect(store.requests[before]!.body["with-data"]).toBe(false);
    expect(result.data).toEqual({ cpu_load: { h1: { avg: 2, min: 1, max: 3 } } });
    expect(result.warnings).toEqual(['no samples in the time range for "cpu_load" (node) on host "h3"']);
  });

  it("turns an error entry into a warning and keeps the other series", async () => {
    store.failSeries("h9", "flops_any", "buffer lost", "core", "1");
    store.put("h9", "flops_any", { from: NOW - 180, data: [5] }, "core", "0");
    const result = await client().loadJobData(job(["h9"], { resources: [{ hostname: "h9", hwthreads: [0, 1, 2, 3] }] }), ["flops_any"], ["core"]);
    expect(result.data.flops_any!.core!.series.map((s) => s.id)).toEqual(["0"]);
    expect(result.warnings).toEqual(['no data for "flops_any" (core 1) on host "h9": buffer lost']);
  });

  it("asks in batches and keeps what the other batches answered when one fails", async () => {
    const before = store.requests.length;
    store.misbehave = (i) => (i === before + 1 ? "status500" : undefined);
    try {
      const hosts = ["b0", "b1", "b2", "b3", "b4"];
      const result = await client({ maxSeriesPerRequest: 2, concurrency: 1 }).loadJobData(job(hosts), ["cpu_load"], undefined);
      expect(store.requests.length - before).toBe(3);
      expect(store.requests.slice(before).map((r) => r.body.queries!.map((q) => q.host))).toEqual([["b0", "b1"], ["b2", "b3"], ["b4"]]);
      expect(result.data.cpu_load!.node!.series.map((s) => s.hostname)).toEqual(["b0", "b1", "b4"]);
      expect(result.warnings).toHaveLength(1);
      expect(result.warnings[0]).toMatch(/^2 queries for host\(s\) b2, b3 failed: cc-metric-store at http:\/\/127\.0\.0\.1:\d+: answered HTTP 500/);
    } finally {
      store.misbehave = () => undefined;
    }
  });

  it("rejects when every batch fails", async () => {
    store.misbehave = () => "status500";
    try {
      await expect(client({ maxSeriesPerRequest: 2 }).loadJobData(job(["b0", "b1", "b2"]), ["cpu_load"], undefined)).rejects.toThrow(CcMetricStoreError);
    } finally {
      store.misbehave = () => undefined;
    }
  });

  it("names rows the store left out", async () => {
    store.misbehave = () => "short";
    try {
      const result = await client().loadJobData(job(["h1", "h2"]), ["cpu_load"], undefined);
      expect(result.data.cpu_load!.node!.series.map((s) => s.hostname)).toEqual(["h1"]);
      expect(result.warnings).toEqual(['no data for "cpu_load" (node) on host "h2": the store sent no result for it']);
    } finally {
      store.misbehave = () => undefined;
    }
  });

  it("rejects with a clear error naming the store, never the token", async () => {
    const cases: [string | undefined, RegExp][] = [
      ["status500", /^cc-metric-store at http:\/\/127\.0\.0\.1:\d+: answered HTTP 500 Internal Server Error: \{"error":"internal error"\}$/],
      ["garbage", /: the answer is not JSON: <html>not json$/],
      ["no-results", /: the answer is not a query result: the body has no "results" array$/],
    ];
    for (const [mode, expected] of cases) {
      store.misbehave = () => mode as never;
      try {
        await expect(client().loadJobData(job(["h1"]), ["cpu_load"], undefined)).rejects.toThrow(expected);
      } finally {
        store.misbehave = () => undefined;
      }
    }
    const wrongToken = client({ token: "not-the-token" });
    const error = (await wrongToken.loadStats(job(["h1"]), ["cpu_load"]).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CcMetricStoreError);
    expect(error.message).toMatch(/answered HTTP 401 Unauthorized \(check the token\)/);
    expect(error.message).not.toContain("not-the-token");
    const port = new URL(store.url).port;
    const withCredentials = new CcMetricStoreRepository({ url: `http://admin:hunter2@127.0.0.1:${port}/`, clusters: registry });
    const refused = (await withCredentials.loadStats(job(["h1"]), ["cpu_load"]).catch((e: unknown) => e)) as Error;
    expect(refused.message).toContain(`cc-metric-store at http://127.0.0.1:${port}:`);
    expect(refused.message).not.toContain("hunter2");
  });

  it("rejects when the store is unreachable", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const unreachable = new CcMetricStoreRepository({ url: `http://127.0.0.1:${closed}`, clusters: registry });
    await expect(unreachable.loadJobData(job(["h1"]), ["cpu_load"], undefined)).rejects.toThrow(new RegExp(`^cc-metric-store at http://127\\.0\\.0\\.1:${closed}: unreachable: fetch failed \\(ECONNREFUSED\\)$`));
  });

  it("gives up on a slow store after its timeout, and at once when the caller aborts", async () => {
    store.misbehave = () => "slow";
    store.slowMs = 3000;
    try {
      let started = Date.now();
      await expect(client({ timeoutSeconds: 0.3 }).loadJobData(job(["h1"]), ["cpu_load"], undefined)).rejects.toThrow(/: no answer within 0\.3 s$/);
      expect(Date.now() - started).toBeLessThan(2500);
      started = Date.now();
      const signal = AbortSignal.timeout(100);
      const aborted = (await client()
        .loadJobData(job(["h1"]), ["cpu_load"], undefined, { signal })
        .catch((e: unknown) => e)) as Error;
      expect(aborted).not.toBeInstanceOf(CcMetricStoreError);
      expect(aborted.name).toBe("TimeoutError");
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      store.misbehave = () => undefined;
    }
  });

  it("sends no request when nothing can be asked, and names unknown metrics and clusters", async () => {
    const before = store.requests.length;
    const result = await client().loadJobData(job(["h1"]), ["nope"], undefined);
    expect(result).toEqual({ data: {}, warnings: [`metric "nope" is not configured for cluster "${C}"`] });
    const other = await client().loadStats(job(["h1"], { cluster: "elsewhere" }), undefined);
    expect(other.warnings).toEqual(['cluster "elsewhere" has no cluster.json in the job archive: its metrics are unknown']);
    expect(store.requests.length).toBe(before);
  });

  it("asks for renamed metrics by their name in the store", async () => {
    const renamed = client({ metricRenamings: { cpu_load: "load_one" } });
    const result = await renamed.loadJobData(job(["h1"]), ["cpu_load"], undefined);
    expect(result.data.cpu_load!.node!.series[0]!.data).toEqual([7]);
    const nodes = await renamed.loadNodeData(C, undefined, ["cpu_load"], NOW - 180, NOW + 60);
    expect(nodes.data.h1!.cpu_load![0]!.series[0]!.data).toEqual([7]);
  });

  it("loads node data of given hosts, and of every host the store has", async () => {
    const given = await client().loadNodeData(C, ["h1", "h2"], ["cpu_load", "flops_any"], NOW - 180, NOW + 60, { scopes: ["node", "core"] });
    expect(Object.keys(given.data)).toEqual(["h1", "h2"]);
    expect(given.data.h1!.cpu_load!.map((m) => m.series[0]!.data)).toEqual([[null, 1, null, 3]]);
    // Node (all four cores summed) and core scope, one JobMetric each.
    expect(given.data.h1!.flops_any!.map((m) => m.series.map((s) => [s.id ?? "node", s.data[0]]))).toEqual([
      [["node", 6]],
      [
        ["0", 0],
        ["1", 1],
        ["2", 2],
        ["3", 3],
      ],
    ]);
    expect(given.data.h2).toEqual({});
    expect(given.warnings).toContain('no data for "cpu_load" (node) on host "h2": metric or host not found');

    const all = await client().loadNodeData(C, undefined, ["cpu_load"], NOW - 180, NOW + 60);
    expect(store.requests.at(-1)!.body["for-all-nodes"]).toEqual(["cpu_load"]);
    expect(Object.keys(all.data)).toEqual(expect.arrayContaining(["b0", "b4", "h1", "h3"]));
    expect(all.data.b4!.cpu_load![0]!.series[0]!.data).toEqual([4]);
  });

  it("keeps the node data of all hosts when the finer scopes fail", async () => {
    const before = store.requests.length;
    store.misbehave = (i) => (i > before ? "status500" : undefined);
    try {
      const result = await client().loadNodeData(C, undefined, ["flops_any"], NOW - 180, NOW + 60, { scopes: ["node", "core"] });
      expect(result.data.h1!.flops_any!.map((m) => m.series.map((s) => s.data))).toEqual([[[6, 10]]]);
      expect(result.warnings.some((w) => /failed: cc-metric-store at .*: answered HTTP 500/.test(w))).toBe(true);
    } finally {
      store.misbehave = () => undefined;
    }
  });
});

describe("cc-metric-store client against this server's own /api/query", () => {
  const dir = tempDir();
  const metricStore = testStore();
  let app: TestApp;
  let apiToken: string;
  const remote = () => new CcMetricStoreRepository({ url: app.url, token: apiToken, clusters: registry });
  const internal = new InternalMetricDataRepository(metricStore, registry);
  const myJob = job(["n1", "n2"], { resources: [{ hostname: "n1", accelerators: ["acc0", "acc1"] }, { hostname: "n2" }], numAcc: 2, startTime: NOW - 120, duration: 180 });

  beforeAll(async () => {
    app = await startTestApp(await freshDatabase(dir), { webRoot: false, metricStore }, {});
    apiToken = await issueToken(testKeys, { username: "collector", roles: ["api"] });
    const lines = [
      line("cpu_load", "n1", 1, NOW - 120),
      line("cpu_load", "n1", 2, NOW - 60),
      line("cpu_load", "n1", 3, NOW),
      ...[0, 1, 2, 3].flatMap((c) => [line("flops_any", "n1", c + 1, NOW - 60, { type: "core", "type-id": String(c) }), line("flops_any", "n1", c + 1, NOW, { type: "core", "type-id": String(c) })]),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((t) => line("ipc", "n1", t, NOW, { type: "hwthread", "type-id": String(t) })),
      line("acc_util", "n1", 10, NOW, { type: "accelerator", "type-id": "acc0" }),
      line("acc_util", "n1", 30, NOW, { type: "accelerator", "type-id": "acc1" }),
    ];
    const written = await fetch(`${app.url}/api/write?cluster=${C}`, { method: "POST", headers: { authorization: `Bearer ${apiToken}`, "content-type": "text/plain" }, body: lines.join("\n") });
    expect(await written.json()).toMatchObject({ accepted: lines.length, rejected: 0 });
  });

  it("reads node data and aggregates core → socket → node and hwthread → core on the server", async () => {
    const result = await remote().loadJobData(myJob, ["cpu_load", "flops_any", "ipc", "acc_util"], ["node", "socket", "core"]);
    expect(result.data.cpu_load!.node!.series).toEqual([{ hostname: "n1", statistics: { avg: 2, min: 1, max: 3 }, data: [1, 2, 3] }]);
    const flops = result.data.flops_any!;
    expect(flops.node!.series.map((s) => s.data)).toEqual([[null, 10, 10]]);
    expect(flops.socket!.series.map((s) => [s.id, s.data])).toEqual([
      ["0", [null, 3, 3]],
      ["1", [null, 7, 7]],
    ]);
    expect(flops.core!.series.map((s) => [s.id, s.statistics])).toEqual([
      ["0", { avg: 1, min: 1, max: 1 }],
      ["1", { avg: 2, min: 2, max: 2 }],
      ["2", { avg: 3, min: 3, max: 3 }],
      ["3", { avg: 4, min: 4, max: 4 }],
    ]);
    // ipc is averaged (its aggregation in cluster.json): core 1 = avg(hwthreads 2, 3).
    expect(result.data.ipc!.core!.series.find((s) => s.id === "1")!.data).toEqual([null, null, 2.5]);
    expect(result.data.acc_util!.node!.series[0]!.data).toEqual([null, null, 20]);
    expect(result.warnings).toContain('no data for "cpu_load" (node) on host "n2": metric or host not found');
  });

  it("answers like the embedded store read directly", async () => {
    const args = [myJob, ["cpu_load", "flops_any", "ipc", "clock", "acc_util"], ["node", "socket", "memoryDomain", "core", "hwthread", "accelerator"]] as const;
    const viaHttp = await remote().loadJobData(args[0], [...args[1]], [...args[2]]);
    const direct = await internal.loadJobData(args[0], [...args[1]], [...args[2]]);
    expect(Object.keys(viaHttp.data).sort()).toEqual(["acc_util", "cpu_load", "flops_any", "ipc"]);
    expect(viaHttp.data).toEqual(direct.data);
    expect((await remote().loadStats(myJob, undefined)).data).toEqual((await internal.loadStats(myJob, undefined)).data);
  });

  it("loads statistics per host", async () => {
    const result = await remote().loadStats(myJob, ["cpu_load", "flops_any"]);
    expect(result.data).toEqual({ cpu_load: { n1: { avg: 2, min: 1, max: 3 } }, flops_any: { n1: { avg: 10, min: 10, max: 10 } } });
    expect(result.warnings).toEqual([
      'no data for "cpu_load" (node) on host "n2": metric or host not found',
      'no data for "flops_any" (node) on host "n2": metric or host not found',
    ]);
  });

  it("finds every host of the cluster for node data", async () => {
    const result = await remote().loadNodeData(C, undefined, ["cpu_load", "flops_any"], NOW - 120, NOW + 60, { scopes: ["node", "socket"] });
    expect(Object.keys(result.data)).toEqual(["n1"]);
    expect(result.data.n1!.flops_any!.map((m) => m.series.map((s) => s.data))).toEqual([[[null, 10, 10]], [[null, 3, 3], [null, 7, 7]]]);
  });

  it("is refused with a clear error for a token without the api role", async () => {
    const userToken = await issueToken(testKeys, { username: "alice", roles: ["user"] });
    const client = new CcMetricStoreRepository({ url: app.url, token: userToken, clusters: registry });
    await expect(client.loadStats(myJob, ["cpu_load"])).rejects.toThrow(/^cc-metric-store at http:\/\/127\.0\.0\.1:\d+: answered HTTP 403 Forbidden \(check the token\): .*missing role: api/);
  });
});
