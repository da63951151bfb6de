import pg from "pg";
import { describeDatabase, parseDatabaseLocation } from "../dsn.js";
import { SchemaVersionError, type AppliedMigration } from "./history.js";
import { migrationList, readMigrations } from "./migration-files.js";
import { pgAdapterFactory, withDatabase } from "./pg-adapter.js";
import { providerMigrationsDir, readProviderDatamodel } from "./provider-files.js";
import { MigrationError, type MigrationResult } from "./result.js";
import { NO_FILTERS, openSchemaEngine } from "./schema-engine.js";
import { classifyTables, describeForeign, LEGACY_VERSION_TABLE, markRolledBackSql, pendingServerMigrations } from "./server-history.js";

/**
 * `--migrate-db` for PostgreSQL: prisma/postgresql/migrations applied by Prisma's schema engine, as
 * `prisma migrate deploy` would. cc-backend never supported PostgreSQL, so there is no legacy database
 * to adopt: the database is empty (or missing, then created) or already Prisma's. Each migration runs
 * as one transaction (see pg-adapter.ts), so a failure leaves the schema as it was before it.
 */
export interface PostgresMigrationOptions {
  /** For tests: another migrations folder. */
  migrationsDir?: string;
}

type PostgresState =
  | { kind: "empty"; tables: string[] }
  | { kind: "prisma"; tables: string[]; applied: AppliedMigration[] }
  | { kind: "foreign"; tables: string[] };

const PG_UNDEFINED_DATABASE = "3D000";

function describe(connectionString: string): string {
  return describeDatabase(parseDatabaseLocation("postgres", connectionString));
}

function failedAdvice(name: string): string {
  return `PostgreSQL rolled its statements back, but the failure is recorded. Fix the cause, mark it rolled back (${markRolledBackSql(name, "now()")}), then run cc-backend --migrate-db again`;
}

async function withClient<T>(config: pg.ClientConfig, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Tables and views in the connection's current schema (public unless search_path says otherwise). */
async function inspect(connectionString: string): Promise<PostgresState> {
  return withClient({ connectionString }, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname`,
    );
    const tables = rows.map((r) => r.name);
    switch (classifyTables(tables)) {
      case "empty":
        return { kind: "empty", tables };
      case "prisma": {
        const history = await client.query<{ name: string; checksum: string; finished: boolean; rolledBack: boolean }>(
          `SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS "rolledBack"
           FROM _prisma_migrations ORDER BY started_at`,
        );
        return { kind: "prisma", tables, applied: history.rows };
      }
      default:
        return { kind: "foreign", tables };
    }
  });
}

async function createDatabase(connectionString: string, where: string): Promise<void> {
  const location = parseDatabaseLocation("postgres", connectionString);
  const name = location.driver === "postgres" ? location.database : "";
  try {
    // Any database will do to run CREATE DATABASE; "postgres" is there on every server.
    await withClient({ connectionString: withDatabase(connectionString, "postgres") }, (client) =>
      client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`),
    );
  } catch (error) {
    throw new MigrationError(`${where} does not exist and could not be created (${(error as Error).message}); create it, then run cc-backend --migrate-db again`);
  }
}

async function inspectOrCreate(connectionString: string, where: string): Promise<{ state: PostgresState; created: boolean }> {
  try {
    return { state: await inspect(connectionString), created: false };
  } catch (error) {
    if ((error as { code?: string }).code !== PG_UNDEFINED_DATABASE) throw error;
  }
  await createDatabase(connectionString, where);
  return { state: await inspect(connectionString), created: true };
}

function refuseForeign(state: Extract<PostgresState, { kind: "foreign" }>, where: string): never {
  if (state.tables.includes(LEGACY_VERSION_TABLE)) {
    throw new MigrationError(`${where} has golang-migrate's ${LEGACY_VERSION_TABLE} table, but cc-backend v1.0 never supported PostgreSQL; refusing to migrate it`);
  }
  throw new MigrationError(describeForeign(where, state.tables));
}

export async function migratePostgresDatabase(connectionString: string, options: PostgresMigrationOptions = {}): Promise<MigrationResult> {
  const where = describe(connectionString);
  const dir = options.migrationsDir ?? providerMigrationsDir("postgresql");
  const shipped = readMigrations(dir);
  const { state, created } = await inspectOrCreate(connectionString, where);
  if (state.kind === "foreign") refuseForeign(state, where);
  let todo = shipped;
  if (state.kind === "prisma") {
    try {
      todo = pendingServerMigrations(state.applied, shipped, failedAdvice);
    } catch (error) {
      throw error instanceof SchemaVersionError ? new MigrationError(`${where}: ${error.message}`) : error;
    }
  }
  const result: MigrationResult = { created: created || state.kind === "empty", legacyVersionsApplied: [], applied: [] };
  if (todo.length === 0) return result;

  const engine = await openSchemaEngine(readProviderDatamodel("postgresql"), pgAdapterFactory(connectionString));
  try {
    const { appliedMigrationNames } = await withUnrefTimers(() =>
      engine.run((e) => e.applyMigrations({ migrationsList: migrationList(dir), filters: NO_FILTERS })),
    );
    result.applied = appliedMigrationNames;
  } catch (error) {
    const first = (error as Error).message.split("\n")[0] ?? "";
    const failed = await recordFailure(connectionString, first).catch(() => undefined);
    throw new MigrationError(
      failed ? `migrating ${where} failed in migration ${failed}: ${first}. ${failedAdvice(failed)}` : `migrating ${where} failed: ${first}`,
    );
  } finally {
    await engine.close();
  }
  return result;
}

/**
 * The engine arms a 10-second timer for its advisory lock and never clears it, which would keep
 * `cc-backend --migrate-db` alive for that long after its work is done. Timers made meanwhile are
 * unref'd: they still fire while anything else keeps the process running.
 */
async function withUnrefTimers<T>(work: () => Promise<T>): Promise<T> {
  const original = globalThis.setTimeout;
  const unrefd = (...args: Parameters<typeof setTimeout>) => original(...args).unref();
  globalThis.setTimeout = Object.assign(unrefd, original);
  try {
    return await work();
  } finally {
    globalThis.setTimeout = original;
  }
}

/**
 * The name of the migration the engine recorded as failed, if any. The engine can only log the driver's
 * error as "External error id#N" (the text stays on the JavaScript side), so the readable error
 * replaces that in the record's logs.
 */
async function recordFailure(connectionString: string, message: string): Promise<string | undefined> {
  const state = await inspect(connectionString);
  const failed = state.kind === "prisma" ? state.applied.find((m) => !m.finished && !m.rolledBack)?.name : undefined;
  if (failed) {
    await withClient({ connectionString }, (client) =>
      client.query("UPDATE _prisma_migrations SET logs = $1 WHERE migration_name = $2 AND finished_at IS NULL AND rolled_back_at IS NULL", [message, failed]),
    );
  }
  return failed;
}

/** The check every command but --migrate-db runs first: the schema must be exactly this version's. */
export async function assertPostgresSchemaCurrent(connectionString: string, options: PostgresMigrationOptions = {}): Promise<void> {
  const where = describe(connectionString);
  let state: PostgresState;
  try {
    state = await inspect(connectionString);
  } catch (error) {
    if ((error as { code?: string }).code === PG_UNDEFINED_DATABASE) {
      throw new SchemaVersionError(`${where} does not exist; create it with: cc-backend --migrate-db`);
    }
    throw error;
  }
  switch (state.kind) {
    case "empty":
      throw new SchemaVersionError(`${where} is empty; create the schema with: cc-backend --migrate-db`);
    case "foreign":
      throw new SchemaVersionError(describeForeign(where, state.tables));
    case "prisma": {
      const pending = pendingServerMigrations(state.applied, readMigrations(options.migrationsDir ?? providerMigrationsDir("postgresql")), failedAdvice);
      if (pending.length > 0) {
        throw new SchemaVersionError(
          `${where} is ${pending.length} migration(s) behind this version (next: ${pending[0]!.name}); upgrade it with: cc-backend --migrate-db`,
        );
      }
    }
  }
}
