import type { Job, Prisma } from "../../db/generated/prisma/client.js";
import { jobVisibilityWhere } from "../../auth/visibility.js";
import type { RequestContext } from "../context.js";
import { InputError } from "../context.js";

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
 * The job columns a list may be ordered by, by their GraphQL/JSON name. Anything else is refused, so
 * no caller-chosen text ever reaches ORDER BY.
 */
const ORDERABLE = {
  id: "id",
  jobId: "jobId",
  user: "user",
  project: "project",
  cluster: "cluster",
  subCluster: "subCluster",
  startTime: "startTime",
  duration: "duration",
  walltime: "walltime",
  numNodes: "numNodes",
  numHWThreads: "numHWThreads",
  numAcc: "numAcc",
  state: "jobState",
  jobState: "jobState",
  monitoringStatus: "monitoringStatus",
  flopsAnyAvg: "flopsAnyAvg",
  memBwAvg: "memBwAvg",
  memUsedMax: "memUsedMax",
  loadAvg: "loadAvg",
} as const satisfies Record<string, keyof Job>;

export function checkPage(page: PageRequest | undefined): PageRequest {
  const p = page ?? { itemsPerPage: DEFAULT_ITEMS_PER_PAGE, page: 1 };
  if (!Number.isInteger(p.page) || p.page < 1) throw new InputError(`page must be a positive integer, got ${p.page}`);
  if (!Number.isInteger(p.itemsPerPage) || p.itemsPerPage < 1 || p.itemsPerPage > MAX_ITEMS_PER_PAGE) {
    throw new InputError(`itemsPerPage must be between 1 and ${MAX_ITEMS_PER_PAGE}, got ${p.itemsPerPage}`);
  }
  return p;
}

function orderBy(order: JobOrder | undefined): Prisma.JobOrderByWithRelationInput[] {
  const direction = order?.order === "ASC" ? "asc" : "desc";
  if (!order) return [{ startTime: "desc" }, { id: "desc" }];
  const column = (ORDERABLE as Record<string, keyof Job>)[order.field];
  if (!column) throw new InputError(`cannot order jobs by "${order.field}" (valid: ${Object.keys(ORDERABLE).join(", ")})`);
  // The id tie-breaker keeps pages stable when many jobs share a value.
  return [{ [column]: direction }, { id: direction }];
}

export interface JobPage {
  items: Job[];
  count: number;
  offset: number;
  limit: number;
}

/** One page of the jobs the user may see, newest first unless ordered otherwise, with the total count. */
export async function listJobs(ctx: RequestContext, args: { page?: PageRequest; order?: JobOrder }): Promise<JobPage> {
  const page = checkPage(args.page);
  const offset = (page.page - 1) * page.itemsPerPage;
  const where = jobVisibilityWhere(ctx.user);
  const [items, count] = await Promise.all([
    ctx.prisma.job.findMany({ where, orderBy: orderBy(args.order), skip: offset, take: page.itemsPerPage }),
    ctx.prisma.job.count({ where }),
  ]);
  return { items, count, offset, limit: page.itemsPerPage };
}
