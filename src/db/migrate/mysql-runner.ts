import { randomUUID } from "node:crypto";
import mariadb, { type Connection } from "mariadb";
import { describeDatabase, type DatabaseLocation } from "../dsn.js";
import { SchemaVersionError, type AppliedMigration } from "./history.js";
import { LEGACY_TARGET_VERSION, LegacyDatabaseError, type LegacyVersion } from "./legacy.js";
import { readMigrations, type MigrationFileInfo } from "./migration-files.js";
import { assertMysqlVersion6Shape, readMysqlLegacyVersion, setLegacyVersion, upgradeMysqlLegacyDatabase } from "./mysql-legacy.js";
import { providerMigrationsDir } from "./provider-files.js";
import { MigrationError, type MigrationResult } from "./result.js";
import {
  classifyTables,
  describeForeign,
  markRolledBackSql,
  PRISMA_HISTORY_TABLE,
  pendingServerMigrations,
} from "./server-history.js";
import { splitSqlStatements } from "./sql-script.js";

/**
 * `--migrate-db` for MySQL and MariaDB. Prisma's schema engine refuses MySQL when run as WebAssembly, so
 * this applies prisma/mysql/migrations itself, keeping `_prisma_migrations` exactly as `prisma migrate
 * deploy` does (same table, checksums, ids and timestamps), so either tool can continue the other's
 * history. MySQL commits every DDL statement at once: nothing here can be rolled back, so the checks
 * run before the first change, and a failure is recorded and reported for a human to resolve.
 */
/** Where the database is: the mysql location of the config (src/db/dsn.ts), without its DSN parameters. */
export type MysqlConnectionOptions = Pick<Extract<DatabaseLocation, { driver: "mysql" }>, "host" | "port" | "socketPath" | "user" | "password" | "database">;

export interface MysqlMigrationOptions {
  /** For tests: another migrations folder. */
  migrationsDir?: string;
}

type MysqlState =
  | { kind: "empty" }
  | { kind: "prisma"; applied: AppliedMigration[] }
  | { kind: "legacy"; legacy: LegacyVersion | undefined }
  | { kind: "foreign"; tables: string[] };

/** Prisma's own DDL for the history table (sql-schema-connector, MySQL flavour). */
const PRISMA_MIGRATIONS_TABLE_MYSQL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             DATETIME(3),
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          DATETIME(3),
    started_at              DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    applied_steps_count     INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

/** Prisma's advisory lock name and timeout, so that this runner and `prisma migrate` exclude each other. */
const LOCK = "prisma_migrate";
const LOCK_TIMEOUT_SECONDS = 10;
const ER_BAD_DB_ERROR = 1049;

function describe(options: MysqlConnectionOptions): string {
  return describeDatabase({ driver: "mysql", ...options, params: {} });
}

/** Prisma writes UTC wall-clock times into DATETIME(3), whatever the session's time zone. */
function utcNow(): string {
  return new Date().toISOString().replace("T", " ").replace("Z", "");
}

function failedAdvice(name: string): string {
  return (
    "MySQL cannot roll back DDL, so the statements before the failing one took effect (the error is in _prisma_migrations.logs). " +
    `Restore the database from a backup, or complete or undo the migration by hand and mark it rolled back (${markRolledBackSql(name, "NOW(3)")}), ` +
    "then run cc-backend --migrate-db again"
  );
}

async function connect(options: MysqlConnectionOptions, database: string | undefined): Promise<Connection> {
  const conn = await mariadb.createConnection({
    host: options.host,
    port: options.port,
    ...(options.socketPath ? { socketPath: options.socketPath } : {}),
    user: options.user,
    password: options.password,
    ...(database ? { database } : {}),
  });
  // TIMESTAMP columns convert through the session time zone; UTC keeps that out of the migrations.
  await conn.query("SET time_zone = '+00:00'");
  return conn;
}

async function connectOrCreate(options: MysqlConnectionOptions, where: string): Promise<{ conn: Connection; created: boolean }> {
  try {
    return { conn: await connect(options, options.database), created: false };
  } catch (error) {
    if ((error as { errno?: number }).errno !== ER_BAD_DB_ERROR) throw error;
  }
  const admin = await connect(options, undefined);
  try {
    // As `prisma migrate` creates a database.
    await admin.query(`CREATE DATABASE \`${options.database.replaceAll("`", "``")}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (error) {
    throw new MigrationError(`${where} does not exist and could not be created (${(error as Error).message}); create it, then run cc-backend --migrate-db again`);
  } finally {
    await admin.end();
  }
  return { conn: await connect(options, options.database), created: true };
}

async function inspect(conn: Connection): Promise<MysqlState> {
  const rows = (await conn.query("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name")) as {
    name: string;
  }[];
  const tables = rows.map((r) => r.name);
  switch (classifyTables(tables)) {
    case "empty":
      return { kind: "empty" };
    case "legacy":
      return { kind: "legacy", legacy: await readMysqlLegacyVersion(conn) };
    case "foreign":
      return { kind: "foreign", tables };
    case "prisma": {
      const history = (await conn.query(
        `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolledBack
         FROM ${PRISMA_HISTORY_TABLE} ORDER BY started_at, migration_name`,
      )) as { name: string; checksum: string; finished: number | bigint; rolledBack: number | bigint }[];
      return {
        kind: "prisma",
        applied: history.map((r) => ({ name: r.name, checksum: r.checksum, finished: Number(r.finished) === 1, rolledBack: Number(r.rolledBack) === 1 })),
      };
    }
  }
}

async function withLock<T>(conn: Connection, where: string, work: () => Promise<T>): Promise<T> {
  const [row] = (await conn.query("SELECT GET_LOCK(?, ?) AS locked", [LOCK, LOCK_TIMEOUT_SECONDS])) as { locked: number | bigint | null }[];
  if (Number(row?.locked) !== 1) throw new MigrationError(`another migration of ${where} is running (lock ${LOCK} held); try again when it has finished`);
  try {
    return await work();
  } finally {
    await conn.query("SELECT RELEASE_LOCK(?)", [LOCK]).catch(() => undefined);
  }
}

/** As `prisma migrate resolve --applied`: recorded as finished without running it. */
async function recordApplied(conn: Connection, migration: MigrationFileInfo): Promise<void> {
  const now = utcNow();
  await conn.query(
    `INSERT INTO ${PRISMA_HISTORY_TABLE} (id, checksum, logs, started_at, finished_at, migration_name) VALUES (?, ?, '', ?, ?, ?)`,
    [randomUUID(), migration.checksum, now, now, migration.name],
  );
}

/** As `prisma migrate deploy` applies one migration: started, then each statement, then finished. */
async function applyMigration(conn: Connection, migration: MigrationFileInfo, where: string): Promise<void> {
  const id = randomUUID();
  await conn.query(`INSERT INTO ${PRISMA_HISTORY_TABLE} (id, checksum, started_at, migration_name) VALUES (?, ?, ?, ?)`, [
    id,
    migration.checksum,
    utcNow(),
    migration.name,
  ]);
  const statements = splitSqlStatements(migration.sql);
  for (const [i, statement] of statements.entries()) {
    try {
      await conn.query(statement);
    } catch (error) {
      const e = error as { errno?: number; sqlMessage?: string | null; message: string };
      const message = e.sqlMessage ?? e.message;
      const logs = `Migration name: ${migration.name}\n\nDatabase error code: ${e.errno ?? "none"}\n\nDatabase error:\n${message}\n\nPlease check the query number ${i + 1} from the migration file.`;
      await conn.query(`UPDATE ${PRISMA_HISTORY_TABLE} SET logs = ? WHERE id = ?`, [logs, id]).catch(() => undefined);
      throw new MigrationError(
        `migrating ${where} failed in migration ${migration.name}, statement ${i + 1} of ${statements.length}: ${message}. ${failedAdvice(migration.name)}`,
      );
    }
  }
  await conn.query(`UPDATE ${PRISMA_HISTORY_TABLE} SET applied_steps_count = applied_steps_count + 1 WHERE id = ?`, [id]);
  await conn.query(`UPDATE ${PRISMA_HISTORY_TABLE} SET finished_at = ? WHERE id = ?`, [utcNow(), id]);
}

function refusal(error: unknown, where: string): unknown {
  if (error instanceof SchemaVersionError || error instanceof LegacyDatabaseError) return new MigrationError(`${where}: ${error.message}`);
  return error;
}

/**
 * Creates the schema in an empty (or missing) database, upgrades a cc-backend database in place (its
 * v1.0 schema is our baseline, recorded as applied), or applies this version's pending migrations.
 */
export async function migrateMysqlDatabase(options: MysqlConnectionOptions, settings: MysqlMigrationOptions = {}): Promise<MigrationResult> {
  const where = describe(options);
  const shipped = readMigrations(settings.migrationsDir ?? providerMigrationsDir("mysql"));
  const { conn, created } = await connectOrCreate(options, where);
  try {
    return await withLock(conn, where, async () => {
      const state = await inspect(conn);
      const result: MigrationResult = { created: created || state.kind === "empty", legacyVersionsApplied: [], applied: [] };
      let todo = shipped;
      try {
        if (state.kind === "foreign") throw new MigrationError(describeForeign(where, state.tables));
        if (state.kind === "prisma") todo = pendingServerMigrations(state.applied, shipped, failedAdvice);
        if (state.kind === "legacy") {
          result.legacyVersionsApplied = await upgradeMysqlLegacyDatabase(conn, state.legacy);
          await assertMysqlVersion6Shape(conn);
        }
      } catch (error) {
        throw refusal(error, where);
      }
      if (todo.length === 0) return result;

      if (state.kind !== "prisma") await conn.query(PRISMA_MIGRATIONS_TABLE_MYSQL);
      if (state.kind === "legacy") {
        const baseline = todo[0]!;
        await recordApplied(conn, baseline);
        result.applied.push(baseline.name);
        todo = todo.slice(1);
      }
      for (const migration of todo) {
        await applyMigration(conn, migration, where);
        result.applied.push(migration.name);
      }
      // Lets a database we create stay recognisable to cc-backend v1.0, which checks this table on start.
      if (state.kind === "empty") await setLegacyVersion(conn, LEGACY_TARGET_VERSION, false);
      return result;
    });
  } finally {
    await conn.end().catch(() => undefined);
  }
}

/** The check every command but --migrate-db runs first: the schema must be exactly this version's. */
export async function assertMysqlSchemaCurrent(options: MysqlConnectionOptions, settings: MysqlMigrationOptions = {}): Promise<void> {
  const where = describe(options);
  let conn: Connection;
  try {
    conn = await connect(options, options.database);
  } catch (error) {
    if ((error as { errno?: number }).errno === ER_BAD_DB_ERROR) throw new SchemaVersionError(`${where} does not exist; create it with: cc-backend --migrate-db`);
    throw error;
  }
  try {
    const state = await inspect(conn);
    switch (state.kind) {
      case "empty":
        throw new SchemaVersionError(`${where} is empty; create the schema with: cc-backend --migrate-db`);
      case "foreign":
        throw new SchemaVersionError(describeForeign(where, state.tables));
      case "legacy":
        throw new SchemaVersionError(
          `${where} is a cc-backend database at version ${state.legacy?.version ?? "unknown"}; back it up, then upgrade it with: cc-backend --migrate-db`,
        );
      case "prisma": {
        const pending = pendingServerMigrations(state.applied, readMigrations(settings.migrationsDir ?? providerMigrationsDir("mysql")), failedAdvice);
        if (pending.length > 0) {
          throw new SchemaVersionError(
            `${where} is ${pending.length} migration(s) behind this version (next: ${pending[0]!.name}); upgrade it with: cc-backend --migrate-db`,
          );
        }
      }
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
}
