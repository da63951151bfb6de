import { ArchiveError } from "../../archive/backend.js";
import type { ClusterRegistry } from "../../archive/clusters.js";
import type { FileArchive } from "../../archive/file-backend.js";
import type { JobData, JobMeta } from "../../archive/generated/archive-types.js";
import { readJsonFile } from "../../archive/json-files.js";
import { jobRowFromMeta } from "../../archive/job-row-from-meta.js";
import { normalizeUnits, type UnitChange } from "../../archive/units.js";
import { validateJobData, validateJobMeta } from "../../archive/validate.js";
import { FIND_JOB_ID } from "../../db/jobs/insert-job.js";
import { MONITORING } from "../../db/jobs/job-row.js";
import { isUniqueViolation, type JobWriter } from "../../db/sql/job-writer.js";
import { InputError } from "../context.js";
import { insertTaggedJob } from "../jobs/tags.js";

export interface ImportContext {
  archive: FileArchive;
  clusters: ClusterRegistry;
  jobWriter: JobWriter;
  /** Validate meta.json and data.json against the schemas (config `validate`). */
  validate: boolean;
}

export interface ImportedJob {
  id: number;
  jobId: number;
  cluster: string;
  startTime: number;
  unitChanges: UnitChange[];
}

/** `<meta.json>:<data.json>[,<meta.json>:<data.json>...]`, as cc-backend's --import-job takes it. */
export function parseImportSpec(spec: string): { metaFile: string; dataFile: string }[] {
  return spec.split(",").map((pair) => {
    const files = pair.split(":");
    if (files.length !== 2 || !files[0] || !files[1]) {
      throw new InputError(`--import-job expects <meta.json>:<data.json>[,...], got "${pair}"`);
    }
    return { metaFile: files[0], dataFile: files[1] };
  });
}

/**
 * Imports one finished job: checks it, normalises its units, writes it to the archive and the job
 * table. A job that exists in either is refused; if the database write fails, the archive write is
 * undone, so the two never disagree.
 */
export async function importJob(ctx: ImportContext, meta: JobMeta, data: JobData): Promise<ImportedJob> {
  const { row, tags } = jobRowFromMeta(meta, ctx.clusters);
  const exists = new ArchiveError(`job ${row.jobId} on ${row.cluster} (start ${row.startTime}) already exists in the database`);
  const existing = await ctx.jobWriter.transaction((tx) => tx.get(FIND_JOB_ID, [row.jobId, row.cluster, row.startTime]));
  if (existing) throw exists;

  const archived: JobMeta = { ...meta, subCluster: row.subCluster, monitoringStatus: MONITORING.archived };
  const unitChanges = normalizeUnits(archived, data);
  const { row: normalised } = jobRowFromMeta(archived, ctx.clusters);
  await ctx.archive.importJob(archived, data);
  try {
    const id = await ctx.jobWriter.transaction((tx) => insertTaggedJob(tx, normalised, tags));
    return { id, jobId: row.jobId, cluster: row.cluster, startTime: row.startTime, unitChanges };
  } catch (error) {
    await ctx.archive.removeJob(archived);
    // Imported by someone else between the check and the insert.
    throw isUniqueViolation(error) ? exists : error;
  }
}

/**
 * Reads and imports the files of an --import-job spec, stopping at the first job that fails. With
 * config `validate` the files are checked against the schemas; without, as in cc-backend, only the
 * sanity checks of jobRowFromMeta apply.
 */
export async function importJobFiles(ctx: ImportContext, spec: string): Promise<ImportedJob[]> {
  const imported: ImportedJob[] = [];
  for (const { metaFile, dataFile } of parseImportSpec(spec)) {
    const rawMeta = await readJsonFile(metaFile);
    const rawData = await readJsonFile(dataFile);
    const meta = ctx.validate ? validateJobMeta(rawMeta, metaFile) : (rawMeta as JobMeta);
    if (!ctx.validate && (typeof rawData !== "object" || rawData === null || Array.isArray(rawData))) {
      throw new ArchiveError(`${dataFile}: must contain a JSON object of metrics`);
    }
    const data = ctx.validate ? validateJobData(rawData, dataFile) : (rawData as JobData);
    imported.push(await importJob(ctx, meta, data));
  }
  return imported;
}
