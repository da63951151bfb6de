import { constants } from "node:fs";
import { access, mkdir, open, readdir, readFile, rename, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { ArchiveError, type ArchiveBackend, type ArchivedMetaFile } from "./backend.js";
import type { ClusterConfig, JobData, JobMeta } from "./generated/archive-types.js";
import { readJsonFile, writeJsonFile } from "./json-files.js";
import { checkClusterName, jobDirectory, type JobKey } from "./paths.js";
import { jobGroups, metaFilesIn } from "./walk.js";
import { validateClusterConfig, validateJobData, validateJobMeta } from "./validate.js";

export const ARCHIVE_VERSION = 1;

const exists = (file: string) =>
  access(file, constants.F_OK).then(
    () => true,
    () => false,
  );

/** Temporary files of writeJsonFile (`<name>.<hex>.tmp`) that a killed process left behind. */
const TEMPORARY = /^(?:meta\.json|data\.json(?:\.gz)?)\.[0-9a-f]+\.tmp$/;

async function removeTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (TEMPORARY.test(name)) await rm(path.join(dir, name), { force: true });
  }
}

/** fsync of a file or directory (a directory's entries: the renames into it). */
async function syncPath(file: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    // Some platforms cannot open a directory; there the rename is as durable as it gets.
    if ((error as NodeJS.ErrnoException).code === "EISDIR") return;
    throw error;
  }
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A job archive in a directory tree, as cc-backend writes it (archive version 1). */
export class FileArchive implements ArchiveBackend {
  readonly version = ARCHIVE_VERSION;

  private constructor(
    readonly root: string,
    private readonly validate: boolean,
  ) {}

  /** Opens an archive; refuses a folder without version.txt or of another version. */
  static async open(root: string, options: { validate?: boolean } = {}): Promise<FileArchive> {
    const versionFile = path.join(root, "version.txt");
    let text: string;
    try {
      text = await readFile(versionFile, "utf8");
    } catch {
      throw new ArchiveError(`job archive ${root}: version.txt is missing (not a job archive, or not initialised)`);
    }
    const version = Number(text.trim());
    if (version !== ARCHIVE_VERSION) {
      throw new ArchiveError(`job archive ${root}: version ${JSON.stringify(text.trim())} is not supported (this cc-backend reads version ${ARCHIVE_VERSION})`);
    }
    return new FileArchive(path.resolve(root), options.validate ?? false);
  }

  /** Creates an empty archive (folder and version.txt) if there is none. */
  static async create(root: string, options: { validate?: boolean } = {}): Promise<FileArchive> {
    await mkdir(root, { recursive: true });
    if (!(await exists(path.join(root, "version.txt")))) await writeJsonFile(path.join(root, "version.txt"), ARCHIVE_VERSION);
    return FileArchive.open(root, options);
  }

  async clusters(): Promise<string[]> {
    const entries = await readdir(this.root, { withFileTypes: true });
    const names: string[] = [];
    for (const entry of entries) {
      if (entry.isDirectory() && (await exists(path.join(this.root, entry.name, "cluster.json")))) names.push(entry.name);
    }
    return names.sort();
  }

  async loadClusterConfig(cluster: string): Promise<ClusterConfig> {
    const file = path.join(this.root, checkClusterName(cluster), "cluster.json");
    const config = validateClusterConfig(await readJsonFile(file), file);
    if (config.name !== cluster) throw new ArchiveError(`${file}: names cluster "${config.name}", but lies in folder "${cluster}"`);
    return config;
  }

  async storeClusterConfig(config: ClusterConfig): Promise<void> {
    const dir = path.join(this.root, checkClusterName(config.name));
    await mkdir(dir, { recursive: true });
    await writeJsonFile(path.join(dir, "cluster.json"), validateClusterConfig(config, `cluster ${config.name}`));
  }

  exists(job: JobKey): Promise<boolean> {
    return exists(path.join(jobDirectory(this.root, job), "meta.json"));
  }

  async loadMeta(job: JobKey): Promise<JobMeta> {
    return this.readMeta(path.join(jobDirectory(this.root, job), "meta.json"));
  }

  /** Parses one meta.json; with `validate` on, checks it against the schema. */
  async readMeta(file: string): Promise<JobMeta> {
    const value = await readJsonFile(file);
    return this.validate ? validateJobMeta(value, file) : (value as JobMeta);
  }

  async storeMeta(meta: JobMeta): Promise<void> {
    const dir = jobDirectory(this.root, meta);
    if (!(await exists(dir))) throw new ArchiveError(`job ${meta.jobId} on ${meta.cluster} (start ${meta.startTime}) is not archived`);
    await writeJsonFile(path.join(dir, "meta.json"), this.checked(meta));
  }

  async loadData(job: JobKey): Promise<JobData> {
    const dir = jobDirectory(this.root, job);
    // cc-backend prefers the compressed file when both exist.
    const file = (await exists(path.join(dir, "data.json.gz"))) ? path.join(dir, "data.json.gz") : path.join(dir, "data.json");
    const value = await readJsonFile(file);
    return this.validate ? validateJobData(value, file) : (value as JobData);
  }

  async importJob(meta: JobMeta, data: JobData): Promise<void> {
    const dir = jobDirectory(this.root, meta);
    if (!(await exists(path.join(this.root, meta.cluster, "cluster.json")))) {
      throw new ArchiveError(`job ${meta.jobId}: cluster "${meta.cluster}" has no cluster.json in the archive`);
    }
    if (await exists(path.join(dir, "meta.json"))) {
      throw new ArchiveError(`job ${meta.jobId} on ${meta.cluster} (start ${meta.startTime}) is already archived`);
    }
    const checkedMeta = this.checked(meta);
    const checkedData = this.validate ? validateJobData(data, `data of job ${meta.jobId}`) : data;
    const created = !(await exists(dir));
    await mkdir(dir, { recursive: true });
    try {
      if (!created) await removeTemporaries(dir);
      // A meta.json is what marks a job as archived, so it appears last, and only once the data is
      // on disk: each file is written to a temporary name and renamed, so a process killed at any
      // point leaves either no meta.json or a complete job. The syncs extend that to a power loss.
      const dataFile = path.join(dir, "data.json.gz");
      await writeJsonFile(dataFile, checkedData);
      await syncPath(dataFile);
      await syncPath(dir);
      await writeJsonFile(path.join(dir, "meta.json"), checkedMeta);
      await syncPath(dir);
    } catch (error) {
      if (created) {
        await rm(dir, { recursive: true, force: true });
        await this.pruneEmptyParents(dir);
      }
      throw error;
    }
  }

  async *metaFiles(): AsyncGenerator<ArchivedMetaFile> {
    for (const group of jobGroups(this.root, await this.clusters())) {
      for (const file of metaFilesIn(group.dir)) yield { cluster: group.cluster, path: file };
    }
  }

  async moveJob(job: JobKey, targetRoot: string): Promise<void> {
    const source = jobDirectory(this.root, job);
    const target = jobDirectory(targetRoot, job);
    await mkdir(path.dirname(target), { recursive: true });
    await rename(source, target);
    await this.pruneEmptyParents(source);
  }

  async removeJob(job: JobKey): Promise<void> {
    const dir = jobDirectory(this.root, job);
    await rm(dir, { recursive: true, force: true });
    await this.pruneEmptyParents(dir);
  }

  async compressJob(job: JobKey): Promise<void> {
    const dir = jobDirectory(this.root, job);
    const plain = path.join(dir, "data.json");
    if (!(await exists(plain))) return;
    await writeJsonFile(path.join(dir, "data.json.gz"), await readJsonFile(plain));
    await rm(plain);
  }

  private checked(meta: JobMeta): JobMeta {
    return this.validate ? validateJobMeta(meta, `meta of job ${meta.jobId}`) : meta;
  }

  /** Removes the <jobId%1000> and <jobId/1000> folders once their last job is gone. */
  private async pruneEmptyParents(jobDir: string): Promise<void> {
    let dir = path.dirname(jobDir);
    for (let level = 0; level < 2; level++) {
      try {
        await rmdir(dir);
      } catch {
        return; // not empty
      }
      dir = path.dirname(dir);
    }
  }
}
