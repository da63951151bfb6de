/**
 * The job writer of a test database on the run's engine (see test-engine.ts): the SQLite writer on the
 * file, or the MariaDB/PostgreSQL writer on the server DSN. Close it when done.
 */
import type { JobRow } from "../../src/db/jobs/job-row.ts";
import type { JobWriter } from "../../src/db/sql/job-writer.ts";
import { connectJobWriter } from "../../src/db/open-job-writer.ts";
import { silentLogger } from "../../src/log.ts";
import { insertTaggedJob, type TagInput } from "../../src/services/jobs/tags.ts";
import { testDatabaseLocation } from "./test-engine.ts";

/** A job writer on the test database `db` (an SQLite file or a server DSN). */
export function openTestJobWriter(db: string): Promise<JobWriter> {
  return connectJobWriter(testDatabaseLocation(db), silentLogger);
}

/** Inserts a job row (and its tags) in one transaction of `writer`; returns its database id. */
export function insertTestJob(writer: JobWriter, row: JobRow, tags: TagInput[] = []): Promise<number> {
  return writer.transaction((tx) => insertTaggedJob(tx, row, tags));
}
