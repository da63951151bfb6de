import { copyFileSync, renameSync, rmSync } from "node:fs";
import type Database from "better-sqlite3";
import type { FileArchive } from "../../archive/file-backend.js";
import { ClusterRegistry } from "../../archive/clusters.js";
import type { ArchivedJobRow } from "../../archive/job-row-from-meta.js";
import type { DatabaseLocation } from "../../db/dsn.js";
import { connectJobWriter } from "../../db/open-job-writer.js";
import { prepareJobInsert } from "../../db/jobs/bulk-insert.js";
import { FIND_JOB_ID, insertJobsSql, jobValues } from "../../db/jobs/insert-job.js";
import type { JobRow } from "../../db/jobs/job-row.js";
import { SQLITE } from "../../db/sql/dialect.js";
import type { JobWriter, SqlTransaction } from "../../db/sql/job-writer.js";
import { openSqlite } from "../../db/sqlite.js";
import type { Logger } from "../../log.js";
import { jobGroups } from "../../archive/walk.js";
import { ParsePool, type ParseBatchResult } from "./parse-pool.js";
import { CREATE_TAG, LINK_TAG, type TagInput } from "../jobs/tags.js";
import type { Progress } from "./progress.js";

export interface InitDbResult {
  imported: number;
  skipped: number;
  seconds: number;
}

export interface InitDbOptions {
  archive: FileArchive;
  dbFile: string;
  logger: Logger;
  validate?: boolean;
  progress?: Progress;
  /** Aborts the rebuild; the database stays as it was. */
  signal?: AbortSignal;
  workers?: number;
}

export class InitDbInterrupted extends Error {}

/** `--init-db` on the configured database, whichever engine it is on. */
export async function rebuildJobTablesAt(location: DatabaseLocation, options: Omit<InitDbOptions, "dbFile">): Promise<InitDbResult> {
  if (location.driver === "sqlite3") return rebuildJobTables({ ...options, dbFile: location.file });
  const jobWriter = await connectJobWriter(location, options.logger);
  try {
    return await rebuildJobTablesOnServer({ ...options, jobWriter });
  } finally {
    await jobWriter.close();
  }
}

/**
 * `--init-db`: rebuilds the job, tag and jobtag tables from the archive; users and configuration stay.
 * The work happens on a copy of the database that replaces the original only when complete, so an
 * error or an interrupt leaves the original untouched. Secondary job indexes are dropped during the
 * load and rebuilt afterwards; worker threads walk the job folders and parse the meta.json files.
 */
export async function rebuildJobTables(options: InitDbOptions): Promise<InitDbResult> {
  const started = process.hrtime.bigint();
  const { dbFile } = options;
  const work = `${dbFile}.init-db-${process.pid}.tmp`;

  const original = openSqlite(dbFile, { mustExist: true });
  original.pragma("wal_checkpoint(TRUNCATE)");
  original.close();
  copyFileSync(dbFile, work);

  let db: Database.Database | undefined;
  try {
    db = openSqlite(work, { mustExist: true });
    // A scratch copy: a crash only loses the copy, so durability can wait until the end.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.pragma("foreign_keys = OFF");
    const indexes = clearJobTables(db);
    const counts = await importArchive(options, jobStore(db));

    for (const index of indexes) db.exec(index);
    db.pragma("journal_mode = WAL");
    db.close();
    db = undefined;
    // The old WAL belongs to the old file; it must not be replayed onto the new one.
    for (const suffix of ["-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
    renameSync(work, dbFile);
    return { ...counts, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    options.progress?.finish();
    db?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(work + suffix, { force: true });
  }
}

/**
 * `--init-db` on a database server: the same rebuild as one transaction of the job writer, so an
 * error or an interrupt rolls back to the tables as they were.
 */
export async function rebuildJobTablesOnServer(options: Omit<InitDbOptions, "dbFile"> & { jobWriter: JobWriter }): Promise<InitDbResult> {
  const started = process.hrtime.bigint();
  try {
    const counts = await options.jobWriter.transaction(async (tx) => {
      for (const table of ["jobtag", "tag", "job"]) await tx.run(`DELETE FROM ${table}`);
      return importArchive(options, serverJobStore(tx));
    });
    return { ...counts, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    options.progress?.finish();
  }
}

type StoreResult = { inserted: number; duplicates: string[] };
/** Stores a batch of parsed jobs; batches arrive one at a time, in order. */
type JobStore = (jobs: ArchivedJobRow[]) => StoreResult | Promise<StoreResult>;

/** Batches parsed but not yet stored before the walk waits for the database. */
const MAX_QUEUED_BATCHES = 16;

/**
 * Walks the archive with the parse workers and hands every batch of jobs to `store`: problems and
 * duplicates are logged and counted, progress is reported, and an abort signal stops it between batches.
 */
async function importArchive(options: Omit<InitDbOptions, "dbFile">, store: JobStore): Promise<{ imported: number; skipped: number }> {
  const { archive, logger, progress, signal } = options;
  const registry = await ClusterRegistry.load(archive);
  const groups = jobGroups(archive.root, await archive.clusters());
  const pool = new ParsePool({ clusters: registry.clusters, validate: options.validate ?? false }, options.workers);
  let imported = 0;
  let skipped = 0;
  let groupsDone = 0;
  // Batches are stored one after another, in arrival order, whether the store is synchronous or not.
  let storing: Promise<void> = Promise.resolve();
  let queued = 0;
  let failure: unknown;
  const interrupted = () => {
    if (signal?.aborted) throw new InitDbInterrupted("interrupted");
  };
  const onBatch = (result: ParseBatchResult) => {
    interrupted();
    queued++;
    storing = storing.then(async () => {
      interrupted();
      for (const problem of result.problems) logger.warn(`skipped ${problem.path}: ${problem.reason}`);
      const stored = await store(result.jobs);
      queued--;
      for (const duplicate of stored.duplicates) logger.warn(`skipped duplicate job ${duplicate}`);
      imported += stored.inserted;
      skipped += result.problems.length + stored.duplicates.length;
      // Job groups hold similar numbers of jobs, so the share of groups done estimates the total.
      const done = imported + skipped;
      progress?.update(done, skipped, groupsDone > 0 ? Math.max(done, Math.round((done / groupsDone) * groups.length)) : undefined);
    });
    storing.catch((error: unknown) => (failure ??= error));
  };
  try {
    const inFlight = new Set<Promise<void>>();
    for (const group of groups) {
      interrupted();
      if (failure) throw failure;
      const task = pool.walk(group.dir, onBatch).then(() => void groupsDone++);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      // Two groups per worker keep every worker busy without walking the whole archive ahead.
      while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
      if (queued > MAX_QUEUED_BATCHES) await storing;
    }
    await Promise.all(inFlight);
    await storing;
    interrupted();
    return { imported, skipped };
  } finally {
    // A failed store must not surface later as an unhandled rejection.
    storing.catch(() => {});
    await pool.close();
  }
}

/** Empties job, tag and jobtag and drops the secondary job indexes; returns the SQL to rebuild them. */
function clearJobTables(db: Database.Database): string[] {
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")
    .all() as { name: string; sql: string }[];
  db.transaction(() => {
    db.exec("DELETE FROM jobtag; DELETE FROM tag; DELETE FROM job;");
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").get()) {
      db.exec("DELETE FROM sqlite_sequence WHERE name IN ('job', 'tag')");
    }
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  })();
  return indexes.map((i) => i.sql);
}

/** Inserts parsed jobs and their tags, one transaction per batch; duplicates are reported, not fatal. */
function jobStore(db: Database.Database): (jobs: ArchivedJobRow[]) => { inserted: number; duplicates: string[] } {
  const insertJob = prepareJobInsert(db, { ignoreDuplicates: true });
  const insertTag = db.prepare(`INSERT INTO ${CREATE_TAG}`);
  const insertJobTag = db.prepare(SQLITE.insertOrIgnore(LINK_TAG));
  const tagId = createdOnce((tag) => Number(insertTag.run(tag.type, tag.name).lastInsertRowid));
  return db.transaction((jobs: ArchivedJobRow[]) => {
    let inserted = 0;
    const duplicates: string[] = [];
    for (const { row, tags } of jobs) {
      const id = insertJob(row);
      if (id === undefined) {
        duplicates.push(describeJob(row));
        continue;
      }
      inserted++;
      for (const tag of tags) insertJobTag.run(id, tagId(tag));
    }
    return { inserted, duplicates };
  });
}

const describeJob = (row: JobRow) => `${row.jobId} on ${row.cluster} (start ${row.startTime})`;

/**
 * The tag ids of an import into emptied tables: a tag is created on its first use and its id kept, as
 * many jobs share few tags (looking each one up again would halve the import's speed on a server).
 */
function createdOnce<Id extends number | Promise<number>>(create: (tag: TagInput) => Id): (tag: TagInput) => Id {
  const ids = new Map<string, Id>();
  return (tag) => {
    const key = `${tag.type}\u0000${tag.name}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = create(tag);
      ids.set(key, id);
    }
    return id;
  };
}

/** Rows per INSERT on a server: 27 columns each, well below the 65,535 parameters of one statement. */
const ROWS_PER_INSERT = 500;

/**
 * Inserts parsed jobs and their tags in the import's transaction on a database server. The tables were
 * emptied in the same transaction, so a duplicate can only come from the archive itself: it is
 * recognised here by its (jobId, cluster, startTime) and reported.
 */
function serverJobStore(tx: SqlTransaction): JobStore {
  const seen = new Set<string>();
  const tagId = createdOnce((tag) => tx.insert(`INSERT INTO ${CREATE_TAG}`, [tag.type, tag.name]));
  return async (jobs) => {
    const fresh: ArchivedJobRow[] = [];
    const duplicates: string[] = [];
    for (const job of jobs) {
      const key = describeJob(job.row);
      if (seen.has(key)) duplicates.push(key);
      else {
        seen.add(key);
        fresh.push(job);
      }
    }
    for (let i = 0; i < fresh.length; i += ROWS_PER_INSERT) {
      const chunk = fresh.slice(i, i + ROWS_PER_INSERT);
      await tx.run(insertJobsSql(chunk.length), chunk.flatMap((job) => jobValues(job.row)));
    }
    for (const { row, tags } of fresh) {
      if (tags.length === 0) continue;
      const { id } = (await tx.get<{ id: number }>(FIND_JOB_ID, [row.jobId, row.cluster, row.startTime]))!;
      // Not addTags: the tables started empty in this transaction, so a tag made here has no twin.
      for (const tag of tags) await tx.run(tx.dialect.insertOrIgnore(LINK_TAG), [id, await tagId(tag)]);
    }
    return { inserted: fresh.length, duplicates };
  };
}
