import type { ClusterConfig, Resource } from "../archive/generated/archive-types.js";
import { NodeList } from "../archive/nodelist.js";
import type { PlannedJob } from "./plan.js";
import { integer, type Random } from "./random.js";
import { GPU_BUS_IDS } from "./topology.js";

/** A job placed on nodes, with its batch system identity. */
export interface PlacedJob extends PlannedJob {
  jobId: number;
  arrayJobId: number;
  partition: string;
  exclusive: 0 | 1;
  resources: Resource[];
  /** Per node, the hardware threads the job owns there (shared between jobs: do not modify). */
  hwthreads: (readonly number[])[];
  /** Per node, the GPUs the job owns there. */
  accelerators: string[][];
  numHwthreads: number;
  numAcc?: number;
}

/** First job ids, in the range fritz and alex had around 2024. */
const FIRST_JOB_ID: Record<PlannedJob["cluster"], number> = { fritz: 1_240_000, alex: 870_000 };

/**
 * Busy-until times of allocatable slots: a whole node on fritz, one GPU with its 16 cores on alex.
 * Jobs come in start order, so a slot is free for a job once its previous job has ended.
 */
class SubClusterSlots {
  readonly hosts: string[];
  readonly allThreads: readonly number[];
  readonly slotThreads: readonly (readonly number[])[];
  private readonly busyUntil: Float64Array;

  constructor(
    nodes: string,
    readonly slotsPerNode: number,
    readonly coresPerSlot: number,
  ) {
    this.hosts = NodeList.parse(nodes).hostnames();
    this.busyUntil = new Float64Array(this.hosts.length * slotsPerNode);
    this.allThreads = Array.from({ length: slotsPerNode * coresPerSlot }, (_, t) => t);
    this.slotThreads = Array.from({ length: slotsPerNode }, (_, s) => this.allThreads.slice(s * coresPerSlot, (s + 1) * coresPerSlot));
  }

  /** `numNodes` nodes with `perNode` slots free at `start`; overlaps only if the subcluster is full. */
  take(random: Random, job: PlannedJob, perNode: number): { node: number; slots: number[] }[] {
    const n = this.hosts.length;
    const first = integer(random, 0, n - 1);
    const chosen: { node: number; slots: number[] }[] = [];
    for (let i = 0; i < n && chosen.length < job.numNodes; i++) {
      const node = (first + i) % n;
      const free: number[] = [];
      for (let s = 0; s < this.slotsPerNode && free.length < perNode; s++) {
        if (this.busyUntil[node * this.slotsPerNode + s]! <= job.startTime) free.push(s);
      }
      if (free.length === perNode) chosen.push({ node, slots: free });
    }
    for (let i = 0; chosen.length < job.numNodes; i++) {
      const node = (first + i) % n;
      if (!chosen.some((c) => c.node === node)) chosen.push({ node, slots: Array.from({ length: perNode }, (_, s) => s) });
    }
    for (const { node, slots } of chosen) for (const s of slots) this.busyUntil[node * this.slotsPerNode + s] = job.startTime + job.duration;
    return chosen.sort((a, b) => a.node - b.node);
  }
}

function partitionOf(job: PlannedJob): string {
  if (job.cluster === "alex") return job.subCluster;
  if (job.subCluster === "spr1tb") return "spr1tb";
  return job.numNodes === 1 ? "singlenode" : "multinode";
}

/**
 * Gives the jobs (sorted by start time) ids, array ids, partitions and nodes. A generator, so that
 * each placed job can be written and forgotten before the next is made.
 */
export function* placeJobs(random: Random, jobs: readonly PlannedJob[], clusters: readonly ClusterConfig[]): Generator<PlacedJob> {
  const slots = new Map<string, SubClusterSlots>();
  for (const cluster of clusters) {
    for (const sc of cluster.subClusters) {
      const gpus = sc.topology.accelerators?.length ?? 0;
      const cores = sc.socketsPerNode * sc.coresPerSocket;
      slots.set(`${cluster.name}/${sc.name}`, new SubClusterSlots(sc.nodes, Math.max(1, gpus), gpus ? cores / gpus : cores));
    }
  }
  const nextId = { ...FIRST_JOB_ID };
  const arrayIds = new Map<number, number>();
  for (const job of jobs) {
    const jobId = nextId[job.cluster];
    // Gaps: jobs that never ran or were not monitored also consumed ids.
    nextId[job.cluster] = jobId + 1 + (random() < 0.5 ? 0 : integer(random, 1, 4));
    if (job.burst && !arrayIds.has(job.burst)) arrayIds.set(job.burst, jobId);
    const pool = slots.get(`${job.cluster}/${job.subCluster}`)!;
    const perNode = job.gpusPerNode || pool.slotsPerNode;
    const exclusive = perNode === pool.slotsPerNode ? 1 : 0;
    const placed = pool.take(random, job, perNode);
    // Whole nodes share one read-only list: building 72 numbers per node and job took a third of a meta-only run.
    const hwthreads = placed.map(({ slots: s }) => (exclusive ? pool.allThreads : s.flatMap((slot) => pool.slotThreads[slot]!)));
    const accelerators = placed.map(({ slots: s }) => (job.gpusPerNode ? s.map((slot) => GPU_BUS_IDS[slot]!) : []));
    const resources = placed.map(({ node }, i): Resource => {
      const resource: Resource = { hostname: pool.hosts[node]! };
      if (!exclusive) resource.hwthreads = [...hwthreads[i]!];
      if (job.gpusPerNode) resource.accelerators = accelerators[i]!;
      return resource;
    });
    yield {
      ...job,
      jobId,
      arrayJobId: job.burst ? arrayIds.get(job.burst)! : 0,
      partition: partitionOf(job),
      exclusive,
      resources,
      hwthreads,
      accelerators,
      numHwthreads: hwthreads.reduce((sum, h) => sum + h.length, 0),
      ...(job.gpusPerNode ? { numAcc: job.numNodes * job.gpusPerNode } : {}),
    };
  }
}
