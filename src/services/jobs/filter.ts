/**
 * cc-backend's JobFilter turned into one parameterised SQL condition on table `job`, shared by the job
 * list, counts, statistics, histograms and footprints. Column names are fixed here; user input only
 * ever becomes a bound parameter (LIKE patterns escaped), so no filter can change the statement.
 */
import { jobVisibilitySql } from "../../auth/visibility.js";
import type { AuthUser } from "../../auth/user.js";
import { isJobState } from "../../db/jobs/job-row.js";
import type { SqlDialect } from "../../db/sql/dialect.js";
import { InputError } from "../context.js";

export interface StringInput {
  eq?: string | null;
  neq?: string | null;
  contains?: string | null;
  startsWith?: string | null;
  endsWith?: string | null;
  in?: readonly string[] | null;
}

export interface IntRange {
  from: number;
  to: number;
}

export interface TimeRange {
  from?: Date | null;
  to?: Date | null;
}

export interface JobFilter {
  tags?: readonly (string | number)[] | null;
  jobId?: StringInput | null;
  arrayJobId?: number | null;
  user?: StringInput | null;
  project?: StringInput | null;
  jobName?: StringInput | null;
  cluster?: StringInput | null;
  partition?: StringInput | null;
  duration?: IntRange | null;
  minRunningFor?: number | null;
  numNodes?: IntRange | null;
  numAccelerators?: IntRange | null;
  numHWThreads?: IntRange | null;
  startTime?: TimeRange | null;
  state?: readonly string[] | null;
  flopsAnyAvg?: IntRange | null;
  memBwAvg?: IntRange | null;
  loadAvg?: IntRange | null;
  memUsedMax?: IntRange | null;
  exclusive?: number | null;
  node?: StringInput | null;
}

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/** More values than this in one `in` list or tag list are refused (SQLite allows 32,766 parameters). */
export const MAX_LIST_VALUES = 1000;

/** The running time of a job: its duration once finished, now − start while it runs. */
export const ELAPSED_SQL = "(CASE WHEN job.job_state = 'running' THEN ? - job.start_time ELSE job.duration END)";

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

class ConditionBuilder {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  constructor(readonly dialect: SqlDialect) {}

  add(sql: string, ...params: unknown[]): void {
    this.parts.push(sql);
    this.params.push(...params);
  }

  /** StringInput on an expression; every operator given must hold. */
  /** `expression` LIKE the pattern, the same on every engine (ASCII case-insensitive, `\\` escapes). */
  like(expression: string, pattern: string): void {
    this.add(`${this.dialect.like(expression)} ? ESCAPE '\\'`, pattern);
  }

  /** StringInput on a text expression; every operator given must hold. */
  string(field: string, expression: string, input: StringInput): void {
    const text = textOf(field);
    if (input.eq != null) this.add(`${expression} = ?`, text("eq", input.eq));
    if (input.neq != null) this.add(`${expression} != ?`, text("neq", input.neq));
    this.patterns(field, expression, input);
    if (input.in != null) {
      const values = checkList(`${field}.in`, input.in).map((v) => text("in", v));
      this.add(values.length === 0 ? "0 = 1" : `${expression} IN (${marks(values.length)})`, ...values);
    }
  }

  patterns(field: string, expression: string, input: StringInput): void {
    const text = textOf(field);
    if (input.contains != null) this.like(expression, `%${escapeLike(text("contains", input.contains))}%`);
    if (input.startsWith != null) this.like(expression, `${escapeLike(text("startsWith", input.startsWith))}%`);
    if (input.endsWith != null) this.like(expression, `%${escapeLike(text("endsWith", input.endsWith))}`);
  }

  range(field: string, column: string, range: IntRange, integer: boolean, ...before: unknown[]): void {
    for (const bound of [range.from, range.to]) {
      if (typeof bound !== "number" || !Number.isFinite(bound) || (integer && !Number.isSafeInteger(bound))) {
        throw new InputError(`filter ${field} needs ${integer ? "integer" : "number"} bounds, got ${JSON.stringify(range)}`);
      }
    }
    this.add(`${column} BETWEEN ? AND ?`, ...before, range.from, range.to);
  }
}

function textOf(field: string): (name: string, value: unknown) => string {
  return (name, value) => {
    if (typeof value !== "string") throw new InputError(`filter ${field}.${name} must be a string`);
    return value;
  };
}

function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

function checkList<T>(field: string, values: readonly T[]): readonly T[] {
  if (values.length > MAX_LIST_VALUES) throw new InputError(`filter ${field} has ${values.length} values; at most ${MAX_LIST_VALUES} are allowed`);
  return values;
}

const BATCH_JOB_ID = /^\d{1,15}$/;

/**
 * Batch job ids are integers (a BIGINT column): equality compares integers, so the index is used, and
 * a text that is no job id matches no job. Patterns compare the decimal text.
 */
function jobId(builder: ConditionBuilder, input: StringInput): void {
  const text = textOf("jobId");
  if (input.eq != null) {
    const value = text("eq", input.eq);
    builder.add(BATCH_JOB_ID.test(value) ? "job.job_id = ?" : "0 = 1", ...(BATCH_JOB_ID.test(value) ? [Number(value)] : []));
  }
  if (input.neq != null) {
    const value = text("neq", input.neq);
    if (BATCH_JOB_ID.test(value)) builder.add("job.job_id != ?", Number(value));
  }
  builder.patterns("jobId", builder.dialect.text("job.job_id"), input);
  if (input.in != null) {
    const ids = checkList("jobId.in", input.in).map((v) => text("in", v)).filter((v) => BATCH_JOB_ID.test(v)).map(Number);
    builder.add(ids.length === 0 ? "0 = 1" : `job.job_id IN (${marks(ids.length)})`, ...ids);
  }
}

function unixSeconds(field: string, date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new InputError(`filter ${field} is not a valid time`);
  return Math.floor(ms / 1000);
}

/**
 * The jobName text is inside the meta_data JSON. A plain LIKE over the JSON text is cheap and narrows
 * the rows; json_extract then checks the name itself (a LIKE alone would also match slurmInfo). The
 * narrowing only works when the name's JSON form equals its text (no quotes, escapes, non-ASCII).
 */
function jobName(builder: ConditionBuilder, input: StringInput): void {
  const prefilterable = (v: string) => /^[\x20-\x7e]*$/.test(v) && !/["\\<>&]/.test(v);
  for (const value of [input.eq, input.contains, input.startsWith, input.endsWith]) {
    if (typeof value === "string" && value !== "" && prefilterable(value)) builder.like("job.meta_data", `%${escapeLike(value)}%`);
  }
  builder.string("jobName", builder.dialect.jsonText("job.meta_data", "jobName"), input);
}

/** A node filter matches host names in the resources JSON, not hardware thread ids or GPU ids. */
function node(builder: ConditionBuilder, input: StringInput): void {
  const hosts = builder.dialect.hostnamesOf("job.resources", "r");
  const inner = new ConditionBuilder(builder.dialect);
  inner.string("node", hosts.hostname, input);
  if (inner.parts.length === 0) return;
  // As for jobName: cheap narrowing on the JSON text first.
  const hint = input.eq ?? input.contains ?? input.startsWith ?? input.endsWith;
  if (typeof hint === "string" && /^[\w.-]+$/.test(hint)) builder.like("job.resources", `%${escapeLike(hint)}%`);
  builder.add(`EXISTS (SELECT 1 FROM ${hosts.from} WHERE ${inner.parts.join(" AND ")})`, ...inner.params);
}

/**
 * The SQL condition for "visible to `user` and matching every filter" (filters are ANDed; within a
 * filter every field given must hold). `now` (Unix seconds) is the time running jobs are measured to.
 */
export function jobFilterSql(dialect: SqlDialect, user: AuthUser, filters: readonly (JobFilter | null | undefined)[], now: number): SqlCondition {
  const b = new ConditionBuilder(dialect);
  const visibility = jobVisibilitySql(user);
  if (visibility.sql !== "1 = 1") b.add(visibility.sql, ...visibility.params);
  for (const filter of filters) {
    if (!filter) continue;
    if (filter.tags != null) {
      const ids = checkList("tags", filter.tags).map((id) => {
        const n = Number(id);
        if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`filter tags: invalid tag id ${JSON.stringify(id)}`);
        return n;
      });
      b.add(ids.length === 0 ? "0 = 1" : `job.id IN (SELECT jobtag.job_id FROM jobtag WHERE jobtag.tag_id IN (${marks(ids.length)}))`, ...ids);
    }
    if (filter.jobId != null) jobId(b, filter.jobId);
    if (filter.arrayJobId != null) b.add("job.array_job_id = ?", filter.arrayJobId);
    if (filter.user != null) b.string("user", "job.user", filter.user);
    if (filter.project != null) b.string("project", "job.project", filter.project);
    if (filter.jobName != null) jobName(b, filter.jobName);
    if (filter.cluster != null) b.string("cluster", "job.cluster", filter.cluster);
    if (filter.partition != null) b.string("partition", "job.partition", filter.partition);
    if (filter.startTime != null) {
      const { from, to } = filter.startTime;
      if (from != null) b.add("job.start_time >= ?", unixSeconds("startTime.from", from));
      if (to != null) b.add("job.start_time <= ?", unixSeconds("startTime.to", to));
    }
    // ELAPSED_SQL's parameter (now) comes before the bounds.
    if (filter.duration != null) b.range("duration", ELAPSED_SQL, filter.duration, true, now);
    if (filter.minRunningFor != null) b.add("(job.job_state != 'running' OR ? - job.start_time > ?)", now, filter.minRunningFor);
    if (filter.state != null) {
      const states = checkList("state", filter.state);
      const bad = states.find((s) => !isJobState(s));
      if (bad !== undefined) throw new InputError(`filter state: invalid job state ${JSON.stringify(bad)}`);
      b.add(states.length === 0 ? "0 = 1" : `job.job_state IN (${marks(states.length)})`, ...states);
    }
    if (filter.numNodes != null) b.range("numNodes", "job.num_nodes", filter.numNodes, true);
    if (filter.numAccelerators != null) b.range("numAccelerators", "job.num_acc", filter.numAccelerators, true);
    if (filter.numHWThreads != null) b.range("numHWThreads", "job.num_hwthreads", filter.numHWThreads, true);
    if (filter.flopsAnyAvg != null) b.range("flopsAnyAvg", "job.flops_any_avg", filter.flopsAnyAvg, false);
    if (filter.memBwAvg != null) b.range("memBwAvg", "job.mem_bw_avg", filter.memBwAvg, false);
    if (filter.loadAvg != null) b.range("loadAvg", "job.load_avg", filter.loadAvg, false);
    if (filter.memUsedMax != null) b.range("memUsedMax", "job.mem_used_max", filter.memUsedMax, false);
    if (filter.exclusive != null) b.add("job.exclusive = ?", filter.exclusive);
    if (filter.node != null) node(b, filter.node);
  }
  return { sql: b.parts.length === 0 ? "1 = 1" : b.parts.join(" AND "), params: b.params };
}
