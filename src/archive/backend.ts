import type { ClusterConfig, JobData, JobMeta } from "./generated/archive-types.js";
import type { JobKey } from "./paths.js";

/**
 * The job archive behind one interface, chosen by config `archive.kind`. `file` is the directory tree
 * of cc-backend's archive version 1 (see README.md in this folder); an S3 backend can implement the
 * same interface.
 */
export interface ArchiveBackend {
  /** The archive version this backend reads and writes (1). */
  readonly version: number;
  /** Names of the clusters in the archive (those with a cluster.json). */
  clusters(): Promise<string[]>;
  loadClusterConfig(cluster: string): Promise<ClusterConfig>;
  storeClusterConfig(config: ClusterConfig): Promise<void>;
  exists(job: JobKey): Promise<boolean>;
  loadMeta(job: JobKey): Promise<JobMeta>;
  storeMeta(meta: JobMeta): Promise<void>;
  loadData(job: JobKey): Promise<JobData>;
  /** Writes meta.json and data.json.gz of a finished job; refuses a job that is already archived. */
  importJob(meta: JobMeta, data: JobData): Promise<void>;
  /** Every job's meta.json location, streamed in directory order. */
  metaFiles(): AsyncIterable<ArchivedMetaFile>;
  /** Moves a job's directory to the same place below another archive root. */
  moveJob(job: JobKey, targetRoot: string): Promise<void>;
  /** Deletes a job's directory and the parent directories it leaves empty. */
  removeJob(job: JobKey): Promise<void>;
  /** Replaces data.json by data.json.gz. */
  compressJob(job: JobKey): Promise<void>;
}

export interface ArchivedMetaFile {
  cluster: string;
  /** Absolute path of meta.json. */
  path: string;
}

export class ArchiveError extends Error {}
