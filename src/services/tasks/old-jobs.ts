/**
 * The finished jobs that started before a time, for retention and compression: the job table is walked
 * by id ranges, so one query reads a bounded slice of it however many millions of jobs it holds, and
 * the event loop serves requests between two slices.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import type Database from "better-sqlite3";
import type { JobKey } from "../../archive/paths.js";
import { preparedFor } from "../../db/prepared.js";
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
  "SELECT id, job_id AS jobId, cluster, start_time AS startTime FROM job" +
  " WHERE id > @after AND id <= @until AND start_time < @before AND (start_time >= @notBefore OR id > @orAfterId)" +
  ` AND job_state <> 'running' AND monitoring_status <> ${MONITORING.runningOrArchiving} ORDER BY id`;

const statements = preparedFor((db) => ({
  idRange: db.prepare<[], { first: number | null; last: number | null }>("SELECT min(id) AS first, max(id) AS last FROM job"),
  inRange: db.prepare<{ after: number; until: number; before: number; notBefore: number; orAfterId: number }, OldJob>(OLD_JOBS_SQL),
}));

/** The smallest and largest job id now (0 and 0 without jobs): what a scan covers. */
export function jobIdRange(db: Database.Database): { first: number; last: number } {
  const row = statements(db).idRange.get();
  return { first: row?.first ?? 0, last: row?.last ?? 0 };
}

/** Yields the old jobs of one id range at a time (possibly none), for the ids in `ids`. */
export async function* oldJobSlices(db: Database.Database, ids: { first: number; last: number }, options: OldJobScanOptions): AsyncGenerator<OldJob[]> {
  const step = Math.max(1, options.idsPerQuery ?? 10_000);
  const query = statements(db).inRange;
  const params = {
    before: options.before,
    notBefore: options.notBefore ?? Number.MIN_SAFE_INTEGER,
    orAfterId: options.orAfterId ?? Number.MAX_SAFE_INTEGER,
  };
  for (let after = ids.first - 1; after < ids.last; after += step) {
    await nextTurn();
    yield query.all({ ...params, after, until: Math.min(ids.last, after + step) });
  }
}

/** `items` in consecutive pieces of at most `size`. */
export function* batches<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
