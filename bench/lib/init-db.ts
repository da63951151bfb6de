import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { migrateDatabase } from "../../src/cli/database.ts";
import { connectJobWriter } from "../../src/db/open-job-writer.ts";
import { openMysqlPool, openPostgresPool } from "../../src/db/connect.ts";
import { parseDatabaseLocation, type DatabaseLocation } from "../../src/db/dsn.ts";
import { insertJobsSql } from "../../src/db/jobs/insert-job.ts";
import { numberedPlaceholders } from "../../src/db/sql/placeholders.ts";
import { migrateSqliteDatabase } from "../../src/db/migrate/runner.ts";
import { generateDemoArchive } from "../../src/demo/index.ts";
import { silentLogger } from "../../src/log.ts";
import { rebuildJobTables, rebuildJobTablesOnServer } from "../../src/services/archive/init-db.ts";
// The private database servers of the tests serve the benchmark too.
import { startMariaDb, startPostgres } from "../../test/helpers/db-servers.ts";
import { benchDataDir } from "./legacy-db.ts";
import { median, seconds, type BenchRow } from "./report.ts";

/**
 * --init-db on an archive of `count` generated meta.json files (built once into bench/data/), against
 * the floor: a single-threaded raw directory walk + readFileSync + JSON.parse + one prepared INSERT in
 * one transaction, indexes dropped before and rebuilt after, exactly as init-db does.
 */
async function benchArchive(count: number, log: (line: string) => void): Promise<string> {
  const root = path.join(benchDataDir, `archive-meta-${count}`);
  if (!existsSync(path.join(root, ".complete"))) {
    log(`generating an archive of ${count} meta.json files (once) ...`);
    rmSync(root, { recursive: true, force: true });
    await generateDemoArchive({ root, jobs: count, seed: 7, now: 1_719_792_000, metaOnly: true, includeFixtureJobs: false });
    copyFileSync(path.join(root, "version.txt"), path.join(root, ".complete"));
  }
  return root;
}

export async function benchInitDb(count: number, runs: number, log: (line: string) => void): Promise<BenchRow> {
  const root = await benchArchive(count, log);
  const template = path.join(benchDataDir, "work-initdb-template.db");
  for (const suffix of ["", "-wal", "-shm"]) rmSync(template + suffix, { force: true });
  await migrateSqliteDatabase(template);

  const ours: number[] = [];
  const floor: number[] = [];
  let imported = 0;
  for (let run = 0; run < runs; run++) {
    log(`--init-db of ${count} jobs, run ${run + 1}/${runs} ...`);
    const file = path.join(benchDataDir, "work-initdb.db");
    copyFileSync(template, file);
    let start = process.hrtime.bigint();
    const result = await rebuildJobTables({ archive: await FileArchive.open(root), dbFile: file, logger: silentLogger });
    ours.push(result.imported / seconds(start));
    imported = result.imported;
    // A fast import that loses jobs is no result: every generated job must be in the table, once.
    const check = new Database(file, { readonly: true });
    const rows = (check.prepare("SELECT count(*) AS n, count(DISTINCT job_id || '/' || cluster || '/' || start_time) AS d FROM job").get() as { n: number; d: number });
    check.close();
    if (result.imported !== count || result.skipped !== 0 || rows.n !== count || rows.d !== count) {
      throw new Error(`--init-db imported ${result.imported} and skipped ${result.skipped} of ${count} jobs; the table holds ${rows.n} (${rows.d} distinct)`);
    }

    copyFileSync(template, file);
    start = process.hrtime.bigint();
    const floorCount = rawImport(root, file);
    floor.push(floorCount / seconds(start));
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
  rmSync(template, { force: true });
  return {
    name: `--init-db, archive of ${count.toLocaleString("en-US")} meta.json (${imported.toLocaleString("en-US")} imported)`,
    ours: median(ours),
    floor: median(floor),
    unit: "jobs/s",
    higherIsBetter: true,
    note: `median of ${runs}; floor: 1 thread, raw walk+parse+insert, indexes after`,
  };
}

/** The floor's walk: readdirSync + readFileSync + JSON.parse, one thread, a job row's values per meta.json. */
function* rawRows(root: string): Generator<unknown[]> {
  for (const cluster of readdirSync(root, { withFileTypes: true })) {
    if (!cluster.isDirectory()) continue;
    for (const l1 of readdirSync(path.join(root, cluster.name))) {
      if (l1 === "cluster.json") continue;
      for (const l2 of readdirSync(path.join(root, cluster.name, l1))) {
        for (const start of readdirSync(path.join(root, cluster.name, l1, l2))) {
          const meta = JSON.parse(readFileSync(path.join(root, cluster.name, l1, l2, start, "meta.json"), "utf8"));
          const s = meta.statistics ?? {};
          yield [
            meta.jobId, meta.cluster, meta.subCluster, meta.startTime, meta.user, meta.project, meta.partition ?? null, meta.arrayJobId ?? null,
            meta.duration, meta.walltime ?? 0, meta.jobState, JSON.stringify(meta.metaData ?? null), JSON.stringify(meta.resources), meta.numNodes,
            meta.numHwthreads ?? null, meta.numAcc ?? null, meta.smt ?? 1, meta.exclusive ?? 1, 3, s.mem_used?.max ?? 0, s.flops_any?.avg ?? 0,
            s.mem_bw?.avg ?? 0, s.cpu_load?.avg ?? 0, s.net_bw?.avg ?? 0, 0, s.file_bw?.avg ?? 0, 0,
          ];
        }
      }
    }
  }
}

function rawImport(root: string, file: string): number {
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  const insert = db.prepare(insertJobsSql(1));
  let count = 0;
  db.transaction(() => {
    for (const values of rawRows(root)) {
      insert.run(values);
      count++;
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.close();
  return count;
}

const ROWS_PER_INSERT = 500;

/**
 * --init-db into a fresh database on a private MariaDB or PostgreSQL server, each run, against the
 * floor: the same single-threaded walk and parse, multi-row INSERTs of 500 rows through the plain
 * driver in one transaction.
 */
export async function benchInitDbOnServer(engine: "mysql" | "postgres", count: number, runs: number, log: (line: string) => void): Promise<BenchRow> {
  const root = await benchArchive(count, log);
  const server = engine === "mysql" ? await startMariaDb() : await startPostgres();
  try {
    const ours: number[] = [];
    const floor: number[] = [];
    for (let run = 0; run < runs; run++) {
      log(`--init-db of ${count} jobs on ${engine}, run ${run + 1}/${runs} ...`);
      const location = parseDatabaseLocation(engine, await server.createDatabase(`initdb${run}`));
      await migrateDatabase(location);
      const jobWriter = await connectJobWriter(location, silentLogger);
      let start = process.hrtime.bigint();
      const result = await rebuildJobTablesOnServer({ archive: await FileArchive.open(root), jobWriter, logger: silentLogger });
      ours.push(result.imported / seconds(start));
      const { n } = (await jobWriter.transaction((tx) => tx.get<{ n: number }>("SELECT count(*) AS n FROM job")))!;
      await jobWriter.close();
      if (result.imported !== count || n !== count) throw new Error(`--init-db on ${engine} imported ${result.imported} of ${count} jobs; the table holds ${n}`);

      const rawLocation = parseDatabaseLocation(engine, await server.createDatabase(`raw${run}`));
      await migrateDatabase(rawLocation);
      start = process.hrtime.bigint();
      const rawCount = await rawServerImport(root, rawLocation);
      floor.push(rawCount / seconds(start));
    }
    return {
      name: `--init-db on ${engine}, archive of ${count.toLocaleString("en-US")} meta.json`,
      ours: median(ours),
      floor: median(floor),
      unit: "jobs/s",
      higherIsBetter: true,
      note: `median of ${runs}; private server, fsync relaxed; floor: 1 thread, raw walk+parse, 500-row INSERTs, one transaction`,
    };
  } finally {
    await server.stop();
  }
}

async function rawServerImport(root: string, location: DatabaseLocation): Promise<number> {
  let count = 0;
  let batch: unknown[][] = [];
  if (location.driver === "mysql") {
    const pool = await openMysqlPool(location, { connectionLimit: 1 });
    const connection = await pool.getConnection();
    await connection.beginTransaction();
    const flush = async () => {
      if (batch.length > 0) await connection.execute(insertJobsSql(batch.length), batch.flat());
      count += batch.length;
      batch = [];
    };
    for (const values of rawRows(root)) if (batch.push(values) === ROWS_PER_INSERT) await flush();
    await flush();
    await connection.commit();
    await connection.release();
    await pool.end();
  } else if (location.driver === "postgres") {
    const pool = await openPostgresPool(location, { connectionLimit: 1 });
    const client = await pool.connect();
    await client.query("BEGIN");
    const flush = async () => {
      if (batch.length > 0) await client.query(numberedPlaceholders(insertJobsSql(batch.length)), batch.flat());
      count += batch.length;
      batch = [];
    };
    for (const values of rawRows(root)) if (batch.push(values) === ROWS_PER_INSERT) await flush();
    await flush();
    await client.query("COMMIT");
    client.release();
    await pool.end();
  }
  return count;
}
