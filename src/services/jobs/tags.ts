import type Database from "better-sqlite3";
import { writeTransaction } from "../../db/writer.js";
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
