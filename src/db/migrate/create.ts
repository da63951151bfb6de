import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sqliteAdapterFactory } from "../adapter.js";
import { migrationList, migrationsDir, prismaDir, readDatamodel } from "./migration-files.js";
import { NO_FILTERS, openSchemaEngine } from "./schema-engine.js";

/**
 * The SQL that takes a database built from prisma/migrations to prisma/schema.prisma, or "" when they
 * agree. The engine's own "diff from migrations" needs a shadow database it cannot create through the
 * adapter, so the migrations are applied to a scratch file and that file is compared instead.
 */
export async function pendingSchemaChanges(datamodel = readDatamodel(), migrations = migrationsDir): Promise<string> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), "ccb-shadow-"));
  const factory = sqliteAdapterFactory(path.join(scratch, "shadow.db"));
  const engine = await openSchemaEngine(datamodel, factory);
  try {
    await engine.run((e) => e.applyMigrations({ migrationsList: migrationList(migrations), filters: NO_FILTERS }));
    const { exitCode, stdout } = await engine.run((e) =>
      e.diff({
        from: { tag: "schemaDatasource", files: [datamodel], configDir: prismaDir },
        to: { tag: "schemaDatamodel", files: [datamodel] },
        script: true,
        exitCode: true,
        filters: { ...NO_FILTERS, externalTables: ["schema_migrations"] },
      }),
    );
    return exitCode === 2 ? (stdout ?? "") : "";
  } finally {
    await engine.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `npm run db:migration -- <name>`: writes prisma/migrations/<UTC stamp>_<name>/migration.sql. */
export async function createMigration(
  name: string,
  options: { now?: Date; datamodel?: { path: string; content: string }; into?: string } = {},
): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name must be lowercase letters, digits and _, got "${name}"`);
  const into = options.into ?? migrationsDir;
  const sql = await pendingSchemaChanges(options.datamodel, into);
  if (sql === "") return undefined;
  const stamp = (options.now ?? new Date()).toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(into, `${stamp}_${name}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, "migration.sql"), sql);
  return dir;
}
