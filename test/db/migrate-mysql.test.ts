import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import mariadb from "mariadb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readModels } from "../../scripts/prisma-providers.ts";
import { parseDatabaseLocation } from "../../src/db/dsn.ts";
import { PrismaClient } from "../../src/db/generated/mysql/prisma/client.ts";
import { projectRoot, readMigrations } from "../../src/db/migrate/migration-files.ts";
import { assertMysqlSchemaCurrent, migrateMysqlDatabase, type MysqlConnectionOptions } from "../../src/db/migrate/mysql-runner.ts";
import { providerMigrationsDir, providerSchemaPath } from "../../src/db/migrate/provider-files.ts";
import { splitSqlStatements } from "../../src/db/migrate/sql-script.ts";
import { startMariaDb, type DbServer } from "../helpers/db-servers.ts";
import { tempDir } from "../helpers/tmp.ts";

/** cc-backend v1.0's own MySQL migrations, from ../shared/reference (beside the repository). */
const upstreamDir = path.resolve(projectRoot, "..", "shared", "reference", "cc-backend-v1.0.0", "internal", "repository", "migrations", "mysql");

const dir = tempDir();
const shipped = readMigrations(providerMigrationsDir("mysql"));
const names = shipped.map((m) => m.name);
let server: DbServer;
let counter = 0;

beforeAll(async () => {
  server = await startMariaDb();
});
afterAll(async () => {
  await server?.stop();
});

function location(dsn: string): MysqlConnectionOptions {
  const loc = parseDatabaseLocation("mysql", dsn);
  if (loc.driver !== "mysql") throw new Error("not a mysql DSN");
  return loc;
}

async function newDatabase(): Promise<MysqlConnectionOptions> {
  return location(await server.createDatabase(`t${counter++}`));
}

async function query<T = Record<string, unknown>>(db: MysqlConnectionOptions, sql: string, values: unknown[] = []): Promise<T[]> {
  const conn = await mariadb.createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    await conn.query("SET time_zone = '+00:00'");
    return (await conn.query({ sql, bigIntAsNumber: true }, values)) as T[];
  } finally {
    await conn.end();
  }
}

/** A database built the way cc-backend v1.0 builds it: its MySQL migrations 1..`version`, recorded as golang-migrate does. */
async function buildUpstream(db: MysqlConnectionOptions, version: number): Promise<void> {
  const files = readdirSync(upstreamDir).filter((f) => f.endsWith(".up.sql")).sort();
  for (const file of files.slice(0, version)) {
    for (const statement of splitSqlStatements(readFileSync(path.join(upstreamDir, file), "utf8"))) await query(db, statement);
  }
  await query(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint not null primary key, dirty boolean not null)");
  await query(db, "INSERT INTO schema_migrations (version, dirty) VALUES (?, 0)", [version]);
}

const BCRYPT_DEMO = "$2a$10$ZJPyt0KTGVlcLaLsB0gOtuSBH9pN1x1OaHSP8HOfnVTFaxdQdn4KO";

async function insertRows(db: MysqlConnectionOptions, withInsertTime: boolean): Promise<void> {
  const job = "INSERT INTO job (id, job_id, cluster, subcluster, start_time, user, project, `partition`, array_job_id, duration, walltime, job_state, meta_data, resources, num_nodes, num_hwthreads, num_acc, smt, exclusive, monitoring_status, mem_used_max) VALUES (?, ?, 'fritz', 'main', ?, ?, 'proj', 'work', 0, ?, 86400, ?, ?, ?, 2, 144, 0, 0, 1, 1, 12.5)";
  await query(db, job, [1, 398997, 1_700_000_000, "alice", 3600, "completed", '{"jobName":"sim"}', '[{"hostname":"f0101"},{"hostname":"f0102"}]']);
  await query(db, job, [2, 398998, 1_700_000_100, "bob", 0, "running", null, '[{"hostname":"f0103"}]']);
  await query(db, "INSERT INTO tag (id, tag_type, tag_name) VALUES (1, 'app', 'gromacs'), (2, 'issue', 'lowflops')");
  await query(db, "INSERT INTO jobtag (job_id, tag_id) VALUES (1, 1), (1, 2), (2, 1)");
  if (withInsertTime) await query(db, "UPDATE tag SET insert_time = '2024-01-02 03:04:05'");
  await query(db, "INSERT INTO user (username, password, ldap, name, roles, email) VALUES ('demo', ?, 0, 'Demo User', '[\"admin\"]', 'demo@example.org')", [BCRYPT_DEMO]);
  await query(db, "INSERT INTO configuration (username, confkey, value) VALUES ('demo', 'plot_list_selectedMetrics', '[\"flops_any\"]')");
}

const rows = async (db: MysqlConnectionOptions) => ({
  job: await query(db, "SELECT id, job_id, cluster, start_time, user, job_state, meta_data, resources, num_hwthreads, mem_used_max FROM job ORDER BY id"),
  tag: await query(db, "SELECT id, tag_type, tag_name FROM tag ORDER BY id"),
  jobtag: await query(db, "SELECT job_id, tag_id FROM jobtag ORDER BY job_id, tag_id"),
  user: await query(db, "SELECT username, password, ldap, name, roles, email FROM user ORDER BY username"),
  configuration: await query(db, "SELECT * FROM configuration ORDER BY username, confkey"),
});

const history = (db: MysqlConnectionOptions) =>
  query<{ id: string; migration_name: string; checksum: string; finished_at: Date | null; started_at: Date; logs: string | null; applied_steps_count: number; rolled_back_at: Date | null }>(
    db,
    "SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name",
  );

/** Columns (without collation, see the baseline), indexes, foreign keys and checks of the cc-backend tables. */
async function schemaOf(db: MysqlConnectionOptions) {
  const where = "table_schema = DATABASE() AND table_name NOT IN ('_prisma_migrations', 'schema_migrations')";
  return {
    columns: await query(db, `SELECT table_name, column_name, column_type, is_nullable, column_default, extra FROM information_schema.columns WHERE ${where} ORDER BY table_name, ordinal_position`),
    indexes: await query(db, `SELECT table_name, index_name, non_unique, GROUP_CONCAT(column_name ORDER BY seq_in_index) AS columns FROM information_schema.statistics WHERE ${where} GROUP BY table_name, index_name, non_unique ORDER BY table_name, index_name`),
    foreignKeys: await query(db, "SELECT table_name, constraint_name, referenced_table_name, delete_rule, update_rule FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE() ORDER BY constraint_name"),
    checks: await query(db, "SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY table_name, constraint_name"),
  };
}

async function tables(db: MysqlConnectionOptions): Promise<string[]> {
  return (await query<{ t: string }>(db, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY t")).map((r) => r.t);
}

async function expectRefused(db: MysqlConnectionOptions, message: RegExp): Promise<void> {
  const before = { schema: await schemaOf(db), tables: await tables(db) };
  await expect(migrateMysqlDatabase(db)).rejects.toThrow(message);
  expect({ schema: await schemaOf(db), tables: await tables(db) }).toEqual(before);
}

const MYSQL_TYPES: Record<string, RegExp> = { Int: /^int\b/, BigInt: /^bigint\b/, Float: /^double$/, String: /^varchar\(191\)$/, DateTime: /^datetime\(3\)$/ };
const NATIVE_TYPES: Record<string, RegExp> = { "VarChar(255)": /^varchar\(255\)$/, Text: /^text$/, TinyInt: /^tinyint\b/, "Timestamp(0)": /^timestamp$/ };

describe("MySQL migration scripts run one statement at a time", () => {
  it("split at semicolons outside quotes and comments", () => {
    const script = [
      "-- a comment; not a statement",
      "CREATE TABLE `a;b` (x VARCHAR(9) DEFAULT 'semi;colon', y TEXT DEFAULT \"it''s;\");",
      "# another; comment",
      "/* block; comment */ INSERT INTO t VALUES ('back\\';slash');",
      "--",
      "/*!40101 SET NAMES utf8mb4 */;",
      "-- trailing comment only",
    ].join("\n");
    expect(splitSqlStatements(script)).toEqual([
      "-- a comment; not a statement\nCREATE TABLE `a;b` (x VARCHAR(9) DEFAULT 'semi;colon', y TEXT DEFAULT \"it''s;\")",
      "# another; comment\n/* block; comment */ INSERT INTO t VALUES ('back\\';slash')",
      "--\n/*!40101 SET NAMES utf8mb4 */",
    ]);
    expect(() => splitSqlStatements("SELECT 'open")).toThrow(/unterminated/);
  });
});

describe("--migrate-db on MySQL/MariaDB", () => {
  it("creates the schema in an empty database, recording every migration as prisma migrate deploy does", async () => {
    const db = await newDatabase();
    expect(await migrateMysqlDatabase(db)).toEqual({ created: true, legacyVersionsApplied: [], applied: names });
    const records = await history(db);
    expect(records.map((r) => [r.migration_name, r.checksum])).toEqual(shipped.map((m) => [m.name, m.checksum]));
    for (const record of records) {
      expect(record).toMatchObject({ logs: null, applied_steps_count: 1, rolled_back_at: null });
      expect(record.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(record.finished_at!.getTime()).toBeGreaterThanOrEqual(record.started_at.getTime());
      expect(Math.abs(record.started_at.getTime() - Date.now())).toBeLessThan(60_000);
    }
    // Prisma's own table definition, so `prisma migrate` can continue this history.
    expect(await query(db, "SELECT column_name, column_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '_prisma_migrations' ORDER BY ordinal_position")).toEqual([
      { column_name: "id", column_type: "varchar(36)", is_nullable: "NO", column_default: null },
      { column_name: "checksum", column_type: "varchar(64)", is_nullable: "NO", column_default: null },
      { column_name: "finished_at", column_type: "datetime(3)", is_nullable: "YES", column_default: "NULL" },
      { column_name: "migration_name", column_type: "varchar(255)", is_nullable: "NO", column_default: null },
      { column_name: "logs", column_type: "text", is_nullable: "YES", column_default: "NULL" },
      { column_name: "rolled_back_at", column_type: "datetime(3)", is_nullable: "YES", column_default: "NULL" },
      { column_name: "started_at", column_type: "datetime(3)", is_nullable: "NO", column_default: "current_timestamp(3)" },
      { column_name: "applied_steps_count", column_type: "int(10) unsigned", is_nullable: "NO", column_default: "0" },
    ]);
    // cc-backend v1.0 still recognises the database.
    expect(await query(db, "SELECT version, dirty FROM schema_migrations")).toEqual([{ version: 6, dirty: 0 }]);
    await expect(assertMysqlSchemaCurrent(db)).resolves.toBeUndefined();

    const before = { schema: await schemaOf(db), history: await history(db) };
    expect(await migrateMysqlDatabase(db)).toEqual({ created: false, legacyVersionsApplied: [], applied: [] });
    expect({ schema: await schemaOf(db), history: await history(db) }).toEqual(before);
  });

  it("has the tables, columns, types and indexes of prisma/mysql/schema.prisma", async () => {
    const db = await newDatabase();
    await migrateMysqlDatabase(db);
    const { columns, indexes } = await schemaOf(db);
    const models = readModels(readFileSync(providerSchemaPath("mysql"), "utf8"));
    expect([...new Set(columns.map((c) => c.table_name))].sort()).toEqual(models.map((m) => m.table).sort());
    for (const model of models) {
      const actual = columns.filter((c) => c.table_name === model.table);
      expect(actual.map((c) => `${c.column_name}${c.is_nullable === "YES" ? "?" : ""}`), model.table).toEqual(model.columns.map((c) => `${c.column}${c.optional ? "?" : ""}`));
      for (const column of model.columns) {
        const found = actual.find((c) => c.column_name === column.column)!;
        const expected = column.nativeType ? NATIVE_TYPES[column.nativeType] : MYSQL_TYPES[column.type];
        expect(found.column_type, `${model.table}.${column.column}`).toMatch(expected!);
        expect(String(found.extra).includes("auto_increment"), `${model.table}.${column.column} auto_increment`).toBe(column.attributes.includes("autoincrement()"));
      }
      const actualIndexes = indexes.filter((i) => i.table_name === model.table);
      for (const key of model.keys) {
        const match = actualIndexes.find((i) =>
          key.kind === "id" ? i.index_name === "PRIMARY" : key.name ? i.index_name === key.name : i.non_unique === 0 && i.columns === key.columns.join(","),
        );
        expect(match?.columns, `${model.table} ${key.kind} ${key.name ?? key.columns}`).toBe(key.columns.join(","));
        expect(match?.non_unique, `${model.table} ${key.name ?? key.columns}`).toBe(key.kind === "index" ? 1 : 0);
      }
    }
    // job has exactly the schema's indexes: the v1.0 ones the covering indexes replace are gone.
    expect(indexes.filter((i) => i.table_name === "job").length).toBe(models.find((m) => m.table === "job")!.keys.length);
  });

  it("serves the generated MySQL client: same model API, auto-increment ids, cascading deletes", async () => {
    const db = await newDatabase();
    await migrateMysqlDatabase(db);
    const prisma = new PrismaClient({ adapter: new PrismaMariaDb({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database }) });
    try {
      const job = await prisma.job.create({
        data: { jobId: 7n, cluster: "c", subCluster: "s", startTime: 1n, user: "u", project: "p", duration: 0, walltime: 0, jobState: "running", resources: "[]", numNodes: 1 },
      });
      const tag = await prisma.tag.create({ data: { tagType: "t", tagName: "n", jobs: { create: { jobId: job.id } } } });
      expect(tag.id).toBeGreaterThan(0);
      expect((await prisma.tag.findUniqueOrThrow({ where: { id: tag.id } })).insertTs).toBeInstanceOf(Date);
      await prisma.user.create({ data: { username: "alice", configurations: { create: { confkey: "k", value: "x".repeat(10_000) } } } });
      expect((await prisma.user.findUniqueOrThrow({ where: { username: "alice" } })).roles).toBe("[]");
      await prisma.job.delete({ where: { id: job.id } });
      expect(await prisma.jobTag.count()).toBe(0);
      await prisma.user.delete({ where: { username: "alice" } });
      expect(await prisma.configuration.count()).toBe(0);
    } finally {
      await prisma.$disconnect();
    }
  });

  it("creates a database that does not exist yet, in utf8mb4", async () => {
    const db = { ...(await newDatabase()), database: `missing_${counter++}` };
    await expect(assertMysqlSchemaCurrent(db)).rejects.toThrow(/does not exist; create it with: cc-backend --migrate-db/);
    expect(await migrateMysqlDatabase(db)).toMatchObject({ created: true, applied: names });
    expect(await query(db, "SELECT default_character_set_name AS cs FROM information_schema.schemata WHERE schema_name = DATABASE()")).toEqual([{ cs: "utf8mb4" }]);
  });
});

describe("--migrate-db adopts a cc-backend MySQL database in place", () => {
  it("at version 6 (built from cc-backend's own migrations): baseline recorded, the rest applied, rows intact", async () => {
    const db = await newDatabase();
    await buildUpstream(db, 6);
    await insertRows(db, true);
    const before = await rows(db);
    await expect(assertMysqlSchemaCurrent(db)).rejects.toThrow(/cc-backend database at version 6; back it up, then upgrade it with: cc-backend --migrate-db/);

    expect(await migrateMysqlDatabase(db)).toEqual({ created: false, legacyVersionsApplied: [], applied: names });
    expect(await rows(db)).toEqual(before);
    expect(await query(db, "SELECT id, insert_ts FROM tag ORDER BY id")).toEqual([
      { id: 1, insert_ts: new Date("2024-01-02T03:04:05Z") },
      { id: 2, insert_ts: new Date("2024-01-02T03:04:05Z") },
    ]);
    const records = await history(db);
    expect(records.map((r) => [r.migration_name, r.checksum])).toEqual(shipped.map((m) => [m.name, m.checksum]));
    // The baseline as `prisma migrate resolve --applied` records it: finished, never run.
    expect(records[0]).toMatchObject({ logs: "", applied_steps_count: 0 });
    expect(records[0]!.finished_at).not.toBeNull();
    expect(await query(db, "SELECT version, dirty FROM schema_migrations")).toEqual([{ version: 6, dirty: 0 }]);
    await expect(assertMysqlSchemaCurrent(db)).resolves.toBeUndefined();

    // Both paths end in the same schema as a database created by --migrate-db.
    const fresh = await newDatabase();
    await migrateMysqlDatabase(fresh);
    expect(await schemaOf(db)).toEqual(await schemaOf(fresh));

    const prisma = new PrismaClient({ adapter: new PrismaMariaDb({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database }) });
    try {
      const jobs = await prisma.job.findMany({ orderBy: { id: "asc" }, include: { tags: { include: { tag: true } } } });
      expect(jobs.map((j) => [j.jobId, j.user, j.tags.map((t) => t.tag.tagName)])).toEqual([
        [398997n, "alice", ["gromacs", "lowflops"]],
        [398998n, "bob", ["gromacs"]],
      ]);
      expect(JSON.parse(jobs[0]!.metaData!)).toEqual({ jobName: "sim" });
      // cc-backend's MySQL tag table had no AUTO_INCREMENT; now a tag needs no explicit id.
      expect((await prisma.tag.create({ data: { tagType: "app", tagName: "vasp" } })).id).toBe(3);
      expect((await prisma.user.findUniqueOrThrow({ where: { username: "demo" } })).password).toBe(BCRYPT_DEMO);
    } finally {
      await prisma.$disconnect();
    }
    expect(await migrateMysqlDatabase(db)).toEqual({ created: false, legacyVersionsApplied: [], applied: [] });
  });

  it.each([
    [4, [5, 6]],
    [1, [2, 3, 4, 5, 6]],
  ])("at version %i: cc-backend's later migrations %j first, then as above", async (version, steps) => {
    const db = await newDatabase();
    await buildUpstream(db, version);
    await insertRows(db, false);
    const before = await rows(db);
    expect(await migrateMysqlDatabase(db)).toEqual({ created: false, legacyVersionsApplied: steps, applied: names });
    expect(await rows(db)).toEqual(before);
    expect((await query<{ n: number }>(db, "SELECT COUNT(*) AS n FROM tag WHERE insert_ts IS NOT NULL"))[0]!.n).toBe(2);
    const fresh = await newDatabase();
    await migrateMysqlDatabase(fresh);
    expect(await schemaOf(db)).toEqual(await schemaOf(fresh));
  });

  it("refuses a cc-backend database marked dirty, one newer than version 6, and one lacking version 6's columns", async () => {
    const dirty = await newDatabase();
    await buildUpstream(dirty, 6);
    await query(dirty, "UPDATE schema_migrations SET dirty = 1");
    await expectRefused(dirty, /dirty at version 6/);

    const newer = await newDatabase();
    await buildUpstream(newer, 6);
    await query(newer, "UPDATE schema_migrations SET version = 7");
    await expectRefused(newer, /at version 7, newer than the supported version 6/);

    const edited = await newDatabase();
    await buildUpstream(edited, 6);
    await query(edited, "ALTER TABLE tag DROP COLUMN insert_time");
    await expectRefused(edited, /lacks tag\.insert_time; refusing to adopt it/);
  });
});

describe("--migrate-db on MySQL refuses what it must not touch", () => {
  it("a database of another application", async () => {
    const db = await newDatabase();
    await query(db, "CREATE TABLE invoices (id INT)");
    await expectRefused(db, /belongs to another application \(tables: invoices\)/);
    await expect(assertMysqlSchemaCurrent(db)).rejects.toThrow(/another application/);
  });

  it("a migration that was changed after it was applied", async () => {
    const db = await newDatabase();
    await migrateMysqlDatabase(db);
    await query(db, "UPDATE _prisma_migrations SET checksum = ? WHERE migration_name = ?", ["0".repeat(64), names[2]]);
    await expectRefused(db, new RegExp(`migration ${names[2]} was changed after it was applied`));
    await expect(assertMysqlSchemaCurrent(db)).rejects.toThrow(/was changed after it was applied/);
  });

  it("a failed migration: recorded as Prisma does, reported with what took effect, refused until resolved", async () => {
    const db = await newDatabase();
    const broken = path.join(dir, "broken");
    cpSync(providerMigrationsDir("mysql"), broken, { recursive: true });
    const file = path.join(broken, "29990101000000_broken", "migration.sql");
    mkdirSync(path.dirname(file));
    writeFileSync(file, "-- a table; then a mistake\nCREATE TABLE half_done (id INT);\nALTER TABLE no_such_table ADD COLUMN x INT;\n");
    await expect(migrateMysqlDatabase(db, { migrationsDir: broken })).rejects.toThrow(
      /failed in migration 29990101000000_broken, statement 2 of 2: .*no_such_table.*MySQL cannot roll back DDL.*UPDATE _prisma_migrations SET rolled_back_at = NOW\(3\)/,
    );
    expect(await tables(db)).toContain("half_done");
    const failed = (await history(db)).at(-1)!;
    expect(failed).toMatchObject({ migration_name: "29990101000000_broken", finished_at: null, applied_steps_count: 0, rolled_back_at: null });
    expect(failed.logs).toMatch(/Database error code: 1146[\s\S]*no_such_table[\s\S]*query number 2/);

    await expectRefused(db, /29990101000000_broken failed in an earlier run/);
    await expect(migrateMysqlDatabase(db, { migrationsDir: broken })).rejects.toThrow(/failed in an earlier run/);
    await expect(assertMysqlSchemaCurrent(db, { migrationsDir: broken })).rejects.toThrow(/failed in an earlier run/);

    // The way out the message names: undo by hand, fix, mark rolled back, migrate again.
    await query(db, "DROP TABLE half_done");
    writeFileSync(file, "CREATE TABLE half_done (id INT);\n");
    await query(db, "UPDATE _prisma_migrations SET rolled_back_at = NOW(3) WHERE migration_name = '29990101000000_broken' AND finished_at IS NULL");
    expect((await migrateMysqlDatabase(db, { migrationsDir: broken })).applied).toEqual(["29990101000000_broken"]);
    await expect(assertMysqlSchemaCurrent(db, { migrationsDir: broken })).resolves.toBeUndefined();
  });

  it("an empty database, when not migrating", async () => {
    await expect(assertMysqlSchemaCurrent(await newDatabase())).rejects.toThrow(/is empty; create the schema with: cc-backend --migrate-db/);
  });
});
