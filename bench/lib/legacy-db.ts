import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { JOB_COLUMNS, JOB_FIELDS } from "../../src/db/jobs/job-row.ts";
import { generateJobs, generateTags } from "./generate-jobs.ts";
import { applyUpstreamSchema } from "./upstream-schema.ts";

export const benchDataDir = path.resolve(import.meta.dirname, "..", "data");
const GENERATOR_VERSION = 1;

/**
 * A cc-backend v1.0 database (schema version 6, its 9 job indexes) with `count` generated jobs, tags
 * and job tags, written the way cc-backend writes it (JSON columns as BLOBs). Built once per size and
 * kept in bench/data/ (not committed); rebuilt when the generator changes.
 */
export function legacyDatabase(count: number, log: (line: string) => void = () => {}): string {
  mkdirSync(benchDataDir, { recursive: true });
  const file = path.join(benchDataDir, `cc-backend-v6-${count}.db`);
  const stamp = `${file}.json`;
  const expected = JSON.stringify({ generator: GENERATOR_VERSION, count, seed: 42 });
  if (existsSync(file) && existsSync(stamp) && readFileSync(stamp, "utf8") === expected) return file;

  log(`generating ${count} jobs into ${path.relative(process.cwd(), file)} (once) ...`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(partial);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  applyUpstreamSchema(db);
  // Load without the secondary indexes and build them afterwards: the same file, much sooner.
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);

  const insertTag = db.prepare("INSERT INTO tag (tag_type, tag_name) VALUES (?, ?)");
  for (const tag of generateTags()) insertTag.run(tag.tagType, tag.tagName);
  const insertJob = db.prepare(`INSERT INTO job (${JOB_FIELDS.map((f) => JOB_COLUMNS[f]).join(", ")}) VALUES (${JOB_FIELDS.map(() => "?").join(", ")})`);
  const insertJobTag = db.prepare("INSERT INTO jobtag (job_id, tag_id) VALUES (?, ?)");
  const blobs = new Set(["metaData", "resources"]);
  const loadChunk = db.transaction((jobs: ReturnType<typeof generateJobs>, n: number) => {
    for (let i = 0; i < n; i++) {
      const next = jobs.next();
      if (next.done) return;
      const job = next.value;
      const values = JOB_FIELDS.map((f) => (blobs.has(f) ? Buffer.from(String(job[f])) : job[f]));
      const { lastInsertRowid } = insertJob.run(values);
      for (const tagId of job.tagIds) insertJobTag.run(lastInsertRowid, tagId);
    }
  });
  const jobs = generateJobs(count);
  for (let done = 0; done < count; done += 100_000) loadChunk(jobs, Math.min(100_000, count - done));
  for (const index of indexes) db.exec(index.sql);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  renameSync(partial, file);
  writeFileSync(stamp, expected);
  return file;
}
