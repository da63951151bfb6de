import type { ClusterConfig, MetricConfig, Topology } from "../../src/archive/generated/archive-types.ts";
import { MetricStore, type MetricStoreOptions } from "../../src/metricdata/internal/store.ts";

/** 2 sockets × 2 cores × 2 hardware threads; socket s holds cores 2s, 2s+1; core c threads 2c, 2c+1. */
export const TOPOLOGY: Topology = {
  node: [0, 1, 2, 3, 4, 5, 6, 7],
  socket: [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ],
  memoryDomain: [
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ],
  core: [
    [0, 1],
    [2, 3],
    [4, 5],
    [6, 7],
  ],
  accelerators: [
    { id: "acc0", type: "Nvidia GPU", model: "A100" },
    { id: "acc1", type: "Nvidia GPU", model: "A100" },
  ],
};

/** The one subcluster of the test clusters: two sockets of two cores with two threads, every host. */
export const MAIN_SUBCLUSTER = {
  name: "main",
  processorType: "test",
  socketsPerNode: 2,
  coresPerSocket: 2,
  threadsPerCore: 2,
  flopRateScalar: {},
  flopRateSimd: {},
  memoryBandwidth: {},
  nodes: "*",
  topology: TOPOLOGY,
};

function metric(name: string, scope: string, aggregation: "sum" | "avg", timestep = 60): MetricConfig {
  return { name, scope, aggregation, timestep, unit: { base: "x" }, peak: 100, normal: 50, caution: 10, alert: 1 };
}

export const CLUSTER: ClusterConfig = {
  name: "testcluster",
  metricConfig: [
    metric("cpu_load", "node", "avg"),
    metric("mem_used", "node", "sum", 10),
    metric("flops_any", "core", "sum"),
    metric("clock", "core", "avg"),
    metric("ipc", "hwthread", "avg"),
    metric("acc_util", "accelerator", "avg"),
  ],
  subClusters: [
    MAIN_SUBCLUSTER,
  ],
};

/** A fixed clock: 2023-11-14T22:13:20Z, a multiple of 60 s. */
export const NOW = 1_700_000_040;

export function clock(start = NOW): { now: () => number; set: (seconds: number) => void } {
  let current = start;
  return { now: () => current * 1000, set: (seconds) => (current = seconds) };
}

export function testStore(options: Partial<MetricStoreOptions> = {}): MetricStore {
  return new MetricStore({ clusters: [CLUSTER], now: () => NOW * 1000, ...options });
}

/** A line of line protocol. */
export function line(metric: string, host: string, value: number | string, time: number, tags: Record<string, string> = {}): string {
  const tagText = Object.entries(tags)
    .map(([k, v]) => `,${k}=${v}`)
    .join("");
  return `${metric},hostname=${host}${tagText} value=${value} ${time}`;
}
