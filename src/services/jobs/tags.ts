import type Database from "better-sqlite3";
import { writeTransaction } from "../../db/writer.js";
import { AuthError } from "../../auth/auth.js";
import { hasRole } from "../../auth/user.js";
import { canSeeJob } from "../../auth/visibility.js";
import { InputError, required, type RequestContext } from "../context.js";
import { findOnWriter, MONITORING, writerStatements, type JobWithTags, type TagRecord } from "./records.js";
import { preparedFor } from "../../db/prepared.js";

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

const tagStatements = preparedFor((db) => ({
  create: db.prepare("INSERT OR IGNORE INTO tag (tag_type, tag_name) VALUES (?, ?)"),
  find: db.prepare<[string, string], { id: number }>("SELECT id FROM tag WHERE tag_type = ? AND tag_name = ?"),
  link: db.prepare("INSERT OR IGNORE INTO jobtag (job_id, tag_id) VALUES (?, ?)"),
}));

/** Adds tags (creating them if new) to a job; synchronous, for use inside a write transaction. */
export function attachTags(db: Database.Database, jobDbId: number, tags: TagInput[]): void {
  const s = tagStatements(db);
  for (const tag of tags) {
    s.create.run(tag.type, tag.name);
    const { id } = s.find.get(tag.type, tag.name)!;
    s.link.run(jobDbId, id);
  }
}

/**
 * POST /api/jobs/tag_job/{id}: adds tags to a job (404 if there is none with that id) and returns it
 * with all its tags. A finished job's meta.json in the archive gets the new tag list too, as in
 * cc-backend; if that fails the database keeps the tags and the problem is logged.
 */
export async function tagJob(ctx: RequestContext, id: number, tags: TagInput[]): Promise<JobWithTags> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  const checked = tags.map(checkTag);
  const job = await writeTransaction(writer, () => {
    const found = findOnWriter(writer, { id });
    if (!found) throw new InputError(`job with database id ${id} does not exist`, 404);
    attachTags(writer, id, checked);
    return { ...found, tags: writerStatements(writer).tagsOf.all(id) };
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

const tagEdits = preparedFor((db) => ({
  tagById: db.prepare<[number], TagRecord>("SELECT id, tag_type AS type, tag_name AS name FROM tag WHERE id = ?"),
  link: db.prepare<[number, number]>("INSERT OR IGNORE INTO jobtag (job_id, tag_id) VALUES (?, ?)"),
  unlink: db.prepare<[number, number]>("DELETE FROM jobtag WHERE job_id = ? AND tag_id = ?"),
  deleteTag: db.prepare<[number]>("DELETE FROM tag WHERE id = ?"),
  jobsOfTag: db.prepare<[number], { jobId: number }>("SELECT job_id AS jobId FROM jobtag WHERE tag_id = ?"),
}));

function checkId(what: string, value: string | number): number {
  const id = typeof value === "number" ? value : /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 0) throw new InputError(`invalid ${what} ${JSON.stringify(value)}`);
  return id;
}

/** createTag: the tag of that type and name, created unless it exists. */
export async function createTag(ctx: RequestContext, input: TagInput): Promise<TagRecord> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  const tag = checkTag(input);
  return writeTransaction(writer, () => {
    const s = tagStatements(writer);
    s.create.run(tag.type, tag.name);
    return { id: s.find.get(tag.type, tag.name)!.id, ...tag };
  });
}

/** deleteTag (admins only; unimplemented in cc-backend): removes the tag from every job and the archive. */
export async function deleteTag(ctx: RequestContext, tagId: string | number): Promise<number> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  if (!hasRole(ctx.user, "admin")) throw new AuthError("only admins may delete tags", 403);
  const id = checkId("tag id", tagId);
  const { jobIds } = await writeTransaction(writer, () => {
    const s = tagEdits(writer);
    if (!s.tagById.get(id)) throw new InputError(`tag ${id} does not exist`, 404);
    const jobIds = s.jobsOfTag.all(id).map((r) => r.jobId);
    s.deleteTag.run(id);
    return { jobIds };
  });
  await rewriteArchiveTags(ctx, jobIds);
  return id;
}

/**
 * addTagsToJob / removeTagsFromJob: changes the tags of a job the user may see and answers with the
 * job's tags afterwards. Unknown tags are refused before anything changes.
 */
export async function changeJobTags(ctx: RequestContext, jobRef: string | number, tagRefs: readonly (string | number)[], change: "add" | "remove"): Promise<TagRecord[]> {
  const writer = required(ctx.writer, "the job writer (database connection)");
  const jobId = checkId("job id", jobRef);
  const tagIds = tagRefs.map((t) => checkId("tag id", t));
  const tags = await writeTransaction(writer, () => {
    const job = findOnWriter(writer, { id: jobId });
    if (!job || !canSeeJob(ctx.user, job)) throw new InputError(`job ${jobId} does not exist`, 404);
    const s = tagEdits(writer);
    const missing = tagIds.find((id) => !s.tagById.get(id));
    if (missing !== undefined) throw new InputError(`tag ${missing} does not exist`, 404);
    for (const id of tagIds) (change === "add" ? s.link : s.unlink).run(jobId, id);
    return writerStatements(writer).tagsOf.all(jobId);
  });
  await rewriteArchiveTags(ctx, [jobId]);
  return tags;
}

/** Archived jobs keep their tags in meta.json too (cc-backend reads them from there on --init-db). */
async function rewriteArchiveTags(ctx: RequestContext, jobIds: number[]): Promise<void> {
  if (!ctx.archive || !ctx.writer) return;
  for (const id of jobIds) {
    const job = findOnWriter(ctx.writer, { id });
    if (job && job.jobState !== "running" && job.monitoringStatus === MONITORING.archived) {
      await writeArchiveTags(ctx, { ...job, tags: [] }, writerStatements(ctx.writer).tagsOf.all(id));
    }
  }
}
