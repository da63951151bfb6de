import type { JobFilter } from "../generated/graphql/graphql.js";

/**
 * The job list's filters: one state object, read from and written to the URL query string, so a
 * filtered list can be shared and reloaded. The query parameters are cc-backend's URL presets
 * (internal/routerConfig/routes.go, filters/Filters.svelte), plus open ranges ("4-" / "-8"), the
 * startTime shortcuts last6h/last24h/last7d/last30d and the footprint ranges.
 */

export const ALL_JOB_STATES = ["running", "completed", "failed", "cancelled", "stopped", "timeout", "preempted", "out_of_memory"] as const;
export type JobStateName = (typeof ALL_JOB_STATES)[number];

export const STRING_MATCHES = ["contains", "eq", "startsWith", "endsWith", "in"] as const;
export type StringMatch = (typeof STRING_MATCHES)[number];

export const MATCH_LABELS: Record<StringMatch, string> = {
  contains: "contains",
  eq: "equals",
  startsWith: "starts with",
  endsWith: "ends with",
  in: "is one of",
};

export interface Range {
  from: number | null;
  to: number | null;
}

export const START_TIME_PRESETS = {
  last6h: { label: "Last 6 hours", seconds: 6 * 3600 },
  last24h: { label: "Last 24 hours", seconds: 24 * 3600 },
  last7d: { label: "Last 7 days", seconds: 7 * 24 * 3600 },
  last30d: { label: "Last 30 days", seconds: 30 * 24 * 3600 },
} as const;
export type StartTimePreset = keyof typeof START_TIME_PRESETS;

/** Unix seconds, or a preset relative to now (evaluated whenever the query runs). */
export interface StartTimeFilter {
  preset: StartTimePreset | null;
  from: number | null;
  to: number | null;
}

/** The footprint columns of the job table (JobFilter's FloatRange fields), with their metric for peaks. */
export const FOOTPRINTS = [
  { field: "flopsAnyAvg", label: "FLOPs (avg.)", metric: "flops_any" },
  { field: "memBwAvg", label: "Mem. bandwidth (avg.)", metric: "mem_bw" },
  { field: "loadAvg", label: "Load (avg.)", metric: "cpu_load" },
  { field: "memUsedMax", label: "Mem. used (max.)", metric: "mem_used" },
] as const;
export type FootprintField = (typeof FOOTPRINTS)[number]["field"];

export const TEXT_FIELDS = ["user", "project", "jobId", "jobName", "arrayJobId"] as const;
export type TextField = (typeof TEXT_FIELDS)[number];
export const TEXT_FIELD_LABELS: Record<TextField, string> = {
  user: "User",
  project: "Project",
  jobId: "Job ID",
  jobName: "Job name",
  arrayJobId: "Array job ID",
};

export interface FilterState {
  cluster: string | null;
  partition: string | null;
  /** Empty: every state. */
  states: string[];
  startTime: StartTimeFilter;
  /** Seconds. */
  duration: Range;
  tags: string[];
  numNodes: Range;
  numHWThreads: Range;
  numAccelerators: Range;
  node: string | null;
  footprints: Partial<Record<FootprintField, Range>>;
  /** One name (any match) or several (match "in"). */
  user: string[];
  userMatch: StringMatch;
  project: string[];
  projectMatch: StringMatch;
  jobId: string[];
  jobIdMatch: StringMatch;
  jobName: string | null;
  arrayJobId: number | null;
}

export const emptyRange = (): Range => ({ from: null, to: null });

export function emptyFilters(): FilterState {
  return {
    cluster: null,
    partition: null,
    states: [],
    startTime: { preset: null, from: null, to: null },
    duration: emptyRange(),
    tags: [],
    numNodes: emptyRange(),
    numHWThreads: emptyRange(),
    numAccelerators: emptyRange(),
    node: null,
    footprints: {},
    user: [],
    userMatch: "contains",
    project: [],
    projectMatch: "contains",
    jobId: [],
    jobIdMatch: "eq",
    jobName: null,
    arrayJobId: null,
  };
}

export const isRangeSet = (range: Range | undefined): range is Range => !!range && (range.from != null || range.to != null);

const NUMBER = String.raw`(\d+(?:\.\d+)?)?`;
const RANGE = new RegExp(`^${NUMBER}-${NUMBER}$`);

/** "4-8", "4-" or "-8" (also decimals); anything else is no range. */
export function parseRange(text: string | null, integer = true): Range | null {
  if (text == null) return null;
  const match = RANGE.exec(text.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) return null;
  const num = (s: string | undefined) => (s === undefined ? null : integer ? Math.trunc(Number(s)) : Number(s));
  return { from: num(match[1]), to: num(match[2]) };
}

export const formatRangeParam = (range: Range): string => `${range.from ?? ""}-${range.to ?? ""}`;

const isMatch = (value: string | null, allowed: readonly StringMatch[]): value is StringMatch => value != null && (allowed as readonly string[]).includes(value);
const nonEmpty = (values: string[]) => values.map((v) => v.trim()).filter((v) => v !== "");

/** The filters a URL's query string describes (unknown or malformed parameters are ignored). */
export function filtersFromSearch(search: string | URLSearchParams): FilterState {
  const params = typeof search === "string" ? new URLSearchParams(search) : search;
  const filters = emptyFilters();
  const get = (name: string) => {
    const value = params.get(name);
    return value == null || value.trim() === "" ? null : value.trim();
  };
  filters.cluster = get("cluster");
  filters.partition = get("partition");
  filters.states = nonEmpty(params.getAll("state")).filter((s) => (ALL_JOB_STATES as readonly string[]).includes(s));
  if (filters.states.length === ALL_JOB_STATES.length) filters.states = [];

  const startTime = get("startTime");
  if (startTime && startTime in START_TIME_PRESETS) filters.startTime = { preset: startTime as StartTimePreset, from: null, to: null };
  else {
    const range = parseRange(startTime);
    if (range) filters.startTime = { preset: null, ...range };
  }
  filters.duration = parseRange(get("duration")) ?? emptyRange();
  filters.tags = nonEmpty(params.getAll("tag")).filter((t) => /^\d+$/.test(t));
  filters.numNodes = parseRange(get("numNodes")) ?? emptyRange();
  filters.numHWThreads = parseRange(get("numHWThreads")) ?? emptyRange();
  filters.numAccelerators = parseRange(get("numAccelerators")) ?? emptyRange();
  filters.node = get("node");
  for (const { field } of FOOTPRINTS) {
    const range = parseRange(get(field), false);
    if (range) filters.footprints[field] = range;
  }

  // As cc-backend: one user is matched with "contains", several with "in"; a project preset with "eq".
  filters.user = nonEmpty(params.getAll("user"));
  const userMatch = get("userMatch");
  filters.userMatch = filters.user.length > 1 ? "in" : isMatch(userMatch, ["contains", "eq", "startsWith", "endsWith"]) ? userMatch : "contains";
  filters.project = nonEmpty(params.getAll("project"));
  const projectMatch = get("projectMatch");
  filters.projectMatch = filters.project.length > 1 ? "in" : isMatch(projectMatch, ["contains", "eq", "startsWith", "endsWith"]) ? projectMatch : "eq";
  filters.jobId = nonEmpty(params.getAll("jobId"));
  const jobIdMatch = get("jobIdMatch");
  filters.jobIdMatch = filters.jobId.length > 1 ? "in" : isMatch(jobIdMatch, ["eq", "contains", "startsWith", "endsWith"]) ? jobIdMatch : "eq";
  filters.jobName = get("jobName");
  const arrayJobId = get("arrayJobId");
  filters.arrayJobId = arrayJobId && /^\d+$/.test(arrayJobId) ? Number(arrayJobId) : null;
  return filters;
}

/** The query string for these filters (without "?"); parameters in cc-backend's order and spelling. */
export function filtersToSearch(filters: FilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.cluster) params.append("cluster", filters.cluster);
  if (filters.partition) params.append("partition", filters.partition);
  if (filters.node) params.append("node", filters.node);
  for (const state of filters.states) params.append("state", state);
  if (filters.startTime.preset) params.append("startTime", filters.startTime.preset);
  else if (filters.startTime.from != null || filters.startTime.to != null) params.append("startTime", formatRangeParam(filters.startTime));
  for (const tag of filters.tags) params.append("tag", tag);
  if (isRangeSet(filters.duration)) params.append("duration", formatRangeParam(filters.duration));
  if (isRangeSet(filters.numNodes)) params.append("numNodes", formatRangeParam(filters.numNodes));
  if (isRangeSet(filters.numHWThreads)) params.append("numHWThreads", formatRangeParam(filters.numHWThreads));
  if (isRangeSet(filters.numAccelerators)) params.append("numAccelerators", formatRangeParam(filters.numAccelerators));
  for (const { field } of FOOTPRINTS) {
    const range = filters.footprints[field];
    if (isRangeSet(range)) params.append(field, formatRangeParam(range));
  }
  for (const id of filters.jobId) params.append("jobId", id);
  if (filters.jobId.length === 1 && filters.jobIdMatch !== "eq") params.append("jobIdMatch", filters.jobIdMatch);
  if (filters.arrayJobId != null) params.append("arrayJobId", String(filters.arrayJobId));
  if (filters.jobName) params.append("jobName", filters.jobName);
  for (const user of filters.user) params.append("user", user);
  if (filters.user.length === 1 && filters.userMatch !== "contains") params.append("userMatch", filters.userMatch);
  for (const project of filters.project) params.append("project", project);
  // A bare ?project= is an exact match (cc-backend's preset), so any other match is spelled out.
  if (filters.project.length === 1 && filters.projectMatch !== "eq") params.append("projectMatch", filters.projectMatch);
  return params;
}

const rangeInput = (range: Range) => ({ from: range.from ?? 0, to: range.to ?? 2_147_483_647 });
const floatRangeInput = (range: Range) => ({ from: range.from ?? 0, to: range.to ?? Number.MAX_VALUE });
const toIso = (seconds: number) => new Date(seconds * 1000).toISOString();

function stringInput(values: string[], match: StringMatch) {
  if (values.length > 1 || match === "in") return { in: values };
  return { [match]: values[0]! };
}

/** The GraphQL JobFilter list (all must match) for these filters; `now` in ms for the startTime presets. */
export function filtersToGraphql(filters: FilterState, now = Date.now()): JobFilter[] {
  const items: JobFilter[] = [];
  if (filters.cluster) items.push({ cluster: { eq: filters.cluster } });
  if (filters.partition) items.push({ partition: { eq: filters.partition } });
  if (filters.node) items.push({ node: { contains: filters.node } });
  if (filters.states.length > 0) items.push({ state: filters.states });
  const { preset, from, to } = filters.startTime;
  if (preset) items.push({ startTime: { from: new Date(now - START_TIME_PRESETS[preset].seconds * 1000).toISOString() } });
  else if (from != null || to != null) items.push({ startTime: { ...(from != null ? { from: toIso(from) } : {}), ...(to != null ? { to: toIso(to) } : {}) } });
  if (filters.tags.length > 0) items.push({ tags: filters.tags });
  if (isRangeSet(filters.duration)) items.push({ duration: rangeInput(filters.duration) });
  if (isRangeSet(filters.numNodes)) items.push({ numNodes: rangeInput(filters.numNodes) });
  if (isRangeSet(filters.numHWThreads)) items.push({ numHWThreads: rangeInput(filters.numHWThreads) });
  if (isRangeSet(filters.numAccelerators)) items.push({ numAccelerators: rangeInput(filters.numAccelerators) });
  for (const { field } of FOOTPRINTS) {
    const range = filters.footprints[field];
    if (isRangeSet(range)) items.push({ [field]: floatRangeInput(range) });
  }
  if (filters.jobId.length > 0) items.push({ jobId: stringInput(filters.jobId, filters.jobIdMatch) });
  if (filters.arrayJobId != null) items.push({ arrayJobId: filters.arrayJobId });
  if (filters.jobName) items.push({ jobName: { contains: filters.jobName } });
  if (filters.user.length > 0) items.push({ user: stringInput(filters.user, filters.userMatch) });
  if (filters.project.length > 0) items.push({ project: stringInput(filters.project, filters.projectMatch) });
  return items;
}

/** 5400 → "1h 30m". */
export function formatDurationShort(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? (m > 0 ? `${h}h ${m}m` : `${h}h`) : `${m}m`;
}

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toLocaleString("en-US", { maximumFractionDigits: 2 }));

export function formatRange(range: Range, format: (n: number) => string = formatNumber): string {
  if (range.from != null && range.to != null) return `${format(range.from)} – ${format(range.to)}`;
  if (range.from != null) return `≥ ${format(range.from)}`;
  return `≤ ${format(range.to!)}`;
}

export function formatUnixLocal(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString();
}

/** The filter groups a pill stands for: removing a pill resets its group. */
export type FilterKey =
  | "cluster"
  | "states"
  | "startTime"
  | "duration"
  | "tags"
  | "numNodes"
  | "numHWThreads"
  | "numAccelerators"
  | "node"
  | FootprintField
  | TextField;

export function clearFilter(filters: FilterState, key: FilterKey): FilterState {
  const next = structuredClone(filters);
  const empty = emptyFilters();
  switch (key) {
    case "cluster":
      next.cluster = null;
      next.partition = null;
      break;
    case "flopsAnyAvg":
    case "memBwAvg":
    case "loadAvg":
    case "memUsedMax":
      delete next.footprints[key];
      break;
    case "user":
      next.user = [];
      next.userMatch = empty.userMatch;
      break;
    case "project":
      next.project = [];
      next.projectMatch = empty.projectMatch;
      break;
    case "jobId":
      next.jobId = [];
      next.jobIdMatch = empty.jobIdMatch;
      break;
    default:
      (next as unknown as Record<string, unknown>)[key] = empty[key];
  }
  return next;
}
