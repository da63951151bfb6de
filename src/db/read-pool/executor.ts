import type { SqlDialect } from "../sql/dialect.js";
import type { ReadStatement } from "./protocol.js";

/**
 * Where the read pool's statements run: SQLite worker threads, or the connections of a MariaDB/MySQL
 * or PostgreSQL pool. `size` slots run at the same time; the pool never gives one slot two batches.
 */
export interface ReadExecutor {
  readonly dialect: SqlDialect;
  readonly size: number;
  /** The statements on one snapshot of the database; their results in order. */
  run(slot: number, statements: ReadStatement[]): Promise<unknown[]>;
  close(): Promise<void>;
}

export class ReadQueryError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
