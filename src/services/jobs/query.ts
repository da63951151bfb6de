import type { Job } from "../../db/generated/prisma/client.js";
import type { SqlDialect } from "../../db/sql/dialect.js";
import { InputError, required, type RequestContext } from "../context.js";
import { jobFilterSql, type JobFilter } from "./filter.js";
import type { TagRecord } from "./records.js";

export interface PageRequest {
  itemsPerPage: number;
  page: number;
}

export interface JobOrder {
  field: string;
  order: "ASC" | "DESC";
}

export const DEFAULT_ITEMS_PER_PAGE = 50;
export const MAX_ITEMS_PER_PAGE = 1000;

/**
 * The job columns a list may be ordered by, by their GraphQL name and by the column name cc-backend
 * also accepted (it snake-cased the field). Anything else is refused, so no caller-chosen text ever
 * reaches ORDER BY.
 */
const ORDERABLE: Record<string, string> = {};
for (const [field, column] of Object.entries({
  id: "id",
  jobId: "job_id",
  user: "user",
  project: "project",
  cluster: "cluster",
  subCluster: "subcluster",
  partition: "partition",
  arrayJobId: "array_job_id",
  startTime: "start_time",
  duration: "duration",
  walltime: "walltime",
  numNodes: "num_nodes",
  numHWThreads: "num_hwthreads",
  numAcc: "num_acc",
  jobState: "job_state",
  state: "job_state",
  monitoringStatus: "monitoring_status",
  smt: "smt",
  exclusive: "exclusive",
  flopsAnyAvg: "flops_any_avg",
  memBwAvg: "mem_bw_avg",
  memUsedMax: "mem_used_max",
  loadAvg: "load_avg",
  netBwAvg: "net_bw_avg",
  netDataVolTotal: "net_data_vol_total",
  fileBwAvg: "file_bw_avg",
  fileDataVolTotal: "file_data_vol_total",
})) {
  ORDERABLE[field] = column;
  ORDERABLE[column] = column;
}

/** Every column of a job row, named as the Prisma model names them (quoted: PostgreSQL folds case, and user and partition are reserved words). */
export const JOB_SELECT = [
  'job.id AS "id"',
  'job.job_id AS "jobId"',
  'job.cluster AS "cluster"',
  'job.subcluster AS "subCluster"',
  'job.start_time AS "startTime"',
  'job.user AS "user"',
  'job.project AS "project"',
  'job.partition AS "partition"',
  'job.array_job_id AS "arrayJobId"',
  'job.duration AS "duration"',
  'job.walltime AS "walltime"',
  'job.job_state AS "jobState"',
  'job.meta_data AS "metaData"',
  'job.resources AS "resources"',
  'job.num_nodes AS "numNodes"',
  'job.num_hwthreads AS "numHWThreads"',
  'job.num_acc AS "numAcc"',
  'job.smt AS "smt"',
  'job.exclusive AS "exclusive"',
  'job.monitoring_status AS "monitoringStatus"',
  'job.mem_used_max AS "memUsedMax"',
  'job.flops_any_avg AS "flopsAnyAvg"',
  'job.mem_bw_avg AS "memBwAvg"',
  'job.load_avg AS "loadAvg"',
  'job.net_bw_avg AS "netBwAvg"',
  'job.net_data_vol_total AS "netDataVolTotal"',
  'job.file_bw_avg AS "fileBwAvg"',
  'job.file_data_vol_total AS "fileDataVolTotal"',
].join(", ");

type JobSqlRow = Omit<Job, "jobId" | "startTime" | "arrayJobId"> & { jobId: number; startTime: number; arrayJobId: number | null };

/** A row read with JOB_SELECT, as the Prisma client would have returned it. */
export function jobFromRow(row: JobSqlRow): Job {
  return {
    ...row,
    jobId: BigInt(row.jobId),
    startTime: BigInt(row.startTime),
    arrayJobId: row.arrayJobId === null ? null : BigInt(row.arrayJobId),
  };
}

export function checkPage(page: PageRequest | undefined | null, fallback = DEFAULT_ITEMS_PER_PAGE): PageRequest {
  const p = page ?? { itemsPerPage: fallback, page: 1 };
  if (!Number.isInteger(p.page) || p.page < 1) throw new InputError(`page must be a positive integer, got ${p.page}`);
  if (!Number.isInteger(p.itemsPerPage) || p.itemsPerPage < 1 || p.itemsPerPage > MAX_ITEMS_PER_PAGE) {
    throw new InputError(`itemsPerPage must be between 1 and ${MAX_ITEMS_PER_PAGE}, got ${p.itemsPerPage}`);
  }
  if ((p.page - 1) * p.itemsPerPage > Number.MAX_SAFE_INTEGER / 2) throw new InputError(`page ${p.page} is out of range`);
  return p;
}

function orderBySql(order: JobOrder | undefined | null, dialect: SqlDialect): string {
  if (!order) return "job.start_time DESC, job.id DESC";
  const column = ORDERABLE[order.field];
  if (!column) throw new InputError(`cannot order jobs by "${order.field}"`);
  const direction = order.order === "ASC" ? "ASC" : "DESC";
  // The id tie-breaker keeps pages stable when many jobs share a value.
  return `job.${column} ${direction}${dialect.nullsSmallest(direction)}, job.id ${direction}`;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export interface JobListArgs {
  filters?: readonly (JobFilter | null | undefined)[] | null;
  page?: PageRequest | null;
  order?: JobOrder | null;
  /** Read the page's tags in the same round trip to the read pool. */
  withTags?: boolean;
}

export interface JobPage {
  items: Job[];
  offset: number;
  limit: number;
  /** With `withTags`: job id → its tags (every job of the page has an entry). */
  tags?: Map<number, TagRecord[]>;
}

/** One page of the jobs the user may see that match the filters; newest first unless ordered otherwise. */
export async function listJobs(ctx: RequestContext, args: JobListArgs): Promise<JobPage> {
  const reader = required(ctx.reader, "the database read pool");
  const page = checkPage(args.page);
  const offset = (page.page - 1) * page.itemsPerPage;
  const where = jobFilterSql(reader.dialect, ctx.user, args.filters ?? [], nowSeconds());
  const pageSql = `FROM job WHERE ${where.sql} ORDER BY ${orderBySql(args.order, reader.dialect)} LIMIT ? OFFSET ?`;
  const params = [...where.params, page.itemsPerPage, offset];
  const statements = [{ sql: `SELECT ${JOB_SELECT} ${pageSql}`, params }];
  // The page's tags by the same (indexed, limited) selection: one round trip instead of two.
  if (args.withTags) {
    statements.push({
      sql: `WITH page AS (SELECT job.id AS id ${pageSql}) SELECT jobtag.job_id AS "jobId", tag.id AS id, tag.tag_type AS type, tag.tag_name AS name FROM page JOIN jobtag ON jobtag.job_id = page.id JOIN tag ON tag.id = jobtag.tag_id ORDER BY tag.id`,
      params,
    });
  }
  const [rows, tagRows] = (await reader.batch(statements)) as [JobSqlRow[], (TagRecord & { jobId: number })[] | undefined];
  const items = rows.map(jobFromRow);
  if (!tagRows) return { items, offset, limit: page.itemsPerPage };
  const tags = new Map<number, TagRecord[]>(items.map((job) => [job.id, []]));
  for (const { jobId, ...tag } of tagRows) tags.get(jobId)?.push(tag);
  return { items, offset, limit: page.itemsPerPage, tags };
}

/** How many jobs the user may see match the filters. A scan for broad filters: the heavy lane. */
export async function countJobs(ctx: RequestContext, filters: readonly (JobFilter | null | undefined)[] | null | undefined): Promise<number> {
  const reader = required(ctx.reader, "the database read pool");
  const where = jobFilterSql(reader.dialect, ctx.user, filters ?? [], nowSeconds());
  const row = await reader.query<{ n: number }>({ sql: `SELECT count(*) AS n FROM job WHERE ${where.sql}`, params: where.params, mode: "get" }, "heavy");
  return row.n;
}
