import type Database from "better-sqlite3";
import { SQLITE } from "../sql/dialect.js";
import { ONE_JOB_ROW } from "./insert-job.js";
import { JOB_FIELDS, type JobRow } from "./job-row.js";

/**
 * A prepared INSERT for job rows. Returns the new row's id, or undefined when `ignoreDuplicates` is
 * set and a job with the same (jobId, cluster, startTime) exists. Call it inside a transaction.
 */
export function prepareJobInsert(db: Database.Database, options: { ignoreDuplicates?: boolean } = {}): (row: JobRow) => number | undefined {
  const statement = db.prepare(options.ignoreDuplicates ? SQLITE.insertOrIgnore(ONE_JOB_ROW) : `INSERT INTO ${ONE_JOB_ROW}`);
  const values = new Array<unknown>(JOB_FIELDS.length);
  return (row) => {
    for (let i = 0; i < JOB_FIELDS.length; i++) values[i] = row[JOB_FIELDS[i]!];
    const { changes, lastInsertRowid } = statement.run(values);
    return changes === 0 ? undefined : Number(lastInsertRowid);
  };
}

/**
 * Inserts jobs through one prepared statement, `batchSize` rows per transaction: the fastest way
 * SQLite takes rows (measured in bench/), far ahead of Prisma's createMany. The caller decides about
 * indexes; a rebuild from the archive drops them first and creates them afterwards.
 * Returns the number of rows inserted.
 */
export function insertJobs(db: Database.Database, rows: Iterable<JobRow>, batchSize = 50_000): number {
  const insert = prepareJobInsert(db);
  const insertBatch = db.transaction((batch: JobRow[]) => {
    for (const row of batch) insert(row);
  });
  let batch: JobRow[] = [];
  let count = 0;
  for (const row of rows) {
    batch.push(row);
    if (batch.length === batchSize) {
      insertBatch(batch);
      count += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) insertBatch(batch);
  return count + batch.length;
}
