import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModels } from "../../scripts/prisma-providers.ts";
import { PrismaClient } from "../../src/db/generated/postgresql/prisma/client.ts";
import { readMigrations } from "../../src/db/migrate/migration-files.ts";
import { createPostgresMigration, pendingPostgresSchemaChanges } from "../../src/db/migrate/postgres-create.ts";
import { assertPostgresSchemaCurrent, migratePostgresDatabase } from "../../src/db/migrate/postgres-runner.ts";
import { providerMigrationsDir, providerSchemaPath, readProviderDatamodel } from "../../src/db/migrate/provider-files.ts";
import { startPostgres, type DbServer } from "../helpers/db-servers.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const shipped = readMigrations(providerMigrationsDir("postgresql"));
let server: DbServer;
let counter = 0;

beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const newDatabase = () => server.createDatabase(`t${counter++}`);

async function query<T extends pg.QueryResultRow>(dsn: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: dsn });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const history = (dsn: string) =>
  query<{ id: string; migration_name: string; checksum: string; finished: boolean; logs: string | null; applied_steps_count: number; rolled_back_at: Date | null }>(
    dsn,
    "SELECT id, migration_name, checksum, finished_at IS NOT NULL AS finished, logs, applied_steps_count, rolled_back_at FROM _prisma_migrations ORDER BY started_at",
  );

/** Every table's columns as "name type nullability", and the indexes' definitions. */
async function schemaOf(dsn: string) {
  const columns = await query<{ table_name: string; column_name: string; data_type: string; is_nullable: string }>(
    dsn,
    "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
  );
  const indexes = await query<{ indexname: string; indexdef: string }>(dsn, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
  return { columns, indexes };
}

async function expectRefused(dsn: string, message: RegExp): Promise<void> {
  const before = await schemaOf(dsn);
  await expect(migratePostgresDatabase(dsn)).rejects.toThrow(message);
  expect(await schemaOf(dsn)).toEqual(before);
}

describe("--migrate-db on PostgreSQL", () => {
  it("creates the schema in an empty database, recording every migration as prisma migrate deploy does", async () => {
    const dsn = await newDatabase();
    const result = await migratePostgresDatabase(dsn);
    expect(result).toEqual({ created: true, legacyVersionsApplied: [], applied: shipped.map((m) => m.name) });
    const rows = await history(dsn);
    expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(shipped.map((m) => [m.name, m.checksum]));
    for (const row of rows) {
      expect(row).toMatchObject({ finished: true, logs: null, applied_steps_count: 1, rolled_back_at: null });
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(shipped[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    await expect(assertPostgresSchemaCurrent(dsn)).resolves.toBeUndefined();

    // Second run: nothing to do, nothing touched.
    const before = { schema: await schemaOf(dsn), history: await history(dsn) };
    expect(await migratePostgresDatabase(dsn)).toEqual({ created: false, legacyVersionsApplied: [], applied: [] });
    expect({ schema: await schemaOf(dsn), history: await history(dsn) }).toEqual(before);
  });

  it("has the tables, columns and indexes of prisma/postgresql/schema.prisma", async () => {
    const dsn = await newDatabase();
    await migratePostgresDatabase(dsn);
    const { columns, indexes } = await schemaOf(dsn);
    const models = readModels(readFileSync(providerSchemaPath("postgresql"), "utf8"));
    const actual = (table: string) => columns.filter((c) => c.table_name === table).map((c) => `${c.column_name}${c.is_nullable === "YES" ? "?" : ""}`);
    for (const model of models) {
      expect(actual(model.table), model.table).toEqual(model.columns.map((c) => `${c.column}${c.optional ? "?" : ""}`));
    }
    expect([...new Set(columns.map((c) => c.table_name))].sort()).toEqual([...models.map((m) => m.table), "_prisma_migrations"].sort());
    const job = models.find((m) => m.model === "Job")!;
    const named = indexes.filter((i) => !/_pkey$|_key$/.test(i.indexname));
    expect(named.map((i) => i.indexname).sort()).toEqual(job.keys.flatMap((k) => (k.name ? [k.name] : [])).sort());
    expect(indexes.find((i) => i.indexname === "job_running")!.indexdef).toMatch(/WHERE \(job_state = 'running'::text\)$/);
    // The v1.0 CHECK constraints, which the schema cannot state.
    await expect(query(dsn, "INSERT INTO job (job_id, cluster, subcluster, start_time, \"user\", project, duration, walltime, job_state, resources, num_nodes) VALUES (1, 'c', 's', 1, 'u', 'p', 0, 0, 'canceled', '[]', 1)")).rejects.toThrow(/job_job_state_check/);
  });

  it("prisma/postgresql/migrations and prisma/postgresql/schema.prisma describe the same database", async () => {
    expect(await pendingPostgresSchemaChanges(server.dsn)).toBe("");
    const { rows } = { rows: await query<{ datname: string }>(server.dsn, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow%'") };
    expect(rows).toEqual([]);
  });

  it("a schema change shows up as a new PostgreSQL migration (npm run db:migration)", async () => {
    const datamodel = readProviderDatamodel("postgresql");
    const content = datamodel.content.replace("  email          String?\n", "  email          String?\n  phone          String?\n");
    expect(content).not.toBe(datamodel.content);
    const changed = { ...datamodel, content };
    expect(await pendingPostgresSchemaChanges(server.dsn, changed)).toMatch(/ALTER TABLE "user" ADD COLUMN +"phone" TEXT/);
    const into = path.join(dir, "migrations-with-phone");
    cpSync(providerMigrationsDir("postgresql"), into, { recursive: true });
    expect(await createPostgresMigration("nothing_changed", server.dsn, { into })).toBeUndefined();
    const written = await createPostgresMigration("add_phone", server.dsn, { into, datamodel: changed, folder: "20310203040506_add_phone" });
    expect(path.basename(written!)).toBe("20310203040506_add_phone");
    expect(await pendingPostgresSchemaChanges(server.dsn, changed, into)).toBe("");
  });

  it("serves the generated PostgreSQL client: same model API, cascading deletes", async () => {
    const dsn = await newDatabase();
    await migratePostgresDatabase(dsn);
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: dsn }) });
    try {
      const job = await prisma.job.create({
        data: { jobId: 7n, cluster: "c", subCluster: "s", startTime: 1n, user: "u", project: "p", duration: 0, walltime: 0, jobState: "running", resources: "[]", numNodes: 1 },
      });
      const tag = await prisma.tag.create({ data: { tagType: "t", tagName: "n", jobs: { create: { jobId: job.id } } } });
      expect(tag.insertTs).toBeInstanceOf(Date);
      await prisma.user.create({ data: { username: "alice", configurations: { create: { confkey: "k", value: "{}" } } } });
      expect((await prisma.user.findUniqueOrThrow({ where: { username: "alice" } })).roles).toBe("[]");
      await prisma.job.delete({ where: { id: job.id } });
      expect(await prisma.jobTag.count()).toBe(0);
      await prisma.user.delete({ where: { username: "alice" } });
      expect(await prisma.configuration.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("creates a database that does not exist yet", async () => {
    const dsn = (await newDatabase()).replace(/\/[^/]+$/, `/missing_${counter++}`);
    await expect(assertPostgresSchemaCurrent(dsn)).rejects.toThrow(/does not exist; create it with: cc-backend --migrate-db/);
    expect(await migratePostgresDatabase(dsn)).toMatchObject({ created: true, applied: shipped.map((m) => m.name) });
    await expect(assertPostgresSchemaCurrent(dsn)).resolves.toBeUndefined();
  });
});

describe("--migrate-db on PostgreSQL refuses what it must not touch", () => {
  it("a database of another application", async () => {
    const dsn = await newDatabase();
    await query(dsn, "CREATE TABLE invoices (id int)");
    await expectRefused(dsn, /belongs to another application \(tables: invoices\)/);
    await expect(assertPostgresSchemaCurrent(dsn)).rejects.toThrow(/another application/);
  });

  it("a migration that was changed after it was applied", async () => {
    const dsn = await newDatabase();
    await migratePostgresDatabase(dsn);
    await query(dsn, "UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2", ["0".repeat(64), shipped[1]!.name]);
    await expectRefused(dsn, new RegExp(`migration ${shipped[1]!.name} was changed after it was applied`));
    await expect(assertPostgresSchemaCurrent(dsn)).rejects.toThrow(/was changed after it was applied/);
  });

  it("a database migrated by a newer version", async () => {
    const dsn = await newDatabase();
    await migratePostgresDatabase(dsn);
    await query(dsn, "INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count) VALUES ('x', 'y', '29990101000000_future', now(), 1)");
    await expectRefused(dsn, /newer than this version of cc-backend \(unknown migration 29990101000000_future\)/);
  });

  it("empty and outdated databases, when not migrating", async () => {
    const dsn = await newDatabase();
    await expect(assertPostgresSchemaCurrent(dsn)).rejects.toThrow(/is empty; create the schema with: cc-backend --migrate-db/);
    const older = path.join(dir, "older");
    cpSync(providerMigrationsDir("postgresql"), older, { recursive: true });
    await migratePostgresDatabase(dsn, { migrationsDir: older });
    mkdirSync(path.join(older, "29990101000000_next"));
    writeFileSync(path.join(older, "29990101000000_next", "migration.sql"), "CREATE INDEX job_project ON job (project);\n");
    await expect(assertPostgresSchemaCurrent(dsn, { migrationsDir: older })).rejects.toThrow(/1 migration\(s\) behind this version \(next: 29990101000000_next\)/);
    expect((await migratePostgresDatabase(dsn, { migrationsDir: older })).applied).toEqual(["29990101000000_next"]);
  });

  it("a failed migration: rolled back as a whole, recorded, and refused until marked rolled back", async () => {
    const dsn = await newDatabase();
    const broken = path.join(dir, "broken");
    cpSync(providerMigrationsDir("postgresql"), broken, { recursive: true });
    const file = path.join(broken, "29990101000000_broken", "migration.sql");
    mkdirSync(path.dirname(file));
    // A ';' in a comment: the script must reach the server whole, not split at every semicolon.
    writeFileSync(file, "-- first a table; then a mistake\nCREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n");
    await expect(migratePostgresDatabase(dsn, { migrationsDir: broken })).rejects.toThrow(
      /failed in migration 29990101000000_broken: .*no_such_table.*PostgreSQL rolled its statements back.*UPDATE _prisma_migrations SET rolled_back_at/,
    );
    expect(await query(dsn, "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    const failed = (await history(dsn)).at(-1)!;
    expect(failed).toMatchObject({ migration_name: "29990101000000_broken", finished: false, applied_steps_count: 0 });
    expect(failed.logs).toMatch(/no_such_table/);

    await expect(migratePostgresDatabase(dsn, { migrationsDir: broken })).rejects.toThrow(/29990101000000_broken failed in an earlier run/);
    await expect(assertPostgresSchemaCurrent(dsn, { migrationsDir: broken })).rejects.toThrow(/failed in an earlier run/);

    // The way out the message names: fix the cause, mark the failure rolled back, migrate again.
    writeFileSync(file, "CREATE TABLE half_done (id int);\n");
    await query(dsn, "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29990101000000_broken' AND finished_at IS NULL");
    expect((await migratePostgresDatabase(dsn, { migrationsDir: broken })).applied).toEqual(["29990101000000_broken"]);
    await expect(assertPostgresSchemaCurrent(dsn, { migrationsDir: broken })).resolves.toBeUndefined();
  });
});
