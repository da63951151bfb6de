import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MigrationList } from "@prisma/schema-engine-wasm";

/** The project root, found from this file whether it runs from src/ (tsx, vitest) or dist/. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const prismaDir = path.join(projectRoot, "prisma");
export const migrationsDir = path.join(prismaDir, "migrations");
export const schemaPath = path.join(prismaDir, "schema.prisma");

export interface MigrationFileInfo {
  name: string;
  sql: string;
  /** Lowercase hex SHA-256 of migration.sql, as Prisma stores it in _prisma_migrations.checksum. */
  checksum: string;
}

/** The migrations shipped with this version, in the order Prisma applies them (by folder name). */
export function readMigrations(dir = migrationsDir): MigrationFileInfo[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** The engine's view of a migrations folder. */
export function migrationList(dir = migrationsDir): MigrationList {
  const lockPath = path.join(dir, "migration_lock.toml");
  return {
    baseDir: dir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: readMigrations(dir).map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

export function readDatamodel(): { path: string; content: string } {
  return { path: schemaPath, content: readFileSync(schemaPath, "utf8") };
}
