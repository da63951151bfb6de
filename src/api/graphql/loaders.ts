/**
 * Per-request batch loaders: the tags, user data and concurrent jobs of every job on a page are each
 * loaded with one query, however many rows the page has (no N+1).
 */
import DataLoader from "dataloader";
import type { Job, Tag, User } from "../../db/generated/prisma/client.js";
import { required, type RequestContext } from "../../services/context.js";
import { concurrentJobs, type ConcurrentJobs } from "../../services/jobs/concurrent.js";
import type { TagRecord } from "../../services/jobs/records.js";

export interface Loaders {
  tagsOfJob: DataLoader<number, Tag[]>;
  user: DataLoader<string, User | null>;
  concurrentJobs: DataLoader<Job, ConcurrentJobs | null, number>;
}

const perRequest = new WeakMap<RequestContext, Loaders>();

/** A tag as the Prisma Tag model (what the GraphQL Tag type exposes). */
export function tagModel(tag: TagRecord): Tag {
  return { id: tag.id, tagType: tag.type, tagName: tag.name, insertTs: null };
}

export function loaders(ctx: RequestContext): Loaders {
  let found = perRequest.get(ctx);
  if (found) return found;
  found = {
    tagsOfJob: new DataLoader(async (jobIds) => {
      const reader = required(ctx.reader, "the database read pool");
      const rows = await reader.query<(TagRecord & { jobId: number })[]>({
        sql: `SELECT jobtag.job_id AS "jobId", tag.id AS id, tag.tag_type AS type, tag.tag_name AS name FROM jobtag JOIN tag ON tag.id = jobtag.tag_id WHERE jobtag.job_id IN (${jobIds.map(() => "?").join(", ")}) ORDER BY tag.id`,
        params: jobIds,
      });
      const byJob = new Map<number, Tag[]>(jobIds.map((id) => [id, []]));
      for (const row of rows) byJob.get(row.jobId)?.push(tagModel(row));
      return jobIds.map((id) => byJob.get(id)!);
    }),
    user: new DataLoader(async (usernames) => {
      const users = await ctx.prisma.user.findMany({ where: { username: { in: [...usernames] } } });
      const byName = new Map(users.map((u) => [u.username, u]));
      return usernames.map((name) => byName.get(name) ?? null);
    }),
    concurrentJobs: new DataLoader((jobs) => concurrentJobs(ctx, jobs), { cacheKeyFn: (job) => job.id }),
  };
  perRequest.set(ctx, found);
  return found;
}
