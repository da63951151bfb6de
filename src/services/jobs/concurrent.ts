/**
 * Which other jobs shared a node with a job while it ran (cc-backend's concurrentJobs): for the jobs of
 * a whole page in one statement, so a job list costs one query for this, not one per row.
 */
import type { Job } from "../../db/generated/prisma/client.js";
import { JOB_STATES } from "../../db/jobs/job-row.js";
import { required, type RequestContext } from "../context.js";
import { escapeLike, jobFilterSql } from "./filter.js";
import { nowSeconds } from "./query.js";

export interface JobLink {
  id: number;
  jobId: number;
}

export interface ConcurrentJobs {
  /** The query string of a job list showing these jobs, as cc-backend builds it. */
  listQuery: string;
  items: JobLink[];
  count: number;
}

/** As cc-backend: only shared (non-exclusive) jobs that ran longer than this have neighbours worth listing. */
export const MIN_SECONDS_FOR_CONCURRENT = 600;
/** A start within this many seconds of the job's end, or an end this close to its start, is not overlap. */
const OVERLAP_SLACK_SECONDS = 200;
const START_SLACK_SECONDS = 10;
const FINISHED_STATES = JOB_STATES.filter((s) => s !== "running");

function firstHost(resources: string): string | undefined {
  try {
    const parsed = JSON.parse(resources) as { hostname?: unknown }[];
    const host = parsed[0]?.hostname;
    return typeof host === "string" && host !== "" ? host : undefined;
  } catch {
    return undefined;
  }
}

/** The longest finished job of a cluster bounds how far back an overlapping job can have started. */
const longestCache = new WeakMap<object, Map<string, { seconds: number; until: number }>>();

async function longestDuration(ctx: RequestContext, cluster: string): Promise<number> {
  const reader = required(ctx.reader, "the database read pool");
  let perCluster = longestCache.get(reader);
  if (!perCluster) longestCache.set(reader, (perCluster = new Map()));
  const cached = perCluster.get(cluster);
  if (cached && cached.until > Date.now()) return cached.seconds;
  const row = await reader.query<{ d: number | null }>({ sql: "SELECT MAX(duration) AS d FROM job WHERE cluster = ?", params: [cluster], mode: "get" }, "heavy");
  // Jobs stopped later may be longer: the bound is refreshed every 10 minutes and padded by a day.
  const seconds = (row.d ?? 0) + 86_400;
  perCluster.set(cluster, { seconds, until: Date.now() + 600_000 });
  return seconds;
}

const JOBS_PER_STATEMENT = 200;

/** Per job (in order): its concurrent jobs, or null where cc-backend answers null (exclusive or short). */
export async function concurrentJobs(ctx: RequestContext, jobs: readonly Job[]): Promise<(ConcurrentJobs | null)[]> {
  const reader = required(ctx.reader, "the database read pool");
  const now = nowSeconds();
  const visible = jobFilterSql(reader.dialect, ctx.user, [], now);
  // Per job with neighbours to find: its two SELECTs (running and finished neighbours) and their parameters.
  const queries: { parts: string[]; params: unknown[] }[] = [];
  // A bare parameter in a select list has no type on PostgreSQL.
  const parent = reader.dialect.integer("?");
  const wanted: (Job | undefined)[] = [];
  for (const [index, job] of jobs.entries()) {
    const start = Number(job.startTime);
    const duration = job.jobState === "running" ? now - start : job.duration;
    const host = firstHost(job.resources);
    if (job.exclusive === 1 || duration <= MIN_SECONDS_FOR_CONCURRENT || !host) {
      wanted.push(undefined);
      continue;
    }
    wanted.push(job);
    const stop = start + duration;
    const longest = await longestDuration(ctx, job.cluster);
    const common = `${visible.sql} AND job.cluster = ? AND job.id != ? AND job.resources LIKE ? ESCAPE '\\'`;
    const commonParams = [...visible.params, job.cluster, job.id, `%"hostname":"${escapeLike(host)}"%`];
    const parts: string[] = [];
    const params: unknown[] = [];
    queries.push({ parts, params });
    // Running neighbours: started during the job (after a short slack) or before it.
    parts.push(`SELECT ${parent} AS parent, job.id AS id, job.job_id AS "jobId" FROM job WHERE ${common} AND job.job_state = 'running' AND job.start_time <= ? AND NOT (job.start_time BETWEEN ? AND ?)`);
    params.push(index, ...commonParams, stop - OVERLAP_SLACK_SECONDS, start - 0, start + START_SLACK_SECONDS - 1);
    // Finished neighbours: the job states are listed so the (cluster, state, start) index bounds the scan.
    parts.push(
      `SELECT ${parent} AS parent, job.id AS id, job.job_id AS "jobId" FROM job WHERE ${common} AND job.job_state IN (${FINISHED_STATES.map(() => "?").join(", ")})` +
        ` AND job.start_time BETWEEN ? AND ? AND (job.start_time BETWEEN ? AND ? OR job.start_time + job.duration BETWEEN ? AND ? OR (job.start_time < ? AND job.start_time + job.duration > ?))`,
    );
    params.push(index, ...commonParams, ...FINISHED_STATES, start - longest, stop - OVERLAP_SLACK_SECONDS);
    params.push(start + START_SLACK_SECONDS, stop - OVERLAP_SLACK_SECONDS, start + OVERLAP_SLACK_SECONDS, stop - OVERLAP_SLACK_SECONDS, start, stop);
  }
  const results: (ConcurrentJobs | null)[] = wanted.map((job) => (job ? { listQuery: `cluster=${encodeURIComponent(job.cluster)}`, items: [], count: 0 } : null));
  if (queries.length === 0) return results;
  // SQLite takes at most 500 SELECTs in one compound statement: a page of up to 1000 jobs is split.
  const statements = [];
  for (let i = 0; i < queries.length; i += JOBS_PER_STATEMENT) {
    const chunk = queries.slice(i, i + JOBS_PER_STATEMENT);
    statements.push({ sql: `${chunk.flatMap((q) => q.parts).join(" UNION ALL ")} ORDER BY 1, 2`, params: chunk.flatMap((q) => q.params) });
  }
  const rows = (await reader.batch(statements)).flat() as { parent: number; id: number; jobId: number }[];
  for (const row of rows) {
    const result = results[row.parent]!;
    result.items.push({ id: row.id, jobId: row.jobId });
    result.listQuery += `&jobId=${row.jobId}`;
    result.count++;
  }
  return results;
}
