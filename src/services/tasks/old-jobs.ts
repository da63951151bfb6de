/**
 * The finished jobs that started before a time, for retention and compression: the job table is walked
 * by id ranges, so one query reads a bounded slice of it however many millions of jobs it holds, and
 * the event loop serves requests between two slices.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type { JobKey } from "../../archive/paths.js";
import type { JobWriter } from "../../db/sql/job-writer.js";
import { MONITORING } from "../jobs/records.js";

export interface OldJob extends JobKey {
  /** Database id. */
  id: number;
}

export interface OldJobScanOptions {
  /** Jobs that started before this (Unix seconds). */
  before: number;
  /**
   * Only jobs that started at or after this, or have an id above `orAfterId`: what a previous complete
   * run did not cover yet. Default: every job before `before`.
   */
  notBefore?: number;
  orAfterId?: number;
  /** Job ids one query covers. Default 10 000. */
  idsPerQuery?: number;
}

/**
 * Running jobs and jobs waiting to be archived (monitoring_status 1) are left alone: their archive
 * entry is not written yet, and the archiving worker still holds them.
 */
export const OLD_JOBS_SQL =
  'SELECT id, job_id AS "jobId", cluster, start_time AS "startTime" FROM job' +
  " WHERE id > ? AND id <= ? AND start_time < ? AND (start_time >= ? OR id > ?)" +
  ` AND job_state <> 'running' AND monitoring_status <> ${MONITORING.runningOrArchiving} ORDER BY id`;

/** The smallest and largest job id now (0 and 0 without jobs): what a scan covers. */
export async function jobIdRange(writer: JobWriter): Promise<{ first: number; last: number }> {
  const row = await writer.transaction((tx) => tx.get<{ first: number | null; last: number | null }>('SELECT min(id) AS "first", max(id) AS "last" FROM job'));
  return { first: row?.first ?? 0, last: row?.last ?? 0 };
}

/**
 * Yields the old jobs of one id range at a time (possibly none), for the ids in `ids`. Each range is
 * read in a short transaction of its own, so a long walk never holds one.
 */
export async function* oldJobSlices(writer: JobWriter, ids: { first: number; last: number }, options: OldJobScanOptions): AsyncGenerator<OldJob[]> {
  const step = Math.max(1, options.idsPerQuery ?? 10_000);
  const before = options.before;
  const notBefore = options.notBefore ?? Number.MIN_SAFE_INTEGER;
  // No id of the walk is above the last one: as if there were no such bound (and, unlike
  // MAX_SAFE_INTEGER, a value PostgreSQL's integer id can be compared with).
  const orAfterId = options.orAfterId ?? ids.last;
  for (let after = ids.first - 1; after < ids.last; after += step) {
    await nextTurn();
    const until = Math.min(ids.last, after + step);
    yield await writer.transaction((tx) => tx.all<OldJob>(OLD_JOBS_SQL, [after, until, before, notBefore, orAfterId]));
  }
}

/** `items` in consecutive pieces of at most `size`. */
export function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
