/**
 * jobsStatistics and jobsCount: totals, grouped totals and histograms over the jobs a user may see.
 * Each request is one batch on the read pool's heavy lane (one snapshot, off the main thread).
 *
 * A running job counts with the time it has run so far. Rather than a CASE expression per job (half
 * the cost of a statistics scan at 1M jobs), one scan sums the stored columns of all jobs and a second
 * query, on the small partial index of running jobs (job_running), corrects their share.
 */
import type { SqlDialect } from "../../db/sql/dialect.js";
import { required, type RequestContext } from "../context.js";
import { jobFilterSql, type JobFilter, type SqlCondition } from "./filter.js";
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

export const STATISTICS_FIELDS = ["runningJobs", "shortJobs", "totalWalltime", "totalNodeHours", "totalCoreHours", "totalAccHours", "histDuration", "histNumNodes"] as const;
type StatisticsField = (typeof STATISTICS_FIELDS)[number];

export interface StatisticsRequest {
  filters?: readonly (JobFilter | null | undefined)[] | null;
  groupBy?: Aggregate | null;
  /** The figures wanted (default: all); the others are 0 or empty. */
  fields?: ReadonlySet<string>;
}

type Filters = readonly (JobFilter | null | undefined)[] | null | undefined;

const SECONDS_COLUMNS = { totalWalltime: "1", totalNodeHours: "job.num_nodes", totalCoreHours: "job.num_hwthreads", totalAccHours: "job.num_acc" } as const;
type SecondsField = keyof typeof SECONDS_COLUMNS;

type Row = Record<string, number | string | null> & { id: string | null };

const hours = (seconds: number): number => Math.round(seconds / 3600);
const num = (value: number | string | null | undefined): number => (typeof value === "number" ? value : 0);

export async function jobsStatistics(ctx: RequestContext, request: StatisticsRequest): Promise<JobsStatistics[]> {
  const reader = required(ctx.reader, "the database read pool");
  const now = nowSeconds();
  const dialect = reader.dialect;
  const where = jobFilterSql(dialect, ctx.user, request.filters ?? [], now);
  const group = request.groupBy ? GROUP_COLUMN[request.groupBy] : undefined;
  const wants = (field: StatisticsField) => !request.fields || request.fields.has(field);
  const shortSeconds = ctx.config["short-running-jobs-duration"] ?? 300;
  const seconds = (Object.keys(SECONDS_COLUMNS) as SecondsField[]).filter(wants);
  const id = group ? `${group} AS id` : "'' AS id";
  const grouped = group ? ` GROUP BY ${group}` : "";
  const weighted = (time: string, field: SecondsField) => (field === "totalWalltime" ? `SUM(${time})` : `SUM((${time}) * ${SECONDS_COLUMNS[field]})`);

  const short = wants("shortJobs") ? [`${dialect.countWhere("job.duration < ?")} AS short`] : [];
  const main = [`${id}`, 'COUNT(*) AS "totalJobs"', ...short, ...seconds.map((f) => `${weighted("job.duration", f)} AS "${f}"`)];
  const running = [`${id}`, 'COUNT(*) AS "runningJobs"', ...short, ...seconds.map((f) => `${weighted("? - job.start_time - job.duration", f)} AS "${f}"`)];
  const shortParam = wants("shortJobs") ? [shortSeconds] : [];
  const mainSql = `SELECT ${main.join(", ")} FROM job WHERE ${where.sql}${grouped}`;
  const statements = [
    {
      // User names joined to the groups: one lookup per user, in the same scan.
      sql: request.groupBy === "USER" ? `SELECT t.*, u.name AS name FROM (${mainSql}) AS t LEFT JOIN "user" AS u ON u.username = t.id` : mainSql,
      params: [...shortParam, ...where.params],
    },
    { sql: `SELECT ${running.join(", ")} FROM job WHERE job.job_state = 'running' AND ${where.sql}${grouped}`, params: [...shortParam, ...seconds.map(() => now), ...where.params] },
  ];
  const histograms = wants("histDuration") || wants("histNumNodes");
  if (histograms) statements.push(...histogramStatements(dialect, group, where, now));
  const results = (await reader.batch(statements, "heavy")) as Row[][];
  const [mainRows, runningRows] = results as [Row[], Row[]];

  const corrections = new Map(runningRows.map((r) => [r.id, r]));
  const stats = mainRows
    .filter((row) => row.id !== null)
    .map((row): JobsStatistics => {
      const fix = corrections.get(row.id);
      const total = (field: SecondsField) => hours(num(row[field]) + num(fix?.[field]));
      return {
        id: row.id ?? "",
        name: request.groupBy === "USER" ? (typeof row.name === "string" && row.name) || "-" : (row.id ?? ""),
        totalJobs: num(row.totalJobs),
        runningJobs: num(fix?.runningJobs),
        // Running jobs are not short, whatever their stored duration.
        shortJobs: num(row.short) - num(fix?.short),
        totalWalltime: total("totalWalltime"),
        totalNodeHours: total("totalNodeHours"),
        totalCoreHours: total("totalCoreHours"),
        totalAccHours: total("totalAccHours"),
        histDuration: [],
        histNumNodes: [],
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (histograms) addHistograms(stats, results.slice(2) as Row[][]);
  return stats;
}

/** Duration (rounded hours) and node-count histograms, and the running jobs' moves between hours. */
function histogramStatements(dialect: SqlDialect, group: string | undefined, where: SqlCondition, now: number): { sql: string; params: unknown[] }[] {
  const id = group ? `${group} AS id` : "'' AS id";
  const by = group ? `${group}, ` : "";
  const hoursOf = (seconds: string) => dialect.integer(`ROUND((${seconds}) / 3600.0)`);
  return [
    { sql: `SELECT ${id}, ${hoursOf("job.duration")} AS value, COUNT(*) AS count FROM job WHERE ${where.sql} GROUP BY ${by}value`, params: where.params },
    { sql: `SELECT ${id}, job.num_nodes AS value, COUNT(*) AS count FROM job WHERE ${where.sql} GROUP BY ${by}value`, params: where.params },
    {
      sql: `SELECT ${id}, ${hoursOf("job.duration")} AS stored, ${hoursOf("? - job.start_time")} AS value, COUNT(*) AS count FROM job WHERE job.job_state = 'running' AND ${where.sql} GROUP BY ${by}stored, value`,
      params: [now, ...where.params],
    },
  ];
}

function addHistograms(stats: JobsStatistics[], [durations, nodes, moves]: Row[][]): void {
  const byId = new Map(stats.map((s) => [s.id, { s, duration: new Map<number, number>(), nodes: new Map<number, number>() }]));
  const add = (map: Map<number, number>, value: number, count: number) => map.set(value, (map.get(value) ?? 0) + count);
  for (const row of durations!) { const entry = byId.get(row.id ?? ""); if (entry) add(entry.duration, num(row.value), num(row.count)); }
  for (const row of nodes!) { const entry = byId.get(row.id ?? ""); if (entry) add(entry.nodes, num(row.value), num(row.count)); }
  for (const row of moves!) {
    const entry = byId.get(row.id ?? "");
    if (!entry) continue;
    add(entry.duration, num(row.stored), -num(row.count));
    add(entry.duration, num(row.value), num(row.count));
  }
  const points = (map: Map<number, number>): HistoPoint[] =>
    [...map].filter(([, count]) => count > 0).sort(([a], [b]) => a - b).map(([value, count]) => ({ value, count }));
  for (const { s, duration, nodes: nodeCounts } of byId.values()) {
    s.histDuration = points(duration);
    s.histNumNodes = points(nodeCounts);
  }
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
  const where = jobFilterSql(reader.dialect, ctx.user, request.filters ?? [], now);
  const group = GROUP_COLUMN[request.groupBy];
  const limit = request.limit == null ? MAX_COUNT_GROUPS : Math.max(0, Math.min(request.limit, MAX_COUNT_GROUPS));
  if (request.weight !== "NODE_HOURS") {
    const count = request.weight === "NODE_COUNT" ? "SUM(job.num_nodes)" : "COUNT(*)";
    return reader.query<{ name: string; count: number }[]>(
      { sql: `SELECT ${group} AS name, ${count} AS count FROM job WHERE ${where.sql} GROUP BY ${group} ORDER BY count DESC, name LIMIT ?`, params: [...where.params, limit] },
      "heavy",
    );
  }
  const [stored, running] = (await reader.batch(
    [
      { sql: `SELECT ${group} AS name, SUM(job.num_nodes * job.duration) AS seconds FROM job WHERE ${where.sql} GROUP BY ${group}`, params: where.params },
      { sql: `SELECT ${group} AS name, SUM(job.num_nodes * (? - job.start_time - job.duration)) AS seconds FROM job WHERE job.job_state = 'running' AND ${where.sql} GROUP BY ${group}`, params: [now, ...where.params] },
    ],
    "heavy",
  )) as { name: string; seconds: number | null }[][];
  const extra = new Map(running!.map((r) => [r.name, r.seconds ?? 0]));
  return stored!
    .map((r) => ({ name: r.name, count: hours((r.seconds ?? 0) + (extra.get(r.name) ?? 0)) }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit);
}
