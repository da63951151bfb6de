import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createPrismaClient } from "../../src/db/client.ts";
import { readMigrations } from "../../src/db/migrate/migration-files.ts";
import { assertSchemaCurrent, migrateSqliteDatabase } from "../../src/db/migrate/runner.ts";
import { openSqlite } from "../../src/db/sqlite.ts";
import { verifyPassword } from "../../src/services/users.ts";
import { freshDatabase, snapshot } from "../helpers/db.ts";
import { applyUpstreamSchema } from "../../bench/lib/upstream-schema.ts";
import { copyLegacyFixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const shipped = readMigrations().map((m) => m.name);
/** A database built by cc-backend's own six SQLite migrations, recorded as golang-migrate does. */
function buildWithUpstreamMigrations(file: string): void {
  const db = new Database(file);
  applyUpstreamSchema(db);
  db.close();
}

function columns(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  const result: Record<string, string[]> = {};
  for (const table of ["job", "tag", "jobtag", "user", "configuration"]) {
    result[table] = (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name);
  }
  db.close();
  return result;
}

function appliedNames(file: string): string[] {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name").all() as { migration_name: string }[];
  db.close();
  return rows.map((r) => r.migration_name);
}

describe("--migrate-db on SQLite", () => {
  it("creates a new database with every migration recorded, and is a no-op the second time", async () => {
    const file = path.join(dir, "sub", "fresh.db");
    const first = await migrateSqliteDatabase(file);
    expect(first).toEqual({ created: true, legacyVersionsApplied: [], applied: shipped });
    expect(appliedNames(file)).toEqual(shipped);
    const before = snapshot(file);
    expect(await migrateSqliteDatabase(file)).toEqual({ created: false, legacyVersionsApplied: [], applied: [] });
    expect(snapshot(file)).toEqual(before);
    expect(() => assertSchemaCurrent(file)).not.toThrow();
  });

  it("records checksums exactly as prisma migrate deploy does (SHA-256 of migration.sql)", async () => {
    const file = await freshDatabase(dir);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare("SELECT migration_name AS name, checksum FROM _prisma_migrations").all();
    db.close();
    expect(rows).toEqual(readMigrations().map((m) => ({ name: m.name, checksum: m.checksum })));
    expect(readMigrations()[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("has exactly the tables and columns of cc-backend v1.0's schema", async () => {
    const ours = await freshDatabase(dir);
    const upstream = path.join(dir, "upstream-columns.db");
    buildWithUpstreamMigrations(upstream);
    expect(columns(ours)).toEqual(columns(upstream));
  });

  it("upgrades the cc-backend fixture (version 4) in place and keeps every row", async () => {
    const file = copyLegacyFixture(dir, "fixture-upgrade.db");
    const before = snapshot(file);
    const result = await migrateSqliteDatabase(file);
    expect(result.legacyVersionsApplied).toEqual([5, 6]);
    expect(result.applied).toEqual(shipped);
    const after = snapshot(file);

    // Jobs: same rows, same values; the JSON columns only change storage class (BLOB -> TEXT).
    const asText = (rows: unknown[]) =>
      rows.map((r) => Object.fromEntries(Object.entries(r as object).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString("utf8") : v])));
    expect(after.rows.job).toHaveLength(6);
    expect(asText(after.rows.job!)).toEqual(asText(before.rows.job!));
    expect(after.rows.user).toEqual(before.rows.user);
    expect(after.rows.configuration).toEqual(before.rows.configuration);
    // Tags gain insert_ts (version 5), everything else as before.
    expect(after.rows.tag!.map((t) => ({ ...(t as object), insert_ts: undefined }))).toEqual(
      before.rows.tag!.map((t) => ({ ...(t as object), insert_ts: undefined })),
    );
    expect((after.rows.tag![0] as { insert_ts: string }).insert_ts).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(after.rows.schema_migrations).toEqual([{ version: 6, dirty: 0 }]);
    expect(() => assertSchemaCurrent(file)).not.toThrow();

    // The adopted database works through Prisma, and cc-backend's $2a$ bcrypt hash still verifies.
    const prisma = createPrismaClient(file);
    try {
      const jobs = await prisma.job.findMany({ orderBy: { id: "asc" } });
      expect(jobs.map((j) => Number(j.jobId))).toEqual([679997, 679998, 679999, 398997, 398998, 398999]);
      expect(JSON.parse(jobs[0]!.metaData!)).toHaveProperty("jobName");
      expect(await verifyPassword(prisma, "demo", "demo")).toBe(true);
      expect(await verifyPassword(prisma, "demo", "wrong")).toBe(false);
    } finally {
      await prisma.$disconnect();
    }
    expect(await migrateSqliteDatabase(file)).toEqual({ created: false, legacyVersionsApplied: [], applied: [] });
  });

  it("adopts a database built by cc-backend's own migrations (version 6)", async () => {
    const file = path.join(dir, "upstream-v6.db");
    buildWithUpstreamMigrations(file);
    const result = await migrateSqliteDatabase(file);
    expect(result.legacyVersionsApplied).toEqual([]);
    expect(result.applied).toEqual(shipped);
    expect(() => assertSchemaCurrent(file)).not.toThrow();
  });

  it("keeps the connection settings: WAL, busy timeout, foreign keys (deleting a job removes its tags)", async () => {
    const file = await freshDatabase(dir);
    const db = openSqlite(file);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
    db.close();
    const prisma = createPrismaClient(file);
    try {
      const job = await prisma.job.create({
        data: { jobId: 1n, cluster: "c", subCluster: "s", startTime: 1n, user: "u", project: "p", duration: 0, walltime: 0, jobState: "running", resources: "[]", numNodes: 1 },
      });
      await prisma.tag.create({ data: { tagType: "t", tagName: "n", jobs: { create: { jobId: job.id } } } });
      await prisma.job.delete({ where: { id: job.id } });
      expect(await prisma.jobTag.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });
});

describe("--migrate-db refuses what it must not touch, and leaves it as it was", () => {
  async function expectRefused(file: string, message: RegExp): Promise<void> {
    const before = snapshot(file);
    await expect(migrateSqliteDatabase(file)).rejects.toThrow(message);
    expect(snapshot(file)).toEqual(before);
    expect(existsSync(`${file}.before-migration`)).toBe(false);
  }

  it("a cc-backend database marked dirty", async () => {
    const file = copyLegacyFixture(dir, "dirty.db");
    new Database(file).exec("UPDATE schema_migrations SET dirty = 1").close();
    await expectRefused(file, /dirty at version 4/);
  });

  it("a cc-backend database newer than version 6", async () => {
    const file = copyLegacyFixture(dir, "newer.db");
    new Database(file).exec("UPDATE schema_migrations SET version = 9").close();
    await expectRefused(file, /version 9, newer than the supported version 6/);
  });

  it("a Prisma history with a failed migration", async () => {
    const file = await freshDatabase(dir);
    new Database(file).exec(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${shipped.at(-1)}'`).close();
    await expectRefused(file, /failed half-way/);
    expect(() => assertSchemaCurrent(file)).toThrow(/failed half-way/);
  });

  it("a database migrated by a newer version", async () => {
    const file = await freshDatabase(dir);
    new Database(file)
      .exec("INSERT INTO _prisma_migrations (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ('x', 'abc', '2030-01-01', '29990101000000_future', 1)")
      .close();
    await expectRefused(file, /newer than this version.*29990101000000_future/);
    expect(() => assertSchemaCurrent(file)).toThrow(/newer than this version/);
  });

  it("a database of another application", async () => {
    const file = path.join(dir, "foreign.db");
    new Database(file).exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL); INSERT INTO invoices VALUES (1, 9.5);").close();
    await expectRefused(file, /belongs to another application \(tables: invoices\)/);
  });

  it("a file that is not a database", async () => {
    const file = path.join(dir, "garbage.db");
    writeFileSync(file, "this is not sqlite ".repeat(500));
    const before = readFileSync(file);
    await expect(migrateSqliteDatabase(file)).rejects.toThrow(/cannot use database .*garbage\.db: file is not a database/);
    expect(readFileSync(file)).toEqual(before);
  });

  it("a migration that fails half-way: the whole upgrade is undone", async () => {
    // An index of the same name as one our migration creates makes the second migration fail after
    // the legacy upgrade and the baseline have been written.
    const file = copyLegacyFixture(dir, "conflict.db");
    new Database(file).exec("CREATE INDEX job_user_start ON job (project)").close();
    const before = snapshot(file);
    await expect(migrateSqliteDatabase(file)).rejects.toThrow(/failed, database left unchanged: .*job_user_start/);
    expect(snapshot(file)).toEqual(before);
    expect(existsSync(`${file}.before-migration`)).toBe(false);
  });
});

describe("the schema check on start", () => {
  it("names --migrate-db for a missing, legacy, empty or outdated database", async () => {
    expect(() => assertSchemaCurrent(path.join(dir, "missing.db"))).toThrow(/does not exist.*--migrate-db/);
    expect(() => assertSchemaCurrent(copyLegacyFixture(dir, "check-legacy.db"))).toThrow(/cc-backend database at version 4.*--migrate-db/);
    const empty = path.join(dir, "empty.db");
    new Database(empty).close();
    expect(() => assertSchemaCurrent(empty)).toThrow(/empty.*--migrate-db/);
    const behind = await freshDatabase(dir);
    new Database(behind).exec(`DELETE FROM _prisma_migrations WHERE migration_name = '${shipped.at(-1)}'`).close();
    expect(() => assertSchemaCurrent(behind)).toThrow(/1 migration\(s\) behind.*--migrate-db/);
  });
});
