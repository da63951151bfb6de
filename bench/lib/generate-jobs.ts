import type { JobRow } from "../../src/db/jobs/job-row.ts";
import { createRandom, normal, weighted, zipf } from "../../src/demo/random.ts";

/**
 * A deterministic stream of cc-backend-shaped jobs with the distributions of ../shared/floor/REPORT.md:
 * six subclusters on three clusters, 2,000 Zipf-distributed users, 500 projects, log-normal durations,
 * mostly single-node jobs, 2 % running, start times over two years in ascending order.
 */
export const NOW = 1_719_792_000; // 2024-07-01, the "now" of the floor measurements
const SPAN = 2 * 365 * 86400;

const SUBCLUSTERS = [
  { cluster: "fritz", subCluster: "main", weight: 29.7, cores: 72, gpus: 0, prefix: "f", partitions: ["singlenode", "multinode"], maxNodes: 512 },
  { cluster: "fritz", subCluster: "spr1tb", weight: 5.2, cores: 104, gpus: 0, prefix: "f", partitions: ["spr1tb"], maxNodes: 16 },
  { cluster: "alex", subCluster: "a40", weight: 12.6, cores: 128, gpus: 8, prefix: "a", partitions: ["a40"], maxNodes: 16 },
  { cluster: "alex", subCluster: "a100", weight: 12.6, cores: 128, gpus: 8, prefix: "a", partitions: ["a100"], maxNodes: 16 },
  { cluster: "woody", subCluster: "skylake", weight: 24.0, cores: 40, gpus: 0, prefix: "w", partitions: ["work", "devel"], maxNodes: 16 },
  { cluster: "woody", subCluster: "icelake", weight: 15.9, cores: 64, gpus: 0, prefix: "w", partitions: ["work"], maxNodes: 16 },
] as const;

const STATES = [
  ["completed", 80],
  ["failed", 8],
  ["cancelled", 6],
  ["timeout", 3],
  ["running", 2],
  ["out_of_memory", 0.5],
  ["preempted", 0.3],
  ["stopped", 0.2],
] as const;

const NODE_BUCKETS: readonly (readonly [readonly [number, number], number])[] = [
  [[1, 1], 81.1],
  [[2, 7], 14.1],
  [[8, 63], 4.4],
  [[64, 255], 0.34],
  [[256, 512], 0.07],
];

const WALLTIMES = [3600, 7200, 14400, 28800, 43200, 86400, 172800, 604800];
const JOB_NAMES = ["gromacs_md", "lammps_run", "vasp_relax", "namd_sim", "cp2k_opt", "openfoam_case", "python_train", "pytorch_ddp", "matlab_batch", "julia_solver", "wrf_forecast", "quantum_espresso", "amber_prod", "orca_dft", "ansys_fluent", "star_ccm", "abaqus_job", "bwa_align", "snakemake", "nextflow", "relion_refine", "cryosparc", "tensorflow", "jupyter", "array_task"];

export interface GeneratedTag {
  tagType: string;
  tagName: string;
}

export function generateTags(): GeneratedTag[] {
  const tags: GeneratedTag[] = [];
  for (let i = 0; i < 200; i++) tags.push({ tagType: ["app", "jobClass", "issue", "custom"][i % 4]!, tagName: `tag_${i}` });
  return tags;
}

export function* generateJobs(count: number, seed = 42): Generator<JobRow & { tagIds: number[] }> {
  const random = createRandom(seed);
  const user = zipf(random, 2000);
  const jobName = zipf(random, JOB_NAMES.length);
  const nextJobId = new Map<string, number>([["fritz", 100_000], ["alex", 500_000], ["woody", 2_000_000]]);
  const subclusters = SUBCLUSTERS.map((s) => [s, s.weight] as const);
  for (let i = 0; i < count; i++) {
    const sc = weighted(random, subclusters);
    const u = user();
    const state = weighted(random, STATES);
    const running = state === "running";
    const startTime = running ? NOW - Math.floor(random() * 21 * 86400) : NOW - SPAN + Math.floor((i / count) * SPAN * 0.99 + random() * 600);
    const duration = running ? 0 : Math.min(604_800, Math.max(60, Math.round(1800 * Math.exp(1.8 * normal(random)))));
    const walltime = WALLTIMES.find((w) => w >= duration * 1.2) ?? 604_800;
    const [lo, hi] = weighted(random, NODE_BUCKETS);
    const numNodes = Math.min(sc.maxNodes, lo + Math.floor(random() * (hi - lo + 1)));
    const shared = numNodes === 1 && random() < 0.3;
    const numHWThreads = shared ? 1 + Math.floor(random() * sc.cores) : numNodes * sc.cores;
    const numAcc = sc.gpus > 0 ? numNodes * (1 + Math.floor(random() * sc.gpus)) : null;
    const firstNode = Math.floor(random() * 900);
    const resources = Array.from({ length: numNodes }, (_, n) => ({ hostname: `${sc.prefix}${String(1000 + ((firstNode + n) % 900)).padStart(4, "0")}` }));
    const idle = random() < 0.25;
    const load = idle ? random() * 0.1 : 0.5 + random() * 0.5;
    const jobId = nextJobId.get(sc.cluster)!;
    nextJobId.set(sc.cluster, jobId + 1 + Math.floor(random() * 3));
    const tagIds: number[] = [];
    if (random() < 0.1) {
      tagIds.push(1 + Math.floor(random() * 200));
      if (random() < 0.4) tagIds.push(1 + ((tagIds[0]! + 1 + Math.floor(random() * 198)) % 200));
    }
    yield {
      jobId,
      cluster: sc.cluster,
      subCluster: sc.subCluster,
      startTime,
      user: `user${String(u).padStart(4, "0")}`,
      project: `proj${String((u * 7 + (random() < 0.2 ? Math.floor(random() * 500) : 0)) % 500).padStart(3, "0")}`,
      partition: sc.partitions[Math.floor(random() * sc.partitions.length)]!,
      arrayJobId: random() < 0.05 ? jobId - 1 : 0,
      duration,
      walltime,
      jobState: state,
      metaData: JSON.stringify({ jobName: `${JOB_NAMES[jobName()]}_${Math.floor(random() * 100)}`, slurmInfo: `Partition=${sc.partitions[0]} QOS=normal` }),
      resources: JSON.stringify(resources),
      numNodes,
      numHWThreads,
      numAcc,
      smt: 1,
      exclusive: shared ? 0 : 1,
      monitoringStatus: running ? 1 : 3,
      memUsedMax: running ? 0 : load * 200,
      flopsAnyAvg: running ? 0 : load * sc.cores * 20,
      memBwAvg: running ? 0 : load * 300,
      loadAvg: running ? 0 : load * sc.cores,
      netBwAvg: running ? 0 : load * 5,
      netDataVolTotal: running ? 0 : load * duration * 5,
      fileBwAvg: running ? 0 : load * 2,
      fileDataVolTotal: running ? 0 : load * duration * 2,
      tagIds,
    };
  }
}
