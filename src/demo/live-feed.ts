/**
 * Live data for the demo: a few running jobs started through the REST API like a batch system would,
 * and their metrics written as line protocol to the embedded store, back to each job's start and then
 * every timestep, like a node collector would. The live views (running jobs, systems, status) then
 * have something to show.
 */
import type { ClusterRegistry } from "../archive/clusters.js";
import type { ClusterConfig, SubCluster } from "../archive/generated/archive-types.js";
import { NodeList } from "../archive/nodelist.js";
import { createRandom, type Random } from "./random.js";

export interface LiveFeedOptions {
  /** Base URL of the server, e.g. http://127.0.0.1:8080 */
  url: string;
  /** A JWT with the api role. */
  token: string;
  registry: ClusterRegistry;
  /** Running jobs to start per cluster. */
  jobsPerCluster?: number;
  seed?: number;
  /** Unix seconds; default the clock. */
  now?: () => number;
  log?: (line: string) => void;
}

interface LiveJob {
  cluster: ClusterConfig;
  subCluster: SubCluster;
  hosts: string[];
  start: number;
  /** 0..1 per metric: how busy this job keeps that metric. */
  levels: Map<string, number>;
}

const TIMESTEP = 60;

async function post(options: LiveFeedOptions, path: string, body: string, type: string): Promise<Response> {
  const response = await fetch(`${options.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${options.token}`, "content-type": type }, body });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Type ids of a scope on a node of the subcluster (cores, sockets, GPUs). */
function typeIds(sub: SubCluster, scope: string): string[] {
  if (scope === "core") return (sub.topology.core ?? []).map((_, i) => String(i));
  if (scope === "socket") return sub.topology.socket.map((_, i) => String(i));
  if (scope === "accelerator") return (sub.topology.accelerators ?? []).map((a) => a.id);
  if (scope === "memoryDomain") return sub.topology.memoryDomain.map((_, i) => String(i));
  return [];
}

function lines(job: LiveJob, time: number, random: Random, registry: ClusterRegistry): string[] {
  const out: string[] = [];
  for (const metric of registry.metrics(job.cluster.name, job.subCluster.name)) {
    const level = job.levels.get(metric.name) ?? 0.5;
    for (const host of job.hosts) {
      const value = (scale: number) => Math.max(0, metric.peak * level * scale * (0.9 + 0.2 * random()));
      if (metric.scope === "node") {
        out.push(`${metric.name},hostname=${host},type=node value=${value(1).toFixed(3)} ${time}`);
        continue;
      }
      const ids = typeIds(job.subCluster, metric.scope);
      // A finer metric's peak is per node in cluster.json; its parts share it.
      const share = metric.aggregation === "sum" && ids.length > 0 ? 1 / ids.length : 1;
      for (const id of ids) out.push(`${metric.name},hostname=${host},type=${metric.scope},type-id=${id} value=${value(share).toFixed(3)} ${time}`);
    }
  }
  return out;
}

/** Starts the jobs and writes their history; then call `tick()` every timestep (or use `run`). */
export interface LiveFeed {
  jobs: number;
  /** Where and since when the feed writes data: a job placed there can be archived with real series. */
  running: { cluster: string; subCluster: string; hosts: string[]; start: number }[];
  tick: () => Promise<void>;
}

export async function startLiveFeed(options: LiveFeedOptions): Promise<LiveFeed> {
  const random = createRandom(options.seed ?? 7);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const log = options.log ?? (() => {});
  const jobs: LiveJob[] = [];
  let nextJobId = 9_000_000 + Math.floor(now() % 100_000);
  for (const cluster of options.registry.clusters) {
    for (let j = 0; j < (options.jobsPerCluster ?? 3); j++) {
      const subCluster = cluster.subClusters[j % cluster.subClusters.length]!;
      if (subCluster.nodes.trim() === "*") continue;
      const all = NodeList.parse(subCluster.nodes).hostnames();
      const count = 1 + Math.floor(random() * 3);
      const first = Math.floor(random() * Math.max(1, all.length - count));
      const hosts = all.slice(first, first + count);
      const start = Math.floor((now() - (20 + Math.floor(random() * 60)) * 60) / TIMESTEP) * TIMESTEP;
      const levels = new Map(cluster.metricConfig.map((m) => [m.name, 0.2 + random() * 0.6]));
      const job: LiveJob = { cluster, subCluster, hosts, start, levels };
      await post(
        options,
        "/api/jobs/start_job/",
        JSON.stringify({
          jobId: nextJobId++,
          user: "demo",
          project: "live-demo",
          cluster: cluster.name,
          subCluster: subCluster.name,
          partition: subCluster.name,
          numNodes: hosts.length,
          exclusive: 1,
          walltime: 86_400,
          resources: hosts.map((hostname) => ({ hostname })),
          metaData: { jobName: `live_${cluster.name}_${j}` },
          startTime: start,
        }),
        "application/json",
      );
      jobs.push(job);
    }
  }
  // One request per cluster and a few timesteps: a few hours of per-core data would exceed a write's size limit.
  const write = async (from: number, to: number) => {
    for (let chunk = from; chunk <= to; chunk += 10 * TIMESTEP) {
      const end = Math.min(to, chunk + 9 * TIMESTEP);
      for (const cluster of new Set(jobs.map((j) => j.cluster.name))) {
        const body: string[] = [];
        for (const job of jobs.filter((j) => j.cluster.name === cluster)) {
          for (let t = Math.max(chunk, job.start); t <= end; t += TIMESTEP) body.push(...lines(job, t, random, options.registry));
        }
        if (body.length > 0) await post(options, `/api/write?cluster=${encodeURIComponent(cluster)}&precision=s`, body.join("\n"), "text/plain");
      }
    }
  };
  let written = Math.floor(now() / TIMESTEP) * TIMESTEP;
  await write(Math.min(...jobs.map((j) => j.start)), written);
  log(`live demo data: ${jobs.length} running jobs on ${new Set(jobs.map((j) => j.cluster.name)).size} clusters`);
  return {
    jobs: jobs.length,
    running: jobs.map((job) => ({ cluster: job.cluster.name, subCluster: job.subCluster.name, hosts: job.hosts, start: job.start })),
    async tick() {
      const until = Math.floor(now() / TIMESTEP) * TIMESTEP;
      if (until > written) await write(written + TIMESTEP, until);
      written = Math.max(written, until);
    },
  };
}
