import { constants, copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { sqliteAdapterFactory } from "../adapter.js";
import { openSqlite } from "../sqlite.js";
import { inspectDatabase, pendingMigrations, PRISMA_MIGRATIONS_TABLE, SchemaVersionError, type DatabaseKind } from "./history.js";
import { adoptLegacyDatabase, writeLegacyVersionMarker } from "./legacy.js";
import { migrationList, readDatamodel, readMigrations, type MigrationFileInfo } from "./migration-files.js";
import { NO_FILTERS, openSchemaEngine } from "./schema-engine.js";
import { MigrationError, type MigrationResult } from "./result.js";

export { MigrationError, type MigrationResult };

/** The migration that describes cc-backend v1.0's schema; recorded, not run, on cc-backend databases. */
function baselineOf(shipped: MigrationFileInfo[]): MigrationFileInfo {
  return shipped[0]!;
}

function describeForeign(kind: Extract<DatabaseKind, { kind: "foreign" }>, file: string): string {
  return `database ${file} belongs to another application (tables: ${kind.tables.slice(0, 5).join(", ")}); refusing to migrate it`;
}

/**
 * `--migrate-db` for SQLite: creates the database, upgrades a cc-backend database in place, or applies
 * this version's pending Prisma migrations. Any failure leaves the file exactly as it was: the legacy
 * upgrade is one transaction, and Prisma migrations run against a file backed up beforehand.
 */
export async function migrateSqliteDatabase(file: string): Promise<MigrationResult> {
  const existed = existsSync(file) && statSync(file).size > 0;
  if (!existed) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const shipped = readMigrations();

  let db: Database.Database | undefined = openSqlite(file);
  const kind = inspectDatabase(db);
  let todo: MigrationFileInfo[];
  try {
    if (kind.kind === "foreign") throw new MigrationError(describeForeign(kind, file));
    todo = kind.kind === "prisma" ? pendingMigrations(kind.applied, shipped) : shipped;
  } catch (error) {
    db.close();
    throw error instanceof SchemaVersionError ? new MigrationError(error.message) : error;
  }
  const result: MigrationResult = { created: !existed, legacyVersionsApplied: [], applied: [] };
  if (todo.length === 0) {
    db.close();
    return result;
  }

  const backup = existed ? `${file}.before-migration` : undefined;
  if (backup) {
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    copyFileSync(file, backup, constants.COPYFILE_FICLONE);
    db = openSqlite(file);
  }

  const factory = sqliteAdapterFactory(file);
  try {
    if (kind.kind === "legacy") {
      result.legacyVersionsApplied = adoptLegacyDatabase(db, kind.legacy, PRISMA_MIGRATIONS_TABLE);
    }
    db.close();
    db = undefined;
    const engine = await openSchemaEngine(readDatamodel(), factory);
    try {
      const list = migrationList();
      if (kind.kind === "legacy") {
        const baseline = baselineOf(shipped);
        await engine.run((e) => e.markMigrationApplied({ migrationName: baseline.name, migrationsList: list }));
        result.applied.push(baseline.name);
      }
      const { appliedMigrationNames } = await engine.run((e) =>
        e.applyMigrations({ migrationsList: list, filters: NO_FILTERS }),
      );
      result.applied.push(...appliedMigrationNames);
    } finally {
      await engine.close();
    }
    if (kind.kind === "empty") {
      const marker = openSqlite(file);
      try {
        writeLegacyVersionMarker(marker);
      } finally {
        marker.close();
      }
    }
  } catch (error) {
    db?.close();
    await factory.closeAll();
    restore(file, backup);
    throw new MigrationError(
      `migrating ${file} failed, database left unchanged: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (backup) rmSync(backup, { force: true });
  return result;
}

function restore(file: string, backup: string | undefined): void {
  for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });
  if (backup) {
    copyFileSync(backup, file);
    rmSync(backup, { force: true });
  } else {
    rmSync(file, { force: true });
  }
}

/**
 * The check every command but --migrate-db runs first: the database must exist and be at exactly this
 * version's schema. It never migrates; it names --migrate-db instead.
 */
export function assertSchemaCurrent(file: string): void {
  if (!existsSync(file)) {
    throw new SchemaVersionError(`database ${file} does not exist; create it with: cc-backend --migrate-db`);
  }
  const db = openSqlite(file, { readonly: true, mustExist: true });
  try {
    const kind = inspectDatabase(db);
    switch (kind.kind) {
      case "empty":
        throw new SchemaVersionError(`database ${file} is empty; create the schema with: cc-backend --migrate-db`);
      case "foreign":
        throw new SchemaVersionError(describeForeign(kind, file));
      case "legacy":
        throw new SchemaVersionError(
          `database ${file} is a cc-backend database at version ${kind.legacy.version}; back it up, then upgrade it with: cc-backend --migrate-db`,
        );
      case "prisma": {
        const pending = pendingMigrations(kind.applied, readMigrations());
        if (pending.length > 0) {
          throw new SchemaVersionError(
            `database ${file} is ${pending.length} migration(s) behind this version (next: ${pending[0]!.name}); upgrade it with: cc-backend --migrate-db`,
          );
        }
      }
    }
  } finally {
    db.close();
  }
}
