import type { SqlDialect } from "./dialect.js";

/**
 * The statements of one write transaction, in the SQL all engines share (see dialect.ts). A
 * transaction commits when its work resolves and rolls back when it throws.
 */
export interface SqlTransaction {
  readonly dialect: SqlDialect;
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  /** Rows changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** An INSERT of one row into a table with an `id` key: the new id. */
  insert(sql: string, params?: readonly unknown[]): Promise<number>;
  /**
   * Until this transaction ends, no other transaction gets the same key: a check and the write it
   * guards (start_job's duplicate check and INSERT) cannot interleave with another request's.
   */
  lock(key: string): Promise<void>;
}

/** The connection(s) that write jobs, tags and archiving results, for every engine. */
export interface JobWriter {
  readonly dialect: SqlDialect;
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A duplicate key (same jobId, cluster and startTime; same tag) on any engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown };
  return e.code === "SQLITE_CONSTRAINT_UNIQUE" || e.code === "23505" || e.errno === 1062;
}
