import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";

/** cc-backend v1.0's own SQLite migrations, from ../shared/reference (beside the repository). */
export const upstreamMigrationsDir = path.resolve(
  projectRoot,
  "..",
  "shared",
  "reference",
  "cc-backend-v1.0.0",
  "internal",
  "repository",
  "migrations",
  "sqlite3",
);

/**
 * Gives an empty database the schema cc-backend v1.0 creates (version 6), by running its migrations
 * as golang-migrate would, including the sqlite_master rewrite that needs unsafe mode here.
 */
export function applyUpstreamSchema(db: Database.Database): void {
  db.unsafeMode(true);
  for (const name of readdirSync(upstreamMigrationsDir).filter((f) => f.endsWith(".up.sql")).sort()) {
    db.exec(readFileSync(path.join(upstreamMigrationsDir, name), "utf8"));
  }
  db.unsafeMode(false);
  db.exec("CREATE TABLE schema_migrations (version uint64, dirty bool); CREATE UNIQUE INDEX version_unique ON schema_migrations (version); INSERT INTO schema_migrations VALUES (6, 0);");
}
