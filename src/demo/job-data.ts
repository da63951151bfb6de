import type { ClusterRegistry } from "../archive/clusters.js";
import type { JobData, JobMetric, JobStatistics, Series, SeriesStatistics } from "../archive/generated/archive-types.js";
import type { PlacedJob } from "./allocate.js";
import { drawLevels, type Levels } from "./behaviours.js";
import { modelMetric, type ChildScope, type MetricModel } from "./metric-model.js";
import { createRandom, tri, type Random } from "./random.js";
import { ioPhases, nodeSignal, nodeTime, plainSeries, signalStatistics, splitSeries, type Samples } from "./series.js";
import { jobStatistics, seriesStatistics, statisticsSeries } from "./statistics.js";

/** Meta-only jobs get statistics from this many samples: cheap, and the same levels as full data. */
const META_ONLY_SAMPLES = 12;
export const TIMESTEP = 60;
/**
 * Samples per core-scope metric and node beyond which a job gets no core scope: 72 cores for 2 hours.
 * Core series are most of the bytes (and of the time to write them), so long jobs keep node/socket only.
 */
const CORE_VALUES = 72 * 120;

interface Collected {
  model: MetricModel;
  /** Meta-only mode: per node statistics instead of series. */
  stats: SeriesStatistics[];
  node: Series[];
  children: Series[];
}

/** Shares of a node value per child: busy cores carry the load, idle ones almost nothing. */
function shares(random: Random, model: MetricModel, ids: readonly number[], active: number, coresPerSocket: number, jobCores: readonly number[]): number[] {
  let raw: number[];
  if (model.child === "socket") {
    raw = ids.map((s) => 0.2 + jobCores.slice(0, active).filter((c) => Math.floor(c / coresPerSocket) === s).length / active);
  } else if (model.child === "core" && model.weighting === "active") {
    raw = ids.map((_, i) => (i < active ? 1 + 0.1 * tri(random) : 0.02));
  } else {
    raw = ids.map(() => 1 + 0.05 * tri(random));
  }
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

function childIds(scope: ChildScope, job: PlacedJob, node: number, coresPerSocket: number): { ids: readonly number[]; names: string[] } {
  if (scope === "accelerator") {
    const gpus = job.accelerators[node]!;
    return { ids: gpus.map((_, i) => i), names: gpus };
  }
  const cores = job.hwthreads[node]!;
  if (scope === "core") return { ids: cores, names: cores.map(String) };
  const sockets = [...new Set(cores.map((c) => Math.floor(c / coresPerSocket)))];
  return { ids: sockets, names: sockets.map(String) };
}

/**
 * The job's time series and the statistics of meta.json. With `metaOnly` only short node-level
 * series are simulated, and only their statistics kept; the levels are drawn first, so both modes
 * describe the same job.
 */
export function jobMetrics(job: PlacedJob, registry: ClusterRegistry, metaOnly: boolean): { data?: JobData; statistics: JobStatistics; levels: Levels } {
  const random = createRandom(job.seed);
  const levels = drawLevels(random, job.behaviour, job.cluster === "alex", job.numNodes > 1);
  const sc = registry.subCluster(job.cluster, job.subCluster)!;
  const nodeCores = sc.socketsPerNode * sc.coresPerSocket;
  const full = Math.floor(job.duration / TIMESTEP) + 1;
  const samples = metaOnly ? Math.min(full, META_ONLY_SAMPLES) : full;
  const io = ioPhases(random, samples);
  // Per-core series only where they stay affordable: small jobs, and not for days on a whole node.
  const coreScope = !metaOnly && job.numNodes <= 2 && (job.numHwthreads / job.numNodes) * samples <= CORE_VALUES;
  const oom = job.jobState === "out_of_memory";
  const metrics = registry.metrics(job.cluster, job.subCluster).filter((m) => m.scope !== "accelerator" || job.gpusPerNode > 0);
  const collected: Collected[] = [];
  for (let n = 0; n < job.numNodes; n++) {
    const hostname = job.resources[n]!.hostname;
    const jobCores = job.hwthreads[n]!;
    const share = { cores: jobCores.length, nodeCores, gpus: job.accelerators[n]!.length };
    const active = Math.min(jobCores.length, Math.max(1, Math.round(levels.load * jobCores.length)));
    const time = nodeTime(random, samples, io, job.behaviour === "failing", !metaOnly);
    const nodeFactor = 1 + 0.04 * tri(random);
    for (let i = 0; i < metrics.length; i++) {
      const metric = metrics[i]!;
      const model = modelMetric(metric, levels, share, oom, coreScope);
      const entry = (collected[i] ??= { model, stats: [], node: [], children: [] });
      if (metaOnly) {
        entry.stats.push(signalStatistics(random, model, time, nodeFactor));
        continue;
      }
      const signal = nodeSignal(random, model, time, nodeFactor);
      if (!model.child) {
        const data = plainSeries(signal, time.missing);
        entry.node.push({ hostname, statistics: seriesStatistics(data), data });
        continue;
      }
      const { ids, names } = childIds(model.child, job, n, sc.coresPerSocket);
      const split = splitSeries(random, model, signal, shares(random, model, ids, active, sc.coresPerSocket, jobCores), time.missing);
      entry.node.push({ hostname, statistics: seriesStatistics(split.node), data: split.node });
      split.children.forEach((data, c) => entry.children.push({ hostname, id: names[c]!, statistics: seriesStatistics(data), data }));
    }
  }
  const statistics: JobStatistics = {};
  const data: JobData = {};
  for (const { model, stats, node, children } of collected) {
    const { name, unit } = model.metric;
    statistics[name] = jobStatistics(unit, metaOnly ? stats : node.map((s) => s.statistics as SeriesStatistics));
    if (metaOnly) continue;
    const nodeMetric: JobMetric = { unit, timestep: TIMESTEP, series: node };
    if (node.length > 1 && samples >= 3) nodeMetric.statisticsSeries = statisticsSeries(node.map((s) => s.data as Samples));
    data[name] = { node: nodeMetric };
    if (model.child && children.length > 0) data[name]![model.child] = { unit, timestep: TIMESTEP, series: children };
  }
  return metaOnly ? { statistics, levels } : { data, statistics, levels };
}
