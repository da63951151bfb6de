import Database from "better-sqlite3";

/**
 * Direct better-sqlite3 connections, for the paths where Prisma's per-query overhead matters (bulk
 * import, statistics in worker threads) and for the migration runner. Every connection gets the same
 * settings as the Prisma client's (see client.ts): WAL, a busy timeout, foreign keys on.
 */

export const BUSY_TIMEOUT_MS = 5000;

export const CONNECTION_PRAGMAS = [
  `busy_timeout = ${BUSY_TIMEOUT_MS}`,
  "foreign_keys = ON",
  "synchronous = NORMAL",
] as const;

export class DatabaseOpenError extends Error {}

export interface OpenOptions {
  readonly?: boolean;
  /** Refuse to create the file (everything but --migrate-db). */
  mustExist?: boolean;
}

export function openSqlite(file: string, options: OpenOptions = {}): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.mustExist ?? false,
      timeout: BUSY_TIMEOUT_MS,
    });
  } catch (error) {
    throw new DatabaseOpenError(`cannot open database ${file}: ${(error as Error).message}`);
  }
  try {
    // Reading the schema is what fails for a file that is not an SQLite database.
    db.prepare("SELECT count(*) FROM sqlite_master").get();
    if (!options.readonly) db.pragma("journal_mode = WAL");
    for (const pragma of CONNECTION_PRAGMAS) db.pragma(pragma);
  } catch (error) {
    db.close();
    throw new DatabaseOpenError(`cannot use database ${file}: ${(error as Error).message}`);
  }
  return db;
}
