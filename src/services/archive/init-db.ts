import { copyFileSync, renameSync, rmSync } from "node:fs";
import type Database from "better-sqlite3";
import type { FileArchive } from "../../archive/file-backend.js";
import { ClusterRegistry } from "../../archive/clusters.js";
import type { ArchivedJobRow } from "../../archive/job-row-from-meta.js";
import { prepareJobInsert } from "../../db/jobs/bulk-insert.js";
import { openSqlite } from "../../db/sqlite.js";
import type { Logger } from "../../log.js";
import { jobGroups } from "../../archive/walk.js";
import { ParsePool, type ParseBatchResult } from "./parse-pool.js";
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

/**
 * `--init-db`: rebuilds the job, tag and jobtag tables from the archive; users and configuration stay.
 * The work happens on a copy of the database that replaces the original only when complete, so an
 * error or an interrupt leaves the original untouched. Secondary job indexes are dropped during the
 * load and rebuilt afterwards; worker threads walk the job folders and parse the meta.json files.
 */
export async function rebuildJobTables(options: InitDbOptions): Promise<InitDbResult> {
  const started = process.hrtime.bigint();
  const { archive, dbFile, logger, progress, signal } = options;
  const registry = await ClusterRegistry.load(archive);
  const work = `${dbFile}.init-db-${process.pid}.tmp`;

  const original = openSqlite(dbFile, { mustExist: true });
  original.pragma("wal_checkpoint(TRUNCATE)");
  original.close();
  copyFileSync(dbFile, work);

  let db: Database.Database | undefined;
  let pool: ParsePool | undefined;
  try {
    db = openSqlite(work, { mustExist: true });
    // A scratch copy: a crash only loses the copy, so durability can wait until the end.
    db.pragma("journal_mode = OFF");
    db.pragma("synchronous = OFF");
    db.pragma("foreign_keys = OFF");
    const indexes = clearJobTables(db);

    const groups = jobGroups(archive.root, await archive.clusters());
    pool = new ParsePool({ clusters: registry.clusters, validate: options.validate ?? false }, options.workers);
    const store = jobStore(db);
    let imported = 0;
    let skipped = 0;
    let groupsDone = 0;
    const onBatch = (result: ParseBatchResult) => {
      if (signal?.aborted) throw new InitDbInterrupted("interrupted");
      for (const problem of result.problems) logger.warn(`skipped ${problem.path}: ${problem.reason}`);
      const stored = store(result.jobs);
      for (const duplicate of stored.duplicates) logger.warn(`skipped duplicate job ${duplicate}`);
      imported += stored.inserted;
      skipped += result.problems.length + stored.duplicates.length;
      // Job groups hold similar numbers of jobs, so the share of groups done estimates the total.
      const done = imported + skipped;
      progress?.update(done, skipped, groupsDone > 0 ? Math.max(done, Math.round((done / groupsDone) * groups.length)) : undefined);
    };
    const inFlight = new Set<Promise<void>>();
    for (const group of groups) {
      if (signal?.aborted) throw new InitDbInterrupted("interrupted");
      const task = pool.walk(group.dir, onBatch).then(() => void groupsDone++);
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      // Two groups per worker keep every worker busy without walking the whole archive ahead.
      while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (signal?.aborted) throw new InitDbInterrupted("interrupted");

    for (const index of indexes) db.exec(index);
    db.pragma("journal_mode = WAL");
    db.close();
    db = undefined;
    // The old WAL belongs to the old file; it must not be replayed onto the new one.
    for (const suffix of ["-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
    renameSync(work, dbFile);
    progress?.finish();
    return { imported, skipped, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  } finally {
    progress?.finish();
    await pool?.close();
    db?.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(work + suffix, { force: true });
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
  const insertTag = db.prepare("INSERT INTO tag (tag_type, tag_name) VALUES (?, ?)");
  const insertJobTag = db.prepare("INSERT OR IGNORE INTO jobtag (job_id, tag_id) VALUES (?, ?)");
  const tagIds = new Map<string, number>();
  return db.transaction((jobs: ArchivedJobRow[]) => {
    let inserted = 0;
    const duplicates: string[] = [];
    for (const { row, tags } of jobs) {
      const id = insertJob(row);
      if (id === undefined) {
        duplicates.push(`${row.jobId} on ${row.cluster} (start ${row.startTime})`);
        continue;
      }
      inserted++;
      for (const tag of tags) {
        const key = `${tag.type}\u0000${tag.name}`;
        let tagId = tagIds.get(key);
        if (tagId === undefined) {
          tagId = Number(insertTag.run(tag.type, tag.name).lastInsertRowid);
          tagIds.set(key, tagId);
        }
        insertJobTag.run(id, tagId);
      }
    }
    return { inserted, duplicates };
  });
}
