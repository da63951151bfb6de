import { listJobs } from "../../../services/jobs/query.js";
import { builder } from "../builder.js";
import { TagType } from "./tag.js";

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
    tags: t.field({
      type: [TagType],
      select: { tags: { select: { tag: true } } },
      resolve: (job) => job.tags.map((jt) => jt.tag),
    }),
    resources: t.field({ type: [ResourceType], resolve: (job) => parseJsonColumn<Resource[]>(job.resources, []) }),
    metaData: t.field({
      type: "Any",
      nullable: true,
      resolve: (job) => parseJsonColumn<unknown>(job.metaData, null),
    }),
  }),
});

const JobResultList = builder
  .objectRef<{ items: unknown[]; offset: number; limit: number; count: number }>("JobResultList")
  .implement({
    fields: (t) => ({
      items: t.field({ type: [JobType], resolve: (list) => list.items as never }),
      offset: t.exposeInt("offset", { nullable: true }),
      limit: t.exposeInt("limit", { nullable: true }),
      count: t.exposeInt("count", { nullable: true }),
    }),
  });

const PageRequest = builder.inputType("PageRequest", {
  fields: (t) => ({
    itemsPerPage: t.int({ required: true }),
    page: t.int({ required: true }),
  }),
});

const SortDirectionEnum = builder.enumType("SortDirectionEnum", { values: ["DESC", "ASC"] as const });

const OrderByInput = builder.inputType("OrderByInput", {
  fields: (t) => ({
    field: t.string({ required: true }),
    order: t.field({ type: SortDirectionEnum, required: true, defaultValue: "ASC" }),
  }),
});

builder.queryField("jobs", (t) =>
  t.field({
    type: JobResultList,
    args: {
      page: t.arg({ type: PageRequest }),
      order: t.arg({ type: OrderByInput }),
    },
    resolve: (_root, args, ctx) => listJobs(ctx, { page: args.page ?? undefined, order: args.order ?? undefined }),
  }),
);
