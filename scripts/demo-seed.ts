// Fills an empty demo database with 5,000 generated jobs of the last 90 days, so that the demo shows
// a populated job list until the job-archive importer provides real demo data.
import Database from "better-sqlite3";
import { generateJobs, generateTags } from "../bench/lib/generate-jobs.ts";
import { insertJobs } from "../src/db/jobs/bulk-insert.ts";
import { openSqlite } from "../src/db/sqlite.ts";

const file = process.argv[2] ?? "./var/job.db";
const db: Database.Database = openSqlite(file, { mustExist: true });
const existing = (db.prepare("SELECT count(*) AS n FROM job").get() as { n: number }).n;
if (existing > 0) {
  console.log(`demo: ${file} already has ${existing} jobs`);
} else {
  const shift = Math.floor(Date.now() / 1000) - 1_719_792_000;
  const jobs = [...generateJobs(5000, 2026)].map(({ tagIds: _tags, ...job }) => ({ ...job, startTime: job.startTime + shift }));
  insertJobs(db, jobs);
  const insertTag = db.prepare("INSERT INTO tag (tag_type, tag_name) VALUES (?, ?)");
  for (const tag of generateTags().slice(0, 20)) insertTag.run(tag.tagType, tag.tagName);
  console.log(`demo: added ${jobs.length} generated jobs to ${file}`);
}
db.close();
