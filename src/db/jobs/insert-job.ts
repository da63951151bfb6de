import type { SqlTransaction } from "../sql/job-writer.js";
import { JOB_COLUMNS, JOB_FIELDS, type JobRow } from "./job-row.js";

// Quoted: "user" and "partition" are reserved words on PostgreSQL and MySQL.
const COLUMNS = JOB_FIELDS.map((f) => `"${JOB_COLUMNS[f]}"`).join(", ");
const ROW_PLACEHOLDERS = `(${JOB_FIELDS.map(() => "?").join(", ")})`;

/** The target of an INSERT of one job row: `job (columns) VALUES (?, ...)`. */
export const ONE_JOB_ROW = `job (${COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`;

/** An INSERT of `rows` job rows, for the values of jobValues() one row after the other. */
export function insertJobsSql(rows: number): string {
  return `INSERT INTO job (${COLUMNS}) VALUES ${Array.from({ length: rows }, () => ROW_PLACEHOLDERS).join(", ")}`;
}

/** A row's values in the column order of insertJobsSql. */
export function jobValues(row: JobRow): unknown[] {
  return JOB_FIELDS.map((f) => row[f]);
}

const INSERT_JOB_SQL = insertJobsSql(1);

/** The database id of the job with that (jobId, cluster, startTime), the job table's unique key. */
export const FIND_JOB_ID = "SELECT id FROM job WHERE job_id = ? AND cluster = ? AND start_time = ?";

/** Inserts one job row in a write transaction on any engine; returns its database id. */
export function insertJob(tx: SqlTransaction, row: JobRow): Promise<number> {
  return tx.insert(INSERT_JOB_SQL, jobValues(row));
}
