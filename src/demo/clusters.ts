import type { ClusterConfig, MetricConfig, SubCluster, Unit } from "../archive/generated/archive-types.js";
import { buildTopology, type NodeShape } from "./topology.js";

const G = (base: string): Unit => ({ base, prefix: "G" });
const M = (base: string): Unit => ({ base, prefix: "M" });

type Thresholds = [peak: number, normal: number, caution: number, alert: number];

function metric(
  name: string,
  unit: Unit,
  scope: string,
  aggregation: "sum" | "avg",
  [peak, normal, caution, alert]: Thresholds,
  subClusters?: MetricConfig["subClusters"],
): MetricConfig {
  return { name, unit, scope, timestep: 60, aggregation, peak, normal, caution, alert, ...(subClusters ? { subClusters } : {}) };
}

function subCluster(name: string, processorType: string, nodes: string, shape: NodeShape, peaks: { scalar: number; simd: number; bw: number }): SubCluster {
  return {
    name,
    processorType,
    socketsPerNode: shape.sockets,
    coresPerSocket: shape.coresPerSocket,
    threadsPerCore: 1,
    flopRateScalar: { unit: G("F/s"), value: peaks.scalar },
    flopRateSimd: { unit: G("F/s"), value: peaks.simd },
    memoryBandwidth: { unit: G("B/s"), value: peaks.bw },
    nodes,
    topology: buildTopology(shape),
  };
}

/** Metrics both clusters collect; node-level thresholds, as cc-backend's UI compares node averages. */
function cpuMetrics(cores: number): MetricConfig[] {
  return [
    metric("cpu_load", { base: "" }, "node", "avg", [cores, cores, cores / 2, cores / 4]),
    metric("cpu_user", { base: "%" }, "core", "avg", [100, 50, 20, 10]),
    metric("ipc", { base: "IPC" }, "core", "avg", [4, 2, 1, 0.5]),
    metric("clock", M("Hz"), "core", "avg", [3000, 2400, 1800, 1200]),
    metric("net_bw", G("B/s"), "node", "sum", [12.5, 5, 1, 0.1]),
    metric("file_bw", G("B/s"), "node", "sum", [20, 5, 1, 0.1]),
  ];
}

/** fritz: Intel CPU cluster with HDR100 InfiniBand; spr1tb nodes are Sapphire Rapids with 1 TB. */
export function fritzConfig(): ClusterConfig {
  const main: NodeShape = { sockets: 2, coresPerSocket: 36, memoryDomains: 4 };
  const spr: NodeShape = { sockets: 2, coresPerSocket: 52, memoryDomains: 8 };
  const spr1tb = (peak: number, normal: number, caution: number, alert: number) => [{ name: "spr1tb", peak, normal, caution, alert }];
  return {
    name: "fritz",
    metricConfig: [
      ...cpuMetrics(72).map((m) => (m.name === "cpu_load" ? { ...m, subClusters: spr1tb(104, 104, 52, 26) } : m)),
      metric("mem_used", G("B"), "node", "sum", [256, 128, 200, 240], spr1tb(1024, 512, 900, 1000)),
      metric("flops_any", G("F/s"), "core", "sum", [5600, 1000, 200, 50], spr1tb(8000, 1500, 300, 50)),
      metric("flops_dp", G("F/s"), "core", "sum", [2300, 500, 100, 50], spr1tb(3500, 700, 150, 50)),
      metric("flops_sp", G("F/s"), "core", "sum", [5600, 1000, 200, 50], spr1tb(8000, 1500, 300, 50)),
      metric("mem_bw", G("B/s"), "socket", "sum", [350, 100, 50, 10], spr1tb(500, 150, 70, 15)),
      metric("cpu_power", { base: "W" }, "socket", "sum", [500, 250, 100, 50], spr1tb(700, 350, 150, 70)),
      // Sapphire Rapids exposes no DRAM RAPL domain there.
      metric("mem_power", { base: "W" }, "socket", "sum", [100, 50, 20, 10], [{ name: "spr1tb", remove: true }]),
    ],
    subClusters: [
      subCluster("main", "Intel Icelake", "f[0101-0188],f[0201-0288],f[0301-0388],f[0401-0488],f[0501-0556]", main, { scalar: 432, simd: 5530, bw: 350 }),
      subCluster("spr1tb", "Intel(R) Xeon(R) Platinum 8470", "f[1201-1248]", spr, { scalar: 832, simd: 7987, bw: 500 }),
    ],
  };
}

/** alex: GPU cluster, 8 GPUs and 2 x 64 AMD cores per node, shared by GPU. */
export function alexConfig(): ClusterConfig {
  const shape = (model: string): NodeShape => ({ sockets: 2, coresPerSocket: 64, memoryDomains: 8, gpus: { count: 8, model } });
  return {
    name: "alex",
    metricConfig: [
      ...cpuMetrics(128),
      metric("mem_used", G("B"), "node", "sum", [1024, 512, 900, 1000], [{ name: "a40", peak: 512, normal: 256, caution: 450, alert: 500 }]),
      metric("flops_any", G("F/s"), "core", "sum", [4000, 800, 200, 50]),
      metric("flops_dp", G("F/s"), "core", "sum", [2000, 400, 100, 25]),
      metric("flops_sp", G("F/s"), "core", "sum", [4000, 800, 200, 50]),
      metric("mem_bw", G("B/s"), "socket", "sum", [400, 120, 50, 10]),
      metric("cpu_power", { base: "W" }, "socket", "sum", [450, 250, 100, 50]),
      metric("acc_utilization", { base: "%" }, "accelerator", "avg", [100, 80, 50, 10]),
      metric("acc_mem_used", G("B"), "accelerator", "sum", [48, 24, 40, 46], [{ name: "a100", peak: 40, normal: 20, caution: 34, alert: 38 }]),
      metric("acc_power", { base: "W" }, "accelerator", "sum", [300, 200, 100, 50], [{ name: "a100", peak: 400, normal: 250, caution: 120, alert: 60 }]),
    ],
    subClusters: [
      subCluster("a40", "AMD EPYC 7713", "a[0101-0138]", shape("NVIDIA A40"), { scalar: 512, simd: 4096, bw: 400 }),
      subCluster("a100", "AMD EPYC 7713", "a[0501-0520],a[0601-0620]", shape("NVIDIA A100-SXM4-40GB"), { scalar: 512, simd: 4096, bw: 400 }),
    ],
  };
}

export function demoClusters(): ClusterConfig[] {
  return [alexConfig(), fritzConfig()];
}
