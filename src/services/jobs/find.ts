import type { JobData, JobMetric, JobStatistics } from "../../archive/generated/archive-types.js";
import { jobVisibilityWhere } from "../../auth/visibility.js";
import type { Prisma } from "../../db/generated/prisma/client.js";
import { isJobState, type JobState } from "../../db/jobs/job-row.js";
import { InputError, required, type RequestContext } from "../context.js";
import { checkPage, type PageRequest } from "./query.js";
import { MONITORING, recordFromPrisma, type JobWithTags } from "./records.js";

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

export const METRIC_SCOPES = ["node", "socket", "memoryDomain", "core", "hwthread", "accelerator"] as const;
export type MetricScope = (typeof METRIC_SCOPES)[number];

export interface JobMetricWithName {
  name: string;
  scope: string;
  metric: JobMetric;
}

export interface JobDataResult {
  data: JobMetricWithName[];
  /** Set when there is no data for a reason other than the filter. */
  note?: string;
}

export const NOT_ARCHIVED_NOTE =
  "this job is not archived (running, or waiting for archiving); its metric data would come from the metric data repository, which this server does not support yet";

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
  return { job, ...(await loadJobData(ctx, job, metrics, scopes)) };
}

/** GET /api/jobs/metrics/{id}: as cc-backend's jobMetrics query; no metrics or scopes means all. */
export async function getJobMetrics(ctx: RequestContext, id: number, metrics: string[], scopes: string[]): Promise<JobDataResult> {
  const bad = scopes.find((s) => !(METRIC_SCOPES as readonly string[]).includes(s));
  if (bad !== undefined) throw new InputError(`invalid metric scope ${JSON.stringify(bad)} (valid: ${METRIC_SCOPES.join(", ")})`);
  const job = await getJob(ctx, id);
  return loadJobData(ctx, job, metrics, scopes as MetricScope[]);
}

async function loadJobData(ctx: RequestContext, job: JobWithTags, metrics: string[], scopes: MetricScope[]): Promise<JobDataResult> {
  if (job.jobState === "running" || job.monitoringStatus !== MONITORING.archived) return { data: [], note: NOT_ARCHIVED_NOTE };
  const archive = required(ctx.archive, "the job archive");
  let data: JobData;
  try {
    data = await archive.loadData(job);
  } catch (error) {
    ctx.logger.warn({ err: error, job: job.id }, "metric data of an archived job could not be read");
    throw new InputError(`loading the metric data of job ${job.id} from the archive failed`, 422);
  }
  return { data: selectJobData(data, metrics, scopes) };
}

/**
 * The requested metrics (none: all) of a job's data; of a metric stored at several scopes only the
 * requested scopes, unless it has none of them — cc-backend's rule for archived jobs.
 */
export function selectJobData(data: JobData, metrics: string[], scopes: string[]): JobMetricWithName[] {
  const result: JobMetricWithName[] = [];
  const names = metrics.length > 0 ? metrics : Object.keys(data);
  for (const name of names) {
    const perScope = Object.hasOwn(data, name) ? data[name] : undefined;
    if (!perScope) continue;
    let entries = Object.entries(perScope);
    if (scopes.length > 0 && entries.length > 1) {
      const subset = entries.filter(([scope]) => scopes.includes(scope));
      if (subset.length > 0) entries = subset;
    }
    for (const [scope, metric] of entries) result.push({ name, scope, metric });
  }
  return result;
}
