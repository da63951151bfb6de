/**
 * The configured database (`db-driver` + `db`) for the CLI: where it is, bringing its schema up to
 * date, checking it is current, and the job writer of a database server.
 */
import { resolveDbSetting, type Config } from "../config/load.js";
import { describeDatabase, parseDatabaseLocation, type DatabaseLocation } from "../db/dsn.js";
import type { MigrationResult } from "../db/migrate/result.js";

export function databaseLocation(config: Config): DatabaseLocation {
  return parseDatabaseLocation(config["db-driver"], resolveDbSetting(config.db));
}

/**
 * Runs `work` against the configured database; a failure to connect to a database server (wrong
 * password, unreachable, no such database) becomes one clear DatabaseConnectError.
 */
async function connecting<T>(location: DatabaseLocation, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (location.driver === "sqlite3") throw error;
    const { toConnectError } = await import("../db/connect.js");
    const problem = toConnectError(error, location);
    throw problem.reason === "failed" ? error : problem;
  }
}

/** --migrate-db: creates or upgrades the schema; returns what it did, one line per step. */
export function migrateDatabase(location: DatabaseLocation): Promise<string[]> {
  return connecting(location, () => migrate(location));
}

async function migrate(location: DatabaseLocation): Promise<string[]> {
  const where = location.driver === "sqlite3" ? location.file : describeDatabase(location);
  let result: MigrationResult;
  switch (location.driver) {
    case "sqlite3":
      result = await (await import("../db/migrate/runner.js")).migrateSqliteDatabase(location.file);
      break;
    case "postgres":
      result = await (await import("../db/migrate/postgres-runner.js")).migratePostgresDatabase(location.connectionString);
      break;
    case "mysql":
      result = await (await import("../db/migrate/mysql-runner.js")).migrateMysqlDatabase(location);
      break;
  }
  const steps = [
    ...(result.created ? [`created ${where}`] : []),
    ...result.legacyVersionsApplied.map((v) => `upgraded cc-backend schema to version ${v}`),
    ...result.applied.map((name) => `applied ${name}`),
  ];
  return steps.length > 0 ? steps : [`database ${where} is up to date`];
}

/** Every command but --migrate-db: the schema must be exactly this version's; never migrates. */
export function assertDatabaseCurrent(location: DatabaseLocation): Promise<void> {
  return connecting(location, () => assertCurrent(location));
}

async function assertCurrent(location: DatabaseLocation): Promise<void> {
  switch (location.driver) {
    case "sqlite3":
      return (await import("../db/migrate/runner.js")).assertSchemaCurrent(location.file);
    case "postgres":
      return (await import("../db/migrate/postgres-runner.js")).assertPostgresSchemaCurrent(location.connectionString);
    case "mysql":
      return (await import("../db/migrate/mysql-runner.js")).assertMysqlSchemaCurrent(location);
  }
}
