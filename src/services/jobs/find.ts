import type { JobStatistics } from "../../archive/generated/archive-types.js";
import { jobVisibilityWhere } from "../../auth/visibility.js";
import type { Job, Prisma } from "../../db/generated/prisma/client.js";
import { isJobState, type JobState } from "../../db/jobs/job-row.js";
import { InputError, required, type RequestContext } from "../context.js";
import { jobFilterSql } from "./filter.js";
import { checkPage, JOB_SELECT, jobFromRow, nowSeconds, type PageRequest } from "./query.js";
import { checkScopes, loadJobMetricData, type JobMetricWithName, type MetricScope } from "./metric-data.js";
import { MONITORING, recordFromPrisma, type JobWithTags, type TagRecord } from "./records.js";

export interface JobFilter {
  states?: JobState[];
  cluster?: string;
  /** Unix seconds, both inclusive. */
  startTime?: { from: number; to: number };
}

export interface FoundJob extends JobWithTags {
  /** Per-metric statistics from the archive's meta.json, for archived jobs. */
  statistics?: JobStatistics;
}

/** cc-backend's REST default page size (GraphQL's is 50). */
export const REST_ITEMS_PER_PAGE = 25;

export { METRIC_SCOPES, type MetricScope, type JobMetricWithName } from "./metric-data.js";

export interface JobDataResult {
  data: JobMetricWithName[];
  /** Set when there is no data for a reason other than the filter. */
  note?: string;
}

function checkFilter(filter: JobFilter): Prisma.JobWhereInput[] {
  const where: Prisma.JobWhereInput[] = [];
  if (filter.states?.length) {
    const bad = filter.states.find((s) => !isJobState(s));
    if (bad !== undefined) throw new InputError(`invalid query parameter value: state ${JSON.stringify(bad)}`);
    where.push({ jobState: { in: filter.states } });
  }
  if (filter.cluster !== undefined) where.push({ cluster: filter.cluster });
  if (filter.startTime) {
    const { from, to } = filter.startTime;
    if (![from, to].every((t) => Number.isSafeInteger(t) && t >= 0)) throw new InputError("invalid query parameter value: start-time");
    where.push({ startTime: { gte: BigInt(from), lte: BigInt(to) } });
  }
  return where;
}

/**
 * GET /api/jobs/: a page of the jobs the user may see, newest start first, with their tags; with
 * `withMetadata` their metaData too; archived jobs with their statistics from the archive.
 */
export async function findJobs(ctx: RequestContext, args: { filter: JobFilter; page?: PageRequest; withMetadata?: boolean }): Promise<{ jobs: FoundJob[]; page: PageRequest }> {
  const page = checkPage(args.page ?? { itemsPerPage: REST_ITEMS_PER_PAGE, page: 1 });
  const where: Prisma.JobWhereInput = { AND: [jobVisibilityWhere(ctx.user), ...checkFilter(args.filter)] };
  const rows = await ctx.prisma.job.findMany({
    where,
    orderBy: [{ startTime: "desc" }, { id: "desc" }],
    skip: (page.page - 1) * page.itemsPerPage,
    take: page.itemsPerPage,
    omit: { metaData: !args.withMetadata },
  });
  const tags = await tagsOf(ctx, rows.map((r) => r.id));
  const jobs: FoundJob[] = rows.map((row) => ({ ...recordFromPrisma(row), tags: tags.get(row.id) ?? [] }));
  if (ctx.archive) {
    await Promise.all(
      jobs
        .filter((job) => job.monitoringStatus === MONITORING.archived)
        .map(async (job) => {
          try {
            job.statistics = (await ctx.archive!.loadMeta(job)).statistics;
          } catch (error) {
            ctx.logger.warn({ err: error, job: job.id }, "statistics of an archived job could not be read from the archive");
          }
        }),
    );
  }
  return { jobs, page };
}

async function tagsOf(ctx: RequestContext, jobIds: number[]): Promise<Map<number, JobWithTags["tags"]>> {
  const links = await ctx.prisma.jobTag.findMany({
    where: { jobId: { in: jobIds } },
    select: { jobId: true, tag: { select: { id: true, tagType: true, tagName: true } } },
    orderBy: { tagId: "asc" },
  });
  const map = new Map<number, JobWithTags["tags"]>();
  for (const link of links) {
    const list = map.get(link.jobId) ?? [];
    list.push({ id: link.tag.id, type: link.tag.tagType, name: link.tag.tagName });
    map.set(link.jobId, list);
  }
  return map;
}

/** One job the user may see, with tags and metaData; 422 when there is none (cc-backend's answer). */
export async function getJob(ctx: RequestContext, id: number): Promise<JobWithTags> {
  const row = await ctx.prisma.job.findFirst({ where: { AND: [{ id }, jobVisibilityWhere(ctx.user)] } });
  if (!row) throw new InputError(`finding job failed: no job with database id ${id}`, 422);
  const tags = await tagsOf(ctx, [id]);
  return { ...recordFromPrisma(row), tags: tags.get(id) ?? [] };
}

/**
 * POST /api/jobs/{id}: the job and its metric data, `metrics` (empty: all) at scope `core` for a
 * single-node job and `node` otherwise, as cc-backend asks for them.
 */
export async function getJobWithData(ctx: RequestContext, id: number, metrics: string[]): Promise<{ job: JobWithTags } & JobDataResult> {
  const job = await getJob(ctx, id);
  const scopes: MetricScope[] = job.numNodes === 1 ? ["core"] : ["node"];
  return { job, ...(await loadJobMetricData(ctx, job, metrics, scopes, { unknownMetrics: "ignore" })) };
}

/** GET /api/jobs/metrics/{id}: as cc-backend's jobMetrics query; no metrics or scopes means all. */
export async function getJobMetrics(ctx: RequestContext, id: number, metrics: string[], scopes: string[]): Promise<JobDataResult> {
  const checked = checkScopes(scopes);
  const job = await getJob(ctx, id);
  return loadJobMetricData(ctx, job, metrics, checked, { unknownMetrics: "ignore" });
}

/** The job with that database id if the user may see it (GraphQL `job`); unknown or hidden: an error. */
export async function getVisibleJob(ctx: RequestContext, id: string | number): Promise<Job> {
  const reader = required(ctx.reader, "the database read pool");
  const dbId = typeof id === "number" ? id : /^\d{1,15}$/.test(id) ? Number(id) : Number.NaN;
  if (!Number.isSafeInteger(dbId)) throw new InputError(`invalid job id ${JSON.stringify(id)}`);
  const where = jobFilterSql(reader.dialect, ctx.user, [], nowSeconds());
  const row = await reader.query<Parameters<typeof jobFromRow>[0] | undefined>({ sql: `SELECT ${JOB_SELECT} FROM job WHERE job.id = ? AND ${where.sql}`, params: [dbId, ...where.params], mode: "get" });
  // Hidden jobs are reported like missing ones, so their existence does not leak.
  if (!row) throw new InputError(`job ${dbId} does not exist or you are not allowed to see it`, 404);
  return jobFromRow(row);
}

/** Every tag (GraphQL `tags`), by type and name. */
export async function listTags(ctx: RequestContext): Promise<TagRecord[]> {
  const reader = required(ctx.reader, "the database read pool");
  return reader.query<TagRecord[]>({ sql: "SELECT id, tag_type AS type, tag_name AS name FROM tag ORDER BY tag_type, tag_name" });
}
