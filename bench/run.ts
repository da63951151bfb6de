// npm run bench [-- --jobs 1000000 --insert 100000 --runs 3]
// Prints each measurement beside its floor (the same work done by raw better-sqlite3) and the ratio.
import { copyFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { createPrismaClient } from "../src/db/client.ts";
import { insertJobs } from "../src/db/jobs/bulk-insert.ts";
import { JOB_COLUMNS, JOB_FIELDS, type JobRow } from "../src/db/jobs/job-row.ts";
import { readMigrations } from "../src/db/migrate/migration-files.ts";
import { migrateSqliteDatabase } from "../src/db/migrate/runner.ts";
import { generateJobs } from "./lib/generate-jobs.ts";
import { benchDataDir, legacyDatabase } from "./lib/legacy-db.ts";
import { benchInitDb, benchInitDbOnServer } from "./lib/init-db.ts";
import { median, printTable, seconds, type BenchRow } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000000" },
    insert: { type: "string", default: "100000" },
    archive: { type: "string", default: "100000" },
    runs: { type: "string", default: "3" },
    only: { type: "string" },
  },
});
const selected = (name: string) => !args.only || args.only.split(",").includes(name);
const JOBS = Number(args.jobs);
const INSERT = Number(args.insert);
const RUNS = Number(args.runs);
const log = (line: string) => console.error(line);
const rows: BenchRow[] = [];
const work = (name: string) => path.join(benchDataDir, `work-${name}.db`);
const removeDb = (file: string) => ["", "-wal", "-shm", ".before-migration"].forEach((s) => rmSync(file + s, { force: true }));

// 1. --migrate-db on a cc-backend v1.0 database of JOBS jobs.
if (selected("migrate")) {
  const source = legacyDatabase(JOBS, log);
  log(`--migrate-db on a copy of ${path.basename(source)} ...`);
  const ours = work("migrate-ours");
  removeDb(ours);
  copyFileSync(source, ours);
  let start = process.hrtime.bigint();
  const result = await migrateSqliteDatabase(ours);
  const oursSeconds = seconds(start);
  if (result.applied.length !== readMigrations().length) throw new Error("migration did not apply everything");

  // Floor: the same SQL (BLOB→TEXT conversion, our index migration) run directly, one transaction.
  const floor = work("migrate-floor");
  removeDb(floor);
  copyFileSync(source, floor);
  const db = new Database(floor);
  start = process.hrtime.bigint();
  db.transaction(() => {
    db.exec("UPDATE job SET meta_data = CAST(meta_data AS TEXT), resources = CAST(resources AS TEXT) WHERE typeof(meta_data) = 'blob' OR typeof(resources) = 'blob'");
    for (const migration of readMigrations().slice(1)) db.exec(migration.sql);
  })();
  const floorSeconds = seconds(start);
  db.close();
  rows.push({ name: `--migrate-db, cc-backend DB with ${JOBS.toLocaleString("en-US")} jobs`, ours: oursSeconds, floor: floorSeconds, unit: "s", note: "floor: the same SQL via raw better-sqlite3, no backup copy" });
  removeDb(ours);
  removeDb(floor);
}

// 2. Bulk insert of INSERT jobs into a migrated database (this project's indexes in place).
if (selected("insert")) {
  const template = work("insert-template");
  removeDb(template);
  await migrateSqliteDatabase(template);
  const jobs: JobRow[] = [...generateJobs(INSERT, 7)].map(({ tagIds: _tags, ...job }) => job);
  const fresh = (name: string) => {
    const file = work(name);
    removeDb(file);
    copyFileSync(template, file);
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    return { db, file };
  };

  const repoRates: number[] = [];
  const rawRates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    log(`bulk insert of ${INSERT} jobs, run ${run + 1}/${RUNS} ...`);
    {
      const { db, file } = fresh("insert-repo");
      const start = process.hrtime.bigint();
      insertJobs(db, jobs);
      repoRates.push(INSERT / seconds(start));
      db.close();
      removeDb(file);
    }
    {
      const { db, file } = fresh("insert-raw");
      const start = process.hrtime.bigint();
      const statement = db.prepare(`INSERT INTO job (${JOB_FIELDS.map((f) => JOB_COLUMNS[f]).join(", ")}) VALUES (${JOB_FIELDS.map(() => "?").join(", ")})`);
      db.transaction(() => {
        for (const job of jobs) statement.run(JOB_FIELDS.map((f) => job[f]));
      })();
      rawRates.push(INSERT / seconds(start));
      db.close();
      removeDb(file);
    }
  }
  rows.push({ name: `bulk insert, ${INSERT.toLocaleString("en-US")} jobs (repository layer)`, ours: median(repoRates), floor: median(rawRates), unit: "rows/s", higherIsBetter: true, note: `median of ${RUNS}; floor: one prepared INSERT, one transaction` });

  // For comparison: Prisma's createMany on the same rows (why bulk paths bypass it).
  const sample = jobs.slice(0, Math.min(INSERT, 20_000));
  const { db, file } = fresh("insert-prisma");
  db.close();
  const prisma = createPrismaClient(file);
  const start = process.hrtime.bigint();
  for (let i = 0; i < sample.length; i += 1000) {
    await prisma.job.createMany({
      data: sample.slice(i, i + 1000).map((j) => ({ ...j, jobId: BigInt(j.jobId), startTime: BigInt(j.startTime), arrayJobId: j.arrayJobId === null ? null : BigInt(j.arrayJobId) })),
    });
  }
  const prismaRate = sample.length / seconds(start);
  await prisma.$disconnect();
  removeDb(file);
  removeDb(template);
  rows.push({ name: `bulk insert, ${sample.length.toLocaleString("en-US")} jobs (Prisma createMany, for comparison)`, ours: prismaRate, floor: median(rawRates), unit: "rows/s", higherIsBetter: true });
}

// 3. --init-db from an archive of ARCHIVE meta.json files.
if (selected("init-db")) rows.push(await benchInitDb(Number(args.archive), RUNS, log));
// 4. The same on MariaDB and PostgreSQL (private servers, as in the tests).
for (const engine of ["mysql", "postgres"] as const) {
  if (selected(`init-db-${engine}`)) rows.push(await benchInitDbOnServer(engine, Number(args.archive), RUNS, log));
}

printTable(rows);
