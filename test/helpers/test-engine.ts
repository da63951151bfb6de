/**
 * The database engine of this test run: SQLite unless CCB_TEST_ENGINE names mysql or postgres, in
 * which case vitest's globalSetup (engine-global-setup.ts) runs one server and every test database
 * is a new database on it. A test database is named by a string: the SQLite file, or the server DSN.
 */
import Database from "better-sqlite3";
import { inject } from "vitest";
import { parseDatabaseLocation, type DatabaseLocation } from "../../src/db/dsn.ts";
import { migrateMysqlDatabase } from "../../src/db/migrate/mysql-runner.ts";
import { migratePostgresDatabase } from "../../src/db/migrate/postgres-runner.ts";
import { openServerDatabase } from "../../src/db/server/database.ts";
import { snapshot } from "./db.ts";

export type TestEngine = "sqlite" | "mysql" | "postgres";

export const TEST_ENGINE: TestEngine = ((): TestEngine => {
  const engine = process.env.CCB_TEST_ENGINE ?? "sqlite";
  if (engine !== "sqlite" && engine !== "mysql" && engine !== "postgres") throw new Error(`CCB_TEST_ENGINE: unknown engine ${engine}`);
  return engine;
})();

const DRIVER = { sqlite: "sqlite3", mysql: "mysql", postgres: "postgres" } as const;

/** The location of a test database named by its file or DSN. */
export function testDatabaseLocation(db: string): DatabaseLocation {
  return parseDatabaseLocation(DRIVER[TEST_ENGINE], db);
}

/** The `db-driver` and `db` entries of a config.json that points the CLI at a test database. */
export function databaseConfig(db: string): { "db-driver": string; db: string } {
  return { "db-driver": DRIVER[TEST_ENGINE], db };
}

let counter = 0;

/** A new, migrated database on the run's server; returns its DSN. */
export async function freshServerDatabase(): Promise<string> {
  const name = `t${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const base = inject("testDbServerDsn");
  let dsn: string;
  if (TEST_ENGINE === "postgres") {
    const url = new URL(base);
    url.pathname = `/${name}`;
    dsn = url.toString();
    await migratePostgresDatabase(dsn);
  } else {
    // The database name follows the DSN's last '/' (before any '?parameters').
    dsn = base.replace(/\/[^/?]*(\?.*)?$/, `/${name}$1`);
    const location = parseDatabaseLocation("mysql", dsn);
    if (location.driver !== "mysql") throw new Error("unreachable");
    await migrateMysqlDatabase(location);
  }
  return dsn;
}

/** A connection to a test database for statements in the SQL all engines share (`?` placeholders, quoted camelCase aliases). */
export interface TestDatabaseConnection {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * One connection kept open, read-only on SQLite unless `writable`: for tests that look at what the
 * server stored many times in a row (a poll every few milliseconds cannot afford a new server
 * connection each time).
 */
export async function openTestDatabase(db: string, options: { writable?: boolean } = {}): Promise<TestDatabaseConnection> {
  const location = testDatabaseLocation(db);
  if (location.driver === "sqlite3") {
    const connection = new Database(location.file, { readonly: !options.writable });
    return {
      async query<T>(sql: string, params: readonly unknown[] = []) {
        const statement = connection.prepare(sql);
        if (statement.reader) return statement.all(...params) as T[];
        statement.run(...params);
        return [];
      },
      close: async () => void connection.close(),
    };
  }
  // The server connection the read pool and the job writer use: the same SQL dialect and numbers.
  const database = await openServerDatabase(location, { connectionLimit: 1 });
  const connection = await database.connect().catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => (await connection.query(sql, params)).rows as T[],
    async close() {
      await connection.release();
      await database.close();
    },
  };
}

/** One statement on its own connection. */
async function oneStatement<T>(db: string, sql: string, params: readonly unknown[], options: { writable?: boolean }): Promise<T[]> {
  const connection = await openTestDatabase(db, options);
  try {
    return await connection.query<T>(sql, params);
  } finally {
    await connection.close();
  }
}

/** Test data made by one statement on a test database, in the SQL all engines share. */
export async function writeDatabase(db: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  await oneStatement(db, sql, params, { writable: true });
}

/** Rows of one statement on a test database. */
export function queryDatabase<T = Record<string, unknown>>(db: string, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return oneStatement<T>(db, sql, params, {});
}

/**
 * For "nothing changed" checks: on SQLite the schema and every row of every table; on a server every
 * row of the job, tag, jobtag, user and configuration tables.
 */
export async function snapshotDatabase(db: string): Promise<unknown> {
  if (TEST_ENGINE === "sqlite") return snapshot(db);
  const tables: Record<string, string> = {
    job: "SELECT * FROM job ORDER BY id",
    tag: "SELECT * FROM tag ORDER BY id",
    jobtag: "SELECT * FROM jobtag ORDER BY job_id, tag_id",
    user: 'SELECT * FROM "user" ORDER BY username',
    configuration: "SELECT * FROM configuration ORDER BY username, confkey",
  };
  const entries = await Promise.all(Object.entries(tables).map(async ([name, sql]) => [name, await queryDatabase(db, sql)] as const));
  return Object.fromEntries(entries);
}
