import type { SqlTransaction } from "../sql/job-writer.js";
import { JOB_COLUMNS, JOB_FIELDS, type JobRow } from "./job-row.js";

// Quoted: "user" and "partition" are reserved words on PostgreSQL and MySQL.
const INSERT_JOB_SQL = `INSERT INTO job (${JOB_FIELDS.map((f) => `"${JOB_COLUMNS[f]}"`).join(", ")}) VALUES (${JOB_FIELDS.map(() => "?").join(", ")})`;

/** Inserts one job row in a write transaction on any engine; returns its database id. */
export function insertJob(tx: SqlTransaction, row: JobRow): Promise<number> {
  return tx.insert(INSERT_JOB_SQL, JOB_FIELDS.map((f) => row[f]));
}
