import type Database from "better-sqlite3";
import { hasTable, readLegacyVersion, type LegacyVersion } from "./legacy.js";
import type { MigrationFileInfo } from "./migration-files.js";

/** What kind of database a file holds, read without changing it. */
export type DatabaseKind =
  | { kind: "empty" }
  | { kind: "legacy"; legacy: LegacyVersion }
  | { kind: "prisma"; applied: AppliedMigration[] }
  | { kind: "foreign"; tables: string[] };

export interface AppliedMigration {
  name: string;
  checksum: string;
  finished: boolean;
  rolledBack: boolean;
}

export function inspectDatabase(db: Database.Database): DatabaseKind {
  if (hasTable(db, "_prisma_migrations")) {
    const rows = db
      .prepare(
        "SELECT migration_name AS name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolledBack FROM _prisma_migrations ORDER BY started_at",
      )
      .all() as { name: string; checksum: string; finished: number; rolledBack: number }[];
    return {
      kind: "prisma",
      applied: rows.map((r) => ({ ...r, finished: r.finished === 1, rolledBack: r.rolledBack === 1 })),
    };
  }
  const legacy = readLegacyVersion(db);
  if (legacy) return { kind: "legacy", legacy };
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
  if (tables.length === 0) return { kind: "empty" };
  // cc-backend databases from before golang-migrate have the tables but no version table.
  if (tables.includes("job") && tables.includes("user")) return { kind: "legacy", legacy: { version: 0, dirty: false } };
  return { kind: "foreign", tables };
}

/**
 * Prisma's history table, exactly as its schema engine creates it. The engine's "mark applied" command
 * expects it to exist, so the runner creates it for a cc-backend database before recording the baseline.
 */
export const PRISMA_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

export class SchemaVersionError extends Error {}

/**
 * Compares Prisma's history in the database with the migrations this version ships and returns the
 * ones still to apply. Throws for a history we must not touch: a failed migration, or migrations this
 * version does not know (the database was migrated by a newer version).
 */
export function pendingMigrations(applied: AppliedMigration[], shipped: MigrationFileInfo[]): MigrationFileInfo[] {
  const failed = applied.filter((m) => !m.finished && !m.rolledBack);
  if (failed.length > 0) {
    throw new SchemaVersionError(
      `migration ${failed.map((m) => m.name).join(", ")} failed half-way in an earlier run; restore the database from a backup before migrating again`,
    );
  }
  const known = new Map(shipped.map((m) => [m.name, m]));
  const done = applied.filter((m) => m.finished && !m.rolledBack);
  const unknown = done.filter((m) => !known.has(m.name));
  if (unknown.length > 0) {
    throw new SchemaVersionError(
      `database schema is newer than this version of cc-backend (unknown migration ${unknown.map((m) => m.name).join(", ")})`,
    );
  }
  const edited = done.filter((m) => known.get(m.name)!.checksum !== m.checksum);
  if (edited.length > 0) {
    throw new SchemaVersionError(`migration ${edited.map((m) => m.name).join(", ")} was changed after it was applied`);
  }
  const doneNames = new Set(done.map((m) => m.name));
  return shipped.filter((m) => !doneNames.has(m.name));
}
