import { pendingMigrations, SchemaVersionError, type AppliedMigration } from "./history.js";
import type { MigrationFileInfo } from "./migration-files.js";

/**
 * What the PostgreSQL and MySQL runners share: reading a database's tables as one of the kinds the
 * SQLite runner knows (history.ts), and the checks on Prisma's history, with the advice for a failed
 * migration depending on what the server could undo.
 */
export const PRISMA_HISTORY_TABLE = "_prisma_migrations";
export const LEGACY_VERSION_TABLE = "schema_migrations";

export type TableKind = "empty" | "prisma" | "legacy" | "foreign";

export function classifyTables(tables: readonly string[]): TableKind {
  if (tables.includes(PRISMA_HISTORY_TABLE)) return "prisma";
  if (tables.includes(LEGACY_VERSION_TABLE)) return "legacy";
  return tables.length === 0 ? "empty" : "foreign";
}

export function describeForeign(database: string, tables: readonly string[]): string {
  return `database ${database} belongs to another application (tables: ${tables.slice(0, 5).join(", ")}); refusing to migrate it`;
}

/**
 * The migrations still to apply. Throws SchemaVersionError for a history we must not build on: a failed
 * migration (with `failedAdvice` for it), one this version does not know, or an edited one.
 */
export function pendingServerMigrations(
  applied: AppliedMigration[],
  shipped: MigrationFileInfo[],
  failedAdvice: (name: string) => string,
): MigrationFileInfo[] {
  const failed = applied.find((m) => !m.finished && !m.rolledBack);
  if (failed) throw new SchemaVersionError(`migration ${failed.name} failed in an earlier run: ${failedAdvice(failed.name)}`);
  return pendingMigrations(applied, shipped);
}

/** The SQL that tells this runner (and Prisma) a failed migration has been dealt with. */
export function markRolledBackSql(name: string, now: string): string {
  return `UPDATE _prisma_migrations SET rolled_back_at = ${now} WHERE migration_name = '${name}' AND finished_at IS NULL`;
}
