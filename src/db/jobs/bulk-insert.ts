import type Database from "better-sqlite3";
import { JOB_COLUMNS, JOB_FIELDS, type JobRow } from "./job-row.js";

const INSERT_JOB = `INSERT INTO job (${JOB_FIELDS.map((f) => JOB_COLUMNS[f]).join(", ")}) VALUES (${JOB_FIELDS.map(() => "?").join(", ")})`;

/**
 * Inserts jobs through one prepared statement, `batchSize` rows per transaction: the fastest way
 * SQLite takes rows (measured in bench/), far ahead of Prisma's createMany. The caller decides about
 * indexes; a rebuild from the archive drops them first and creates them afterwards.
 * Returns the number of rows inserted.
 */
export function insertJobs(db: Database.Database, rows: Iterable<JobRow>, batchSize = 50_000): number {
  const statement = db.prepare(INSERT_JOB);
  const values = new Array<unknown>(JOB_FIELDS.length);
  const insertBatch = db.transaction((batch: JobRow[]) => {
    for (const row of batch) {
      for (let i = 0; i < JOB_FIELDS.length; i++) values[i] = row[JOB_FIELDS[i]!];
      statement.run(values);
    }
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
