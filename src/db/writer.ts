import { setTimeout as sleep } from "node:timers/promises";
import type Database from "better-sqlite3";
import { SQLITE } from "./sql/dialect.js";
import type { JobWriter, SqlTransaction } from "./sql/job-writer.js";
import { BUSY_TIMEOUT_MS, openSqlite } from "./sqlite.js";

/**
 * The connection that writes jobs on SQLite. One per process, and one transaction on it at a time:
 * transactions queue in this process, and each holds SQLite's write lock from BEGIN IMMEDIATE to
 * COMMIT, so a check and the write it guards (start_job's duplicate check and INSERT) can never
 * interleave with another request's.
 *
 * Waiting for the lock another process holds works differently from the other connections. SQLite's
 * busy handler blocks the thread, and while it blocks nothing else in this process runs — not the
 * other requests, and not a Prisma transaction of this process that holds the lock and waits for its
 * next await. So this connection waits only a few milliseconds synchronously; BEGIN is then retried
 * asynchronously until BUSY_TIMEOUT_MS (5 s) have passed — the same patience as every other connection.
 */
export const WRITER_BUSY_SLICE_MS = 2;

export function openJobWriter(file: string): Database.Database {
  const db = openSqlite(file, { mustExist: true });
  db.pragma(`busy_timeout = ${WRITER_BUSY_SLICE_MS}`);
  return db;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

class DatabaseBusyError extends Error {
  readonly code = "SQLITE_BUSY";
}

const STATEMENT_CACHE_SIZE = 256;

export class SqliteJobWriter implements JobWriter {
  readonly dialect = SQLITE;
  /** Resolves when the transaction before the next one has ended. */
  private tail: Promise<void> = Promise.resolve();
  private readonly statements = new Map<string, Database.Statement>();
  private readonly tx: SqlTransaction;

  constructor(readonly db: Database.Database) {
    this.tx = {
      dialect: SQLITE,
      all: async <T>(sql: string, params: readonly unknown[] = []) => this.prepared(sql).all(...params) as T[],
      get: async <T>(sql: string, params: readonly unknown[] = []) => this.prepared(sql).get(...params) as T | undefined,
      run: async (sql, params = []) => this.prepared(sql).run(...params).changes,
      insert: async (sql, params = []) => Number(this.prepared(sql).run(...params).lastInsertRowid),
      // The IMMEDIATE transaction already keeps every other writer out.
      lock: async () => {},
    };
  }

  private prepared(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql);
    } else {
      statement = this.db.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement;
  }

  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>, budgetMs = BUSY_TIMEOUT_MS): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    try {
      await previous;
      await this.begin(budgetMs);
      try {
        const result = await work(this.tx);
        this.db.exec("COMMIT");
        return result;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw error;
      }
    } finally {
      release();
    }
  }

  /** BEGIN IMMEDIATE, retried while another process holds the write lock, for at most `budgetMs`. */
  private async begin(budgetMs: number): Promise<void> {
    const deadline = Date.now() + budgetMs;
    for (let attempt = 0; ; attempt++) {
      try {
        this.db.exec("BEGIN IMMEDIATE");
        return;
      } catch (error) {
        if (!isBusy(error)) throw error;
      }
      if (Date.now() >= deadline) throw new DatabaseBusyError(`database is locked: no write lock within ${budgetMs} ms`);
      await sleep(Math.min(2 ** attempt, 25, Math.max(1, deadline - Date.now())));
    }
  }

  async close(): Promise<void> {
    await this.tail;
    this.db.close();
  }
}

const writers = new WeakMap<Database.Database, SqliteJobWriter>();

/** The job writer of a connection opened with openJobWriter: one queue of transactions per connection. */
export function sqliteJobWriter(db: Database.Database): SqliteJobWriter {
  let writer = writers.get(db);
  if (!writer) writers.set(db, (writer = new SqliteJobWriter(db)));
  return writer;
}
