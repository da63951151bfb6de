import { insertJob } from "../../db/jobs/insert-job.js";
import type { JobRow } from "../../db/jobs/job-row.js";
import type { SqlTransaction } from "../../db/sql/job-writer.js";
import { AuthError } from "../../auth/auth.js";
import { hasRole } from "../../auth/user.js";
import { canSeeJob } from "../../auth/visibility.js";
import { InputError, jobWriterOf, type RequestContext } from "../context.js";
import { findJob, MONITORING, tagsOfJob, type JobWithTags, type TagRecord } from "./records.js";

export interface TagInput {
  type: string;
  name: string;
}

/**
 * Tag types and names: letters and digits of any script, space and `_ . : + # @ ( ) = , / -`, neither
 * starting nor ending with a space. No quotes, angle brackets, ampersands or control characters, so
 * no stored markup can come from a tag. api/openapi.yaml repeats this pattern (a test compares them).
 */
export const TAG_PATTERN = /^[\p{L}\p{N}_.:+#@()=,/-](?:[\p{L}\p{N} _.:+#@()=,/-]*[\p{L}\p{N}_.:+#@()=,/-])?$/u;
export const TAG_TYPE_MAX = 64;
export const TAG_NAME_MAX = 128;

export function checkTag(tag: TagInput): TagInput {
  for (const [field, max] of [["type", TAG_TYPE_MAX], ["name", TAG_NAME_MAX]] as const) {
    const value = tag[field];
    if (typeof value !== "string" || value.length === 0 || value.length > max || !TAG_PATTERN.test(value)) {
      throw new InputError(
        `invalid tag ${field} ${JSON.stringify(value)}: 1 to ${max} letters, digits, spaces or _ . : + # @ ( ) = , / - (no leading or trailing space)`,
      );
    }
  }
  return { type: tag.type, name: tag.name };
}

/** Targets of INSERTs (`INSERT INTO` or the dialect's insert-or-ignore): a new tag, a job's link to a tag. */
export const CREATE_TAG = "tag (tag_type, tag_name) VALUES (?, ?)";
export const LINK_TAG = "jobtag (job_id, tag_id) VALUES (?, ?)";
const FIND_TAG = "SELECT id FROM tag WHERE tag_type = ? AND tag_name = ?";

/**
 * The tag of that type and name, created unless it exists, in a write transaction. The tag may have
 * been created by a transaction that committed after this one began: it is read as committed.
 */
async function tagId(tx: SqlTransaction, tag: TagInput): Promise<number> {
  await tx.run(tx.dialect.insertOrIgnore(CREATE_TAG), [tag.type, tag.name]);
  return (await tx.get<{ id: number }>(FIND_TAG + tx.dialect.forShare(), [tag.type, tag.name]))!.id;
}

/** Adds tags (creating them if new) to a job, in a write transaction. */
export async function addTags(tx: SqlTransaction, jobDbId: number, tags: TagInput[]): Promise<void> {
  for (const tag of tags) await tx.run(tx.dialect.insertOrIgnore(LINK_TAG), [jobDbId, await tagId(tx, tag)]);
}

/** Inserts a job row with its tags in a write transaction; returns the job's database id. */
export async function insertTaggedJob(tx: SqlTransaction, row: JobRow, tags: TagInput[]): Promise<number> {
  const id = await insertJob(tx, row);
  await addTags(tx, id, tags);
  return id;
}

/**
 * POST /api/jobs/tag_job/{id}: adds tags to a job (404 if there is none with that id) and returns it
 * with all its tags. A finished job's meta.json in the archive gets the new tag list too, as in
 * cc-backend; if that fails the database keeps the tags and the problem is logged.
 */
export async function tagJob(ctx: RequestContext, id: number, tags: TagInput[]): Promise<JobWithTags> {
  const checked = tags.map(checkTag);
  const job = await jobWriterOf(ctx).transaction(async (tx) => {
    const found = await findJob(tx, { id });
    if (!found) throw new InputError(`job with database id ${id} does not exist`, 404);
    await addTags(tx, id, checked);
    return { ...found, tags: await tagsOfJob(tx, id) };
  });
  if (job.jobState !== "running" && job.monitoringStatus === MONITORING.archived && ctx.archive) {
    await writeArchiveTags(ctx, job, job.tags);
  }
  return job;
}

async function writeArchiveTags(ctx: RequestContext, job: JobWithTags, tags: TagRecord[]): Promise<void> {
  const archive = ctx.archive!;
  try {
    if (!(await archive.exists(job))) return;
    const meta = await archive.loadMeta(job);
    await archive.storeMeta({ ...meta, tags: tags.map((t) => ({ type: t.type, name: t.name })) });
  } catch (error) {
    ctx.logger.error({ err: error, job: job.id }, "tags stored in the database, but writing them to the job archive failed");
  }
}

const tagById = (tx: SqlTransaction, id: number) => tx.get<TagRecord>("SELECT id, tag_type AS type, tag_name AS name FROM tag WHERE id = ?", [id]);

function checkId(what: string, value: string | number): number {
  const id = typeof value === "number" ? value : /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 0) throw new InputError(`invalid ${what} ${JSON.stringify(value)}`);
  return id;
}

/** createTag: the tag of that type and name, created unless it exists. */
export async function createTag(ctx: RequestContext, input: TagInput): Promise<TagRecord> {
  const tag = checkTag(input);
  return jobWriterOf(ctx).transaction(async (tx) => ({ id: await tagId(tx, tag), ...tag }));
}

/** deleteTag (admins only; unimplemented in cc-backend): removes the tag from every job and the archive. */
export async function deleteTag(ctx: RequestContext, tagRef: string | number): Promise<number> {
  const writer = jobWriterOf(ctx);
  if (!hasRole(ctx.user, "admin")) throw new AuthError("only admins may delete tags", 403);
  const id = checkId("tag id", tagRef);
  const jobIds = await writer.transaction(async (tx) => {
    if (!(await tagById(tx, id))) throw new InputError(`tag ${id} does not exist`, 404);
    const jobs = await tx.all<{ jobId: number }>('SELECT job_id AS "jobId" FROM jobtag WHERE tag_id = ?', [id]);
    await tx.run("DELETE FROM tag WHERE id = ?", [id]);
    return jobs.map((r) => r.jobId);
  });
  await rewriteArchiveTags(ctx, jobIds);
  return id;
}

/**
 * addTagsToJob / removeTagsFromJob: changes the tags of a job the user may see and answers with the
 * job's tags afterwards. Unknown tags are refused before anything changes.
 */
export async function changeJobTags(ctx: RequestContext, jobRef: string | number, tagRefs: readonly (string | number)[], change: "add" | "remove"): Promise<TagRecord[]> {
  const jobId = checkId("job id", jobRef);
  const tagIds = tagRefs.map((t) => checkId("tag id", t));
  const tags = await jobWriterOf(ctx).transaction(async (tx) => {
    const job = await findJob(tx, { id: jobId });
    if (!job || !canSeeJob(ctx.user, job)) throw new InputError(`job ${jobId} does not exist`, 404);
    for (const id of tagIds) if (!(await tagById(tx, id))) throw new InputError(`tag ${id} does not exist`, 404);
    for (const id of tagIds) {
      if (change === "add") await tx.run(tx.dialect.insertOrIgnore(LINK_TAG), [jobId, id]);
      else await tx.run("DELETE FROM jobtag WHERE job_id = ? AND tag_id = ?", [jobId, id]);
    }
    return tagsOfJob(tx, jobId);
  });
  await rewriteArchiveTags(ctx, [jobId]);
  return tags;
}

/** Archived jobs keep their tags in meta.json too (cc-backend reads them from there on --init-db). */
async function rewriteArchiveTags(ctx: RequestContext, jobIds: number[]): Promise<void> {
  if (!ctx.archive || jobIds.length === 0) return;
  const writer = jobWriterOf(ctx);
  for (const id of jobIds) {
    const found = await writer.transaction(async (tx) => {
      const job = await findJob(tx, { id });
      return job && { job, tags: await tagsOfJob(tx, id) };
    });
    if (found && found.job.jobState !== "running" && found.job.monitoringStatus === MONITORING.archived) {
      await writeArchiveTags(ctx, { ...found.job, tags: [] }, found.tags);
    }
  }
}
