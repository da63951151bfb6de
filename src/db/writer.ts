import { setTimeout as sleep } from "node:timers/promises";
import type Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, openSqlite } from "./sqlite.js";

/**
 * The connection that writes jobs for the REST API (and later GraphQL mutations). One per process:
 * better-sqlite3 runs each transaction synchronously, so a check and the write it guards (start_job's
 * duplicate check and INSERT) can never interleave with another request's.
 *
 * Waiting for the database lock works differently from the other connections. SQLite's busy handler
 * blocks the thread, and while it blocks nothing else in this process runs — not the other requests,
 * and not a Prisma transaction of this process that holds the lock and waits for its next await. So
 * this connection waits only a few milliseconds synchronously; writeTransaction() then waits
 * asynchronously, one writer polling for the lock while the others queue behind it, until
 * BUSY_TIMEOUT_MS (5 s) have passed — the same patience as every other connection.
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

/** Per connection: resolved when the writer that is waiting for the lock has it (or gave up). */
const waiting = new WeakMap<Database.Database, Promise<void>>();

/**
 * Runs `work` as one IMMEDIATE transaction (the write lock is taken at BEGIN, so no reader-to-writer
 * upgrade can fail half-way). `work` must be synchronous; whatever it throws rolls the transaction back
 * and reaches the caller unchanged. Without contention this is one synchronous call.
 */
export async function writeTransaction<T>(db: Database.Database, work: () => T, budgetMs = BUSY_TIMEOUT_MS): Promise<T> {
  const transaction = db.transaction(work);
  const deadline = Date.now() + budgetMs;
  for (let gate = waiting.get(db); gate; gate = waiting.get(db)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new DatabaseBusyError(`database is locked: no write lock within ${budgetMs} ms`);
    await Promise.race([gate, sleep(left)]);
  }
  try {
    return transaction.immediate();
  } catch (error) {
    if (!isBusy(error)) throw error;
  }
  let release!: () => void;
  waiting.set(db, new Promise<void>((resolve) => (release = resolve)));
  try {
    for (let attempt = 0; ; attempt++) {
      if (Date.now() >= deadline) throw new DatabaseBusyError(`database is locked: no write lock within ${budgetMs} ms`);
      await sleep(Math.min(2 ** attempt, 25));
      try {
        return transaction.immediate();
      } catch (error) {
        if (!isBusy(error)) throw error;
      }
    }
  } finally {
    waiting.delete(db);
    release();
  }
}
