import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { JOB_COLUMNS, JOB_FIELDS } from "../../src/db/jobs/job-row.ts";
import { migrateSqliteDatabase } from "../../src/db/migrate/runner.ts";
import { generateDemoArchive } from "../../src/demo/index.ts";
import { silentLogger } from "../../src/log.ts";
import { rebuildJobTables } from "../../src/services/archive/init-db.ts";
import { benchDataDir } from "./legacy-db.ts";
import { median, seconds, type BenchRow } from "./report.ts";

/**
 * --init-db on an archive of `count` generated meta.json files (built once into bench/data/), against
 * the floor: a single-threaded raw directory walk + readFileSync + JSON.parse + one prepared INSERT in
 * one transaction, indexes dropped before and rebuilt after, exactly as init-db does.
 */
export async function benchInitDb(count: number, runs: number, log: (line: string) => void): Promise<BenchRow> {
  const root = path.join(benchDataDir, `archive-meta-${count}`);
  if (!existsSync(path.join(root, ".complete"))) {
    log(`generating an archive of ${count} meta.json files (once) ...`);
    rmSync(root, { recursive: true, force: true });
    await generateDemoArchive({ root, jobs: count, seed: 7, now: 1_719_792_000, metaOnly: true, includeFixtureJobs: false });
    copyFileSync(path.join(root, "version.txt"), path.join(root, ".complete"));
  }
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

function rawImport(root: string, file: string): number {
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'").all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  const insert = db.prepare(`INSERT INTO job (${JOB_FIELDS.map((f) => JOB_COLUMNS[f]).join(", ")}) VALUES (${JOB_FIELDS.map(() => "?").join(", ")})`);
  let count = 0;
  db.transaction(() => {
    for (const cluster of readdirSync(root, { withFileTypes: true })) {
      if (!cluster.isDirectory()) continue;
      for (const l1 of readdirSync(path.join(root, cluster.name))) {
        if (l1 === "cluster.json") continue;
        for (const l2 of readdirSync(path.join(root, cluster.name, l1))) {
          for (const start of readdirSync(path.join(root, cluster.name, l1, l2))) {
            const meta = JSON.parse(readFileSync(path.join(root, cluster.name, l1, l2, start, "meta.json"), "utf8"));
            const s = meta.statistics ?? {};
            insert.run([
              meta.jobId, meta.cluster, meta.subCluster, meta.startTime, meta.user, meta.project, meta.partition ?? null, meta.arrayJobId ?? null,
              meta.duration, meta.walltime ?? 0, meta.jobState, JSON.stringify(meta.metaData ?? null), JSON.stringify(meta.resources), meta.numNodes,
              meta.numHwthreads ?? null, meta.numAcc ?? null, meta.smt ?? 1, meta.exclusive ?? 1, 3, s.mem_used?.max ?? 0, s.flops_any?.avg ?? 0,
              s.mem_bw?.avg ?? 0, s.cpu_load?.avg ?? 0, s.net_bw?.avg ?? 0, 0, s.file_bw?.avg ?? 0, 0,
            ]);
            count++;
          }
        }
      }
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.close();
  return count;
}
