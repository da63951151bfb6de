import path from "node:path";
import Database from "better-sqlite3";
import { migrateSqliteDatabase } from "../../src/db/migrate/runner.ts";
import { freshServerDatabase, TEST_ENGINE } from "./test-engine.ts";

let counter = 0;

/**
 * A new, migrated database of this run's engine: an SQLite file in `dir`, or a new database on the
 * run's server (its DSN), see test-engine.ts.
 */
export async function freshDatabase(dir: string): Promise<string> {
  if (TEST_ENGINE !== "sqlite") return freshServerDatabase();
  const file = path.join(dir, `db-${process.pid}-${counter++}.db`);
  await migrateSqliteDatabase(file);
  return file;
}

/** Everything in a database that matters for "unchanged": schema text and every row of every table. */
export function snapshot(file: string): { schema: unknown[]; rows: Record<string, unknown[]> } {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").all();
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const rows = Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()]));
    return { schema, rows };
  } finally {
    db.close();
  }
}
