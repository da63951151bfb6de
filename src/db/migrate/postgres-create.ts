import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { migrationList } from "./migration-files.js";
import { pgAdapterFactory } from "./pg-adapter.js";
import { providerMigrationsDir, readProviderDatamodel } from "./provider-files.js";
import { NO_FILTERS, openSchemaEngine } from "./schema-engine.js";

/**
 * The PostgreSQL counterpart of create.ts. The engine replays prisma/postgresql/migrations into a shadow
 * database it creates (and drops) on the server `connectionString` points to, and diffs that against
 * prisma/postgresql/schema.prisma, so it needs a server but never touches the database named in it.
 */
export async function pendingPostgresSchemaChanges(
  connectionString: string,
  datamodel = readProviderDatamodel("postgresql"),
  migrations = providerMigrationsDir("postgresql"),
): Promise<string> {
  const engine = await openSchemaEngine(datamodel, pgAdapterFactory(connectionString));
  try {
    const { exitCode, stdout } = await engine.run((e) =>
      e.diff({
        from: { tag: "migrations", ...migrationList(migrations) },
        to: { tag: "schemaDatamodel", files: [datamodel] },
        script: true,
        exitCode: true,
        filters: NO_FILTERS,
      }),
    );
    return exitCode === 2 ? (stdout ?? "") : "";
  } finally {
    await engine.close();
  }
}

/** Writes prisma/postgresql/migrations/<stamp>_<name>/migration.sql, or nothing when schema and migrations agree. */
export async function createPostgresMigration(
  name: string,
  connectionString: string,
  /** `folder`: the full folder name, to pair the migration with a SQLite one written earlier. */
  options: { now?: Date; folder?: string; datamodel?: { path: string; content: string }; into?: string } = {},
): Promise<string | undefined> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`migration name must be lowercase letters, digits and _, got "${name}"`);
  const into = options.into ?? providerMigrationsDir("postgresql");
  const sql = await pendingPostgresSchemaChanges(connectionString, options.datamodel, into);
  if (sql === "") return undefined;
  const stamp = (options.now ?? new Date()).toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(into, options.folder ?? `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql);
  return dir;
}
