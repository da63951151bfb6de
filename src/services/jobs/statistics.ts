/**
 * jobsStatistics and jobsCount: totals, grouped totals and histograms over the jobs a user may see.
 * Each request is one batch on the read pool's heavy lane (one snapshot, off the main thread), and the
 * totals come from a single scan — cc-backend ran one query per figure.
 */
import { required, type RequestContext } from "../context.js";
import { ELAPSED_SQL, jobFilterSql, type JobFilter } from "./filter.js";
import { nowSeconds } from "./query.js";

export const AGGREGATES = ["USER", "PROJECT", "CLUSTER"] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export const WEIGHTS = ["NODE_COUNT", "NODE_HOURS"] as const;
export type Weight = (typeof WEIGHTS)[number];

const GROUP_COLUMN: Record<Aggregate, string> = { USER: "job.user", PROJECT: "job.project", CLUSTER: "job.cluster" };

export interface HistoPoint {
  value: number;
  count: number;
}

export interface JobsStatistics {
  /** The user, project or cluster of the group; "" without groupBy. */
  id: string;
  /** The user's name for groupBy USER (cc-backend: "-" when unknown); otherwise the id. */
  name: string;
  totalJobs: number;
  runningJobs: number;
  shortJobs: number;
  /** Hours, rounded. Running jobs count with the time they have run so far. */
  totalWalltime: number;
  totalNodeHours: number;
  totalCoreHours: number;
  totalAccHours: number;
  histDuration: HistoPoint[];
  histNumNodes: HistoPoint[];
}

export interface StatisticsRequest {
  filters?: readonly (JobFilter | null | undefined)[] | null;
  groupBy?: Aggregate | null;
  /** Compute the histograms (two more grouped scans); only when asked for. */
  histograms?: boolean;
}

type Filters = readonly (JobFilter | null | undefined)[] | null | undefined;

interface TotalsRow {
  id: string | null;
  name?: string | null;
  totalJobs: number;
  runningJobs: number | null;
  shortJobs: number | null;
  walltime: number | null;
  nodeSeconds: number | null;
  coreSeconds: number | null;
  accSeconds: number | null;
}

const hours = (seconds: number | null): number => Math.round((seconds ?? 0) / 3600);

export async function jobsStatistics(ctx: RequestContext, request: StatisticsRequest): Promise<JobsStatistics[]> {
  const reader = required(ctx.reader, "the database read pool");
  const now = nowSeconds();
  const where = jobFilterSql(ctx.user, request.filters ?? [], now);
  const group = request.groupBy ? GROUP_COLUMN[request.groupBy] : undefined;
  const shortSeconds = ctx.config["short-running-jobs-duration"] ?? 300;
  const totals =
    `SELECT ${group ? `${group} AS id` : "'' AS id"}, COUNT(*) AS totalJobs,` +
    ` SUM(job.job_state = 'running') AS runningJobs,` +
    ` SUM(job.job_state != 'running' AND job.duration < ?) AS shortJobs,` +
    ` SUM(${ELAPSED_SQL}) AS walltime, SUM(${ELAPSED_SQL} * job.num_nodes) AS nodeSeconds,` +
    ` SUM(${ELAPSED_SQL} * job.num_hwthreads) AS coreSeconds, SUM(${ELAPSED_SQL} * job.num_acc) AS accSeconds` +
    ` FROM job WHERE ${where.sql}${group ? ` GROUP BY ${group}` : ""}`;
  const statements = [
    {
      // User names by a join after grouping: one lookup per group, not per job.
      sql: request.groupBy === "USER" ? `SELECT t.*, u.name AS name FROM (${totals}) AS t LEFT JOIN user AS u ON u.username = t.id ORDER BY t.id` : `${totals}${group ? " ORDER BY id" : ""}`,
      params: [shortSeconds, now, now, now, now, ...where.params],
    },
  ];
  if (request.histograms) {
    const groupKey = group ? `${group} AS id, ` : "'' AS id, ";
    const groupBy = group ? `${group}, ` : "";
    statements.push(
      {
        sql: `SELECT ${groupKey}CAST(ROUND(${ELAPSED_SQL} / 3600.0) AS INTEGER) AS value, COUNT(*) AS count FROM job WHERE ${where.sql} GROUP BY ${groupBy}value ORDER BY value`,
        params: [now, ...where.params],
      },
      {
        sql: `SELECT ${groupKey}job.num_nodes AS value, COUNT(*) AS count FROM job WHERE ${where.sql} GROUP BY ${groupBy}value ORDER BY value`,
        params: where.params,
      },
    );
  }
  const [rows, durations, nodes] = (await reader.batch(statements, "heavy")) as [TotalsRow[], (HistoPoint & { id: string })[]?, (HistoPoint & { id: string })[]?];

  const stats = rows
    .filter((row) => row.id !== null && (group !== undefined || row.totalJobs > 0 || true))
    .map(
      (row): JobsStatistics => ({
        id: row.id ?? "",
        name: request.groupBy === "USER" ? (row.name ?? "-") || "-" : (row.id ?? ""),
        totalJobs: row.totalJobs,
        runningJobs: row.runningJobs ?? 0,
        shortJobs: row.shortJobs ?? 0,
        totalWalltime: hours(row.walltime),
        totalNodeHours: hours(row.nodeSeconds),
        totalCoreHours: hours(row.coreSeconds),
        totalAccHours: hours(row.accSeconds),
        histDuration: [],
        histNumNodes: [],
      }),
    );
  if (durations && nodes) {
    const byId = new Map(stats.map((s) => [s.id, s]));
    for (const point of durations) byId.get(point.id)?.histDuration.push({ value: point.value, count: point.count });
    for (const point of nodes) byId.get(point.id)?.histNumNodes.push({ value: point.value, count: point.count });
  }
  return stats;
}

export interface CountRequest {
  filters?: Filters;
  groupBy: Aggregate;
  weight?: Weight | null;
  limit?: number | null;
}

export const MAX_COUNT_GROUPS = 10_000;

/**
 * jobsCount: the groups with the most jobs, nodes (NODE_COUNT) or node hours (NODE_HOURS, rounded;
 * running jobs with the time so far), largest first.
 */
export async function jobsCount(ctx: RequestContext, request: CountRequest): Promise<{ name: string; count: number }[]> {
  const reader = required(ctx.reader, "the database read pool");
  const now = nowSeconds();
  const where = jobFilterSql(ctx.user, request.filters ?? [], now);
  const group = GROUP_COLUMN[request.groupBy];
  const limit = request.limit == null ? MAX_COUNT_GROUPS : Math.max(0, Math.min(request.limit, MAX_COUNT_GROUPS));
  let count = "COUNT(*)";
  const params: unknown[] = [];
  if (request.weight === "NODE_COUNT") count = "SUM(job.num_nodes)";
  else if (request.weight === "NODE_HOURS") {
    count = `CAST(ROUND(SUM(job.num_nodes * ${ELAPSED_SQL}) / 3600.0) AS INTEGER)`;
    params.push(now);
  }
  return reader.query<{ name: string; count: number }[]>(
    { sql: `SELECT ${group} AS name, ${count} AS count FROM job WHERE ${where.sql} GROUP BY ${group} ORDER BY count DESC, name LIMIT ?`, params: [...params, ...where.params, limit] },
    "heavy",
  );
}
