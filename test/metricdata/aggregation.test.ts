import { describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { InternalMetricDataRepository } from "../../src/metricdata/internal/repository.ts";
import { planSelections, targetScope } from "../../src/metricdata/internal/topology.ts";
import type { MetricDataJob } from "../../src/metricdata/repository.ts";
import { CLUSTER, NOW, testStore, TOPOLOGY } from "./fixtures.ts";

const C = "testcluster";

/** Core c of host h has flops_any = clock = 10*c + t/60 - offset, for three minutes. */
function filledStore() {
  const store = testStore();
  for (const host of ["n1", "n2"]) {
    for (let step = 0; step < 3; step++) {
      const t = NOW - 120 + step * 60;
      for (let c = 0; c < 4; c++) {
        store.write(C, host, "flops_any", { type: "core", typeId: String(c) }, t, 10 * c + step);
        store.write(C, host, "clock", { type: "core", typeId: String(c) }, t, 10 * c + step);
      }
      for (let h = 0; h < 8; h++) store.write(C, host, "ipc", { type: "hwthread", typeId: String(h) }, t, h);
      store.write(C, host, "cpu_load", undefined, t, host === "n1" ? 1 : 2);
      store.write(C, host, "acc_util", { type: "accelerator", typeId: "acc0" }, t, 50);
      store.write(C, host, "acc_util", { type: "accelerator", typeId: "acc1" }, t, 70);
    }
  }
  return store;
}

const job: MetricDataJob = {
  cluster: C,
  subCluster: "main",
  startTime: NOW - 120,
  duration: 180,
  resources: [{ hostname: "n1" }, { hostname: "n2", hwthreads: [0, 1, 2, 3] }],
};

describe("scope planning", () => {
  it("never answers finer than requested nor finer than measured", () => {
    expect(targetScope("core", "hwthread")).toBe("core");
    expect(targetScope("core", "socket")).toBe("socket");
    expect(targetScope("node", "core")).toBe("node");
    expect(targetScope("hwthread", "accelerator")).toBe("hwthread");
    expect(targetScope("accelerator", "socket")).toBe("accelerator");
    expect(targetScope("accelerator", "node")).toBe("node");
  });

  it("maps native units to the coarser units that contain them, within the job's threads", () => {
    expect(planSelections("core", "socket", TOPOLOGY)).toEqual([
      { scope: "socket", id: "0", type: "core", typeIds: ["0", "1"] },
      { scope: "socket", id: "1", type: "core", typeIds: ["2", "3"] },
    ]);
    expect(planSelections("hwthread", "core", TOPOLOGY, [2, 3, 4])).toEqual([
      { scope: "core", id: "1", type: "hwthread", typeIds: ["2", "3"] },
      { scope: "core", id: "2", type: "hwthread", typeIds: ["4"] },
    ]);
    expect(planSelections("core", "node", TOPOLOGY, [0, 1, 2])).toEqual([{ scope: "node", type: "core", typeIds: ["0", "1"] }]);
    expect(planSelections("accelerator", "node", TOPOLOGY, undefined, ["acc1"])).toEqual([{ scope: "node", type: "accelerator", typeIds: ["acc1"] }]);
    expect(planSelections("core", "socket", undefined)).toMatch(/no topology/);
    expect(planSelections("core", "core", { ...TOPOLOGY, core: undefined })).toMatch(/no "core" list/);
  });
});

describe("aggregation through the repository", () => {
  const repository = new InternalMetricDataRepository(filledStore(), new ClusterRegistry([CLUSTER]));

  it("sums a sum metric and averages an avg metric from core to socket and node", async () => {
    const { data, warnings } = await repository.loadJobData({ ...job, resources: [{ hostname: "n1" }] }, ["flops_any", "clock"], ["socket", "node"]);
    expect(warnings).toEqual([]);
    // step s: cores have 10c + s → socket 0 = cores 0,1; socket 1 = cores 2,3.
    expect(data.flops_any!.socket!.series.map((s) => [s.id, s.data])).toEqual([
      ["0", [10, 12, 14]],
      ["1", [50, 52, 54]],
    ]);
    expect(data.flops_any!.node!.series.map((s) => s.data)).toEqual([[60, 64, 68]]);
    expect(data.clock!.socket!.series.map((s) => s.data)).toEqual([
      [5, 6, 7],
      [25, 26, 27],
    ]);
    expect(data.clock!.node!.series[0]!.data).toEqual([15, 16, 17]);
    expect(data.clock!.node!.series[0]!.statistics).toEqual({ avg: 16, min: 15, max: 17 });
    expect(data.flops_any!.node).toMatchObject({ unit: { base: "x" }, timestep: 60 });
  });

  it("aggregates hwthreads to cores, restricted to the job's threads", async () => {
    const { data } = await repository.loadJobData(job, ["ipc"], ["core"]);
    expect(data.ipc!.core!.series.map((s) => [s.hostname, s.id, s.data[0]])).toEqual([
      ["n1", "0", 0.5],
      ["n1", "1", 2.5],
      ["n1", "2", 4.5],
      ["n1", "3", 6.5],
      ["n2", "0", 0.5],
      ["n2", "1", 2.5],
    ]);
  });

  it("returns a node metric at node scope when a finer scope is requested, and deduplicates", async () => {
    const { data } = await repository.loadJobData(job, ["cpu_load"], ["core", "hwthread", "node"]);
    expect(Object.keys(data.cpu_load!)).toEqual(["node"]);
    expect(data.cpu_load!.node!.series.map((s) => [s.hostname, s.id, s.data])).toEqual([
      ["n1", undefined, [1, 1, 1]],
      ["n2", undefined, [2, 2, 2]],
    ]);
  });

  it("keeps accelerators separate and only aggregates them to the node", async () => {
    const withAcc = { ...job, resources: [{ hostname: "n1", accelerators: ["acc0", "acc1"] }] };
    const { data } = await repository.loadJobData(withAcc, ["acc_util"], ["socket", "node"]);
    expect(data.acc_util!.accelerator!.series.map((s) => [s.id, s.data[0]])).toEqual([
      ["acc0", 50],
      ["acc1", 70],
    ]);
    expect(data.acc_util!.node!.series[0]!.data[0]).toBe(60);
    const { data: none } = await repository.loadJobData(job, ["acc_util"], ["node"]);
    expect(none).toEqual({});
  });

  it("pads to the job start and reports missing parts as warnings", async () => {
    const late = { ...job, startTime: NOW - 300, duration: 360, resources: [{ hostname: "n1" }, { hostname: "ghost" }] };
    const { data, warnings } = await repository.loadJobData(late, ["cpu_load", "nope"], ["node"]);
    expect(data.cpu_load!.node!.series).toHaveLength(1);
    expect(data.cpu_load!.node!.series[0]!.data).toEqual([null, null, null, 1, 1, 1]);
    expect(warnings).toEqual(['metric "nope" is not configured for cluster "testcluster"', 'no data for "cpu_load" (node) on host "ghost"']);
  });

  it("loads per-host statistics and node data", async () => {
    const stats = await repository.loadStats(job, ["flops_any", "cpu_load"]);
    expect(stats.data).toEqual({
      flops_any: { n1: { avg: 64, min: 60, max: 68 }, n2: { avg: 12, min: 10, max: 14 } },
      cpu_load: { n1: { avg: 1, min: 1, max: 1 }, n2: { avg: 2, min: 2, max: 2 } },
    });
    const nodes = await repository.loadNodeData(C, undefined, ["flops_any"], NOW - 120, NOW + 60, { scopes: ["node", "socket"] });
    expect(Object.keys(nodes.data)).toEqual(["n1", "n2"]);
    expect(nodes.data.n1!.flops_any!.map((m) => m.series.map((s) => s.id ?? "node"))).toEqual([["node"], ["0", "1"]]);
  });
});
