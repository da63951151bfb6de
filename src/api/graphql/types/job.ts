import { getVisibleJob } from "../../../services/jobs/find.js";
import { countJobs, listJobs, type JobOrder } from "../../../services/jobs/query.js";
import { builder } from "../builder.js";
import { loaders, tagModel } from "../loaders.js";
import { requestedFields } from "../requested-fields.js";
import { JobFilterInput, OrderByInput, PageRequest } from "./job-filter.js";
import { TagType } from "./tag.js";
import { UserType } from "./user.js";

interface Resource {
  hostname: string;
  hwthreads?: number[] | null;
  accelerators?: string[] | null;
  configuration?: string | null;
}

const ResourceType = builder.objectRef<Resource>("Resource").implement({
  fields: (t) => ({
    hostname: t.exposeString("hostname"),
    hwthreads: t.exposeIntList("hwthreads", { nullable: true }),
    accelerators: t.exposeStringList("accelerators", { nullable: true }),
    configuration: t.exposeString("configuration", { nullable: true }),
  }),
});

/** JSON text columns written by cc-backend; a broken value must not break the whole list. */
function parseJsonColumn<T>(text: string | null, fallback: T): T {
  if (text === null || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

const JobLinkType = builder.objectRef<{ id: number; jobId: number }>("JobLink").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    jobId: t.exposeInt("jobId"),
  }),
});

const JobLinkResultList = builder.objectRef<{ listQuery: string; items: { id: number; jobId: number }[]; count: number }>("JobLinkResultList").implement({
  fields: (t) => ({
    listQuery: t.exposeString("listQuery", { nullable: true }),
    items: t.field({ type: [JobLinkType], resolve: (list) => list.items }),
    count: t.exposeInt("count", { nullable: true }),
  }),
});

export const JobType = builder.prismaObject("Job", {
  fields: (t) => ({
    id: t.exposeID("id"),
    jobId: t.int({ resolve: (job) => Number(job.jobId) }),
    user: t.exposeString("user"),
    project: t.exposeString("project"),
    cluster: t.exposeString("cluster"),
    subCluster: t.exposeString("subCluster"),
    startTime: t.field({ type: "Time", resolve: (job) => new Date(Number(job.startTime) * 1000) }),
    duration: t.exposeInt("duration"),
    walltime: t.exposeInt("walltime"),
    numNodes: t.exposeInt("numNodes"),
    numHWThreads: t.int({ resolve: (job) => job.numHWThreads ?? 0 }),
    numAcc: t.int({ resolve: (job) => job.numAcc ?? 0 }),
    SMT: t.exposeInt("smt"),
    exclusive: t.exposeInt("exclusive"),
    partition: t.string({ resolve: (job) => job.partition ?? "" }),
    arrayJobId: t.int({ resolve: (job) => Number(job.arrayJobId ?? 0) }),
    monitoringStatus: t.exposeInt("monitoringStatus"),
    state: t.field({ type: "JobState", resolve: (job) => job.jobState }),
    tags: t.field({ type: [TagType], resolve: (job, _args, ctx) => loaders(ctx).tagsOfJob.load(job.id) }),
    resources: t.field({ type: [ResourceType], resolve: (job) => parseJsonColumn<Resource[]>(job.resources, []) }),
    concurrentJobs: t.field({ type: JobLinkResultList, nullable: true, resolve: (job, _args, ctx) => loaders(ctx).concurrentJobs.load(job) }),
    metaData: t.field({ type: "Any", nullable: true, resolve: (job) => parseJsonColumn<unknown>(job.metaData, null) }),
    userData: t.field({ type: UserType, nullable: true, resolve: (job, _args, ctx) => loaders(ctx).user.load(job.user) }),
    // Beyond cc-backend v1.0's schema: the footprint columns, for lists that sort and colour by them.
    flopsAnyAvg: t.exposeFloat("flopsAnyAvg", { nullable: true }),
    memBwAvg: t.exposeFloat("memBwAvg", { nullable: true }),
    loadAvg: t.exposeFloat("loadAvg", { nullable: true }),
    memUsedMax: t.exposeFloat("memUsedMax", { nullable: true }),
  }),
});

interface JobResultListShape {
  items: Awaited<ReturnType<typeof listJobs>>["items"];
  offset: number;
  limit: number;
  filters: Parameters<typeof countJobs>[1];
}

const JobResultList = builder.objectRef<JobResultListShape>("JobResultList").implement({
  fields: (t) => ({
    items: t.field({ type: [JobType], resolve: (list) => list.items }),
    offset: t.exposeInt("offset", { nullable: true }),
    limit: t.exposeInt("limit", { nullable: true }),
    // Counted only when asked for: a count over a broad filter is a scan (heavy lane).
    count: t.int({ nullable: true, resolve: (list, _args, ctx) => countJobs(ctx, list.filters) }),
  }),
});

builder.queryFields((t) => ({
  job: t.field({
    type: JobType,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, ctx) => getVisibleJob(ctx, args.id),
  }),
  jobs: t.field({
    type: JobResultList,
    args: {
      filter: t.arg({ type: [JobFilterInput] }),
      page: t.arg({ type: PageRequest }),
      order: t.arg({ type: OrderByInput }),
    },
    resolve: async (_root, args, ctx, info) => {
      const filters = args.filter ?? [];
      const page = await listJobs(ctx, { filters, page: args.page, order: args.order as JobOrder | null, withTags: requestedFields(info).has("tags") });
      if (page.tags) for (const [id, tags] of page.tags) loaders(ctx).tagsOfJob.prime(id, tags.map(tagModel));
      return { ...page, filters };
    },
  }),
}));

