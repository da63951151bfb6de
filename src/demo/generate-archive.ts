import { existsSync, readdirSync } from "node:fs";
import { ClusterRegistry } from "../archive/clusters.js";
import { FileArchive } from "../archive/file-backend.js";
import { placeJobs } from "./allocate.js";
import { demoClusters } from "./clusters.js";
import { copyFixtureJobs } from "./fixture-jobs.js";
import { buildJob } from "./job-meta.js";
import { planJobs } from "./plan.js";
import { createPopulation } from "./population.js";
import { createRandom } from "./random.js";
import { writeJob, writeMeta } from "./write-job.js";

export interface DemoArchiveOptions {
  /** Folder of the new archive; must not exist or be empty. */
  root: string;
  /** Generated jobs (fixture jobs come on top); default 5,000. */
  jobs?: number;
  seed?: number;
  /** Unix seconds all jobs have ended by; default the current hour. */
  now?: number;
  /** Length of the period the jobs ran in; default 90. */
  days?: number;
  /** Only meta.json per job, for import benchmarks. */
  metaOnly?: boolean;
  /** Also copy the real emmy archive fixture; default true, skipped if it is missing. */
  includeFixtureJobs?: boolean;
}

export interface DemoArchiveResult {
  /** Jobs written, fixture jobs included. */
  jobs: number;
  clusters: string[];
}

/** Jobs whose data is being compressed at once: enough to keep the thread pool busy, little memory. */
const IN_FLIGHT = 4;

function checkOptions(jobs: number, days: number, now: number): void {
  if (!Number.isSafeInteger(jobs) || jobs < 0) throw new RangeError(`jobs must be a non-negative integer, not ${jobs}`);
  if (!(days >= 1)) throw new RangeError(`days must be at least 1, not ${days}`);
  if (!Number.isSafeInteger(now) || now - days * 86400 <= 0) throw new RangeError(`now ${now} must be an integer unix time later than ${days} days after 1970`);
}

/**
 * Writes a job archive that looks like a real HPC centre's: the CPU cluster fritz and the GPU cluster
 * alex with ~60 users in ~20 projects, jobs that are compute- or memory-bound, idle, failing or busy on
 * GPUs, and (optionally) the real emmy jobs. The same options give byte-identical files.
 */
export async function generateDemoArchive(options: DemoArchiveOptions): Promise<DemoArchiveResult> {
  const { root, jobs = 5000, seed = 1, days = 90, metaOnly = false, includeFixtureJobs = true } = options;
  const now = options.now ?? Math.floor(Date.now() / 3_600_000) * 3600;
  checkOptions(jobs, days, now);
  if (existsSync(root) && readdirSync(root).length > 0) throw new Error(`demo archive: ${root} is not empty`);

  const archive = await FileArchive.create(root);
  const clusters = demoClusters();
  for (const cluster of clusters) await archive.storeClusterConfig(cluster); // validates
  const registry = new ClusterRegistry(clusters);

  const random = createRandom(seed);
  const users = createPopulation(random);
  const planned = planJobs(random, users, jobs, now, days);

  const pending = new Set<Promise<void>>();
  try {
    for (const job of placeJobs(random, planned, clusters)) {
      const { meta, data } = buildJob(job, registry, metaOnly);
      if (!data) {
        writeMeta(archive.root, meta);
        continue;
      }
      const write = writeJob(archive.root, meta, data).finally(() => pending.delete(write));
      pending.add(write);
      if (pending.size >= IN_FLIGHT) await Promise.race(pending);
    }
    await Promise.all(pending);
  } catch (error) {
    await Promise.allSettled(pending); // no write may outlive the call
    throw error;
  }

  const fixtureJobs = includeFixtureJobs ? copyFixtureJobs(archive.root) : 0;
  return { jobs: planned.length + fixtureJobs, clusters: await archive.clusters() };
}
