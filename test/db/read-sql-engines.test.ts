/**
 * The services' job reads (one SQL text per query, src/db/sql/dialect.ts) give the same answers on
 * SQLite, MariaDB and PostgreSQL. The same deterministic jobs are seeded into each engine through its
 * Prisma client; every call is made on each engine, MariaDB's and PostgreSQL's results must equal
 * SQLite's, and the results are also checked against a model computed here from the seed data, so a
 * mistake common to all engines shows too. `now` is frozen, so running jobs' times are exact.
 */
import type { JobRow } from "../../src/db/jobs/job-row.ts";
import { rng } from "../metricdata/transform/random.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loaders } from "../../src/api/graphql/loaders.ts";
import type { AuthUser } from "../../src/auth/user.ts";
import type { Job } from "../../src/db/generated/prisma/client.ts";
import { allocatedNodes } from "../../src/services/clusters.ts";
import type { RequestContext } from "../../src/services/context.ts";
import { concurrentJobs, type ConcurrentJobs } from "../../src/services/jobs/concurrent.ts";
import type { JobFilter, StringInput } from "../../src/services/jobs/filter.ts";
import { findJobs, getJob, getVisibleJob, listTags } from "../../src/services/jobs/find.ts";
import { countJobs, listJobs, type JobOrder } from "../../src/services/jobs/query.ts";
import { jobsCount, jobsStatistics, type Aggregate, type JobsStatistics, type Weight } from "../../src/services/jobs/statistics.ts";
import { ENGINES, useEngines, type Engine, type EngineKind } from "../helpers/engines.ts";

// ---------------------------------------------------------------------------------------------------
// Time: frozen while the tests run (the services read Date.now() for running jobs).

const NOW = Math.floor(Date.now() / 1000);
const HOUR = 3600;
const DAY = 86_400;

// ---------------------------------------------------------------------------------------------------
// Seed data

/** A job row as seeded, with its database id. */
type SeedJob = { id: number } & JobRow;

/** What the model needs besides the row. */
interface SeedExtra {
  hosts: string[];
  jobName: string | null;
  tagIds: number[];
}

type Seeded = SeedJob & SeedExtra;


const USERS = ["alice", "bob", "carol", "dave", "erin", "frank", "o'neil", "user_1", "userx1"];
/** Wildcards and quotes in values, to check that filters match them literally. */
const PROJECTS = ["astro", "hpc-ml", "p100%", "p1000", "proj_a", "projxa", "back\\slash", "q'uote"];
const JOB_NAMES = [
  "LAMMPS_run",
  "lammps-bench",
  "GROMACS md",
  "100% done",
  "1000 steps",
  "under_score",
  "underXscore",
  "back\\slash",
  "it's",
  'say "hi"',
  "Café",
  "wrf_4km",
  "a%b_c",
  "ABC",
  "abc",
];
const FINISHED = ["completed", "completed", "completed", "failed", "cancelled", "timeout", "out_of_memory", "preempted", "stopped"];
const FINISHED_DURATIONS = [0, 60, 299, 300, 301, 601, 1799, 1800, 3600, 5400, 9000, 12_345, 86_400, 172_800];
/** Elapsed times of running jobs: the half hours check that rounding is the same everywhere. */
const RUNNING_ELAPSED = [90, 600, 1799, 1800, 5400, 9000, 36_000, 100_000, 7 * DAY];

interface SubClusterSpec {
  name: string;
  host: (k: number) => string;
  cores: number;
  acc: number | null;
}
const CLUSTERS: { name: string; weight: number; subClusters: SubClusterSpec[]; partitions: (string | null)[] }[] = [
  {
    name: "fritz",
    weight: 5,
    subClusters: [
      { name: "main", host: (k) => `f01${pad(k)}`, cores: 72, acc: null },
      { name: "spr1tb", host: (k) => `f09${pad(k)}`, cores: 104, acc: null },
    ],
    partitions: ["singlenode", "multinode"],
  },
  {
    name: "alex",
    weight: 3,
    subClusters: [
      { name: "a100", host: (k) => `a01${pad(k)}`, cores: 128, acc: 8 },
      { name: "a40", host: (k) => `a05${pad(k)}`, cores: 64, acc: 8 },
    ],
    partitions: ["a100", "a40"],
  },
  {
    name: "woody",
    weight: 2,
    // Host names with and without an underscore at the same place: node filters must not treat it as a wildcard.
    subClusters: [{ name: "default", host: (k) => (k % 2 === 0 ? `w_${pad(k)}` : `wx${pad(k)}`), cores: 32, acc: null }],
    partitions: [null, "work"],
  },
];
const HOSTS_PER_SUBCLUSTER = 64;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

const TAGS = [
  { id: 1, tagType: "app", tagName: "lammps" },
  { id: 2, tagType: "issue", tagName: "mem_leak" },
  { id: 3, tagType: "app", tagName: "gromacs" },
  { id: 4, tagType: "issue", tagName: "memxleak" },
  { id: 5, tagType: "review", tagName: "ok" },
  { id: 6, tagType: "app", tagName: "wrf" },
  { id: 7, tagType: "app", tagName: "unused" },
];

const USER_ROWS = [
  { username: "alice", name: "Alice Liddell", roles: '["user"]', projects: "[]" },
  { username: "bob", name: "Bob Builder", roles: '["user","manager"]', projects: '["astro","p100%"]' },
  { username: "carol", name: null, roles: '["user"]', projects: "[]" },
  { username: "o'neil", name: "Shaquille O'Neal", roles: '["user"]', projects: "[]" },
  { username: "user_1", name: "", roles: '["user"]', projects: "[]" },
  { username: "zed", name: "Zed Nobody", roles: '["user"]', projects: "[]" },
];

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function makeJobs(): Seeded[] {
  const rand = rng(20240611);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const totalWeight = CLUSTERS.reduce((s, c) => s + c.weight, 0);
  const jobs: Seeded[] = [];
  const base = (i: number, overrides: Partial<Seeded>): Seeded => {
    let w = rand() * totalWeight;
    const cluster = CLUSTERS.find((c) => (w -= c.weight) < 0) ?? CLUSTERS[0]!;
    const sub = pick(cluster.subClusters);
    const running = i % 7 === 0;
    const numNodes = pick([1, 1, 1, 1, 2, 2, 4, 8, 16, 64]);
    const first = Math.floor(rand() * HOSTS_PER_SUBCLUSTER);
    const hosts = Array.from({ length: numNodes }, (_, k) => sub.host(((first + k) % HOSTS_PER_SUBCLUSTER) + 1));
    let startTime: number;
    let duration: number;
    if (running) {
      startTime = NOW - RUNNING_ELAPSED[(i / 7) % RUNNING_ELAPSED.length]!;
      // cc-backend keeps 0 until the job stops; some rows carry an intermediate duration.
      duration = i % 3 === 0 ? 0 : 60;
    } else {
      duration = rand() < 0.7 ? FINISHED_DURATIONS[i % FINISHED_DURATIONS.length]! : Math.floor(rand() * 3 * DAY);
      startTime = NOW - duration - Math.floor(rand() * 40 * DAY) - 60;
    }
    const jobId = 5_000_000 + (i % 250) * 13;
    const jobName = i % 13 === 0 ? null : i % 13 === 1 ? null : JOB_NAMES[i % JOB_NAMES.length]!;
    const metaData =
      i % 13 === 0
        ? null
        : i % 13 === 1
          ? "{}"
          : JSON.stringify({ jobScript: "#!/bin/bash\nsrun ./a.out", jobName, slurmInfo: `JobId=${jobId} JobName=${JOB_NAMES[(i + 3) % JOB_NAMES.length]}` });
    const numHWThreads = i % 37 === 5 ? null : numNodes * sub.cores;
    const numAcc = sub.acc === null ? (i % 2 === 0 ? null : 0) : i % 19 === 3 ? null : numNodes * (i % 4 === 0 ? sub.acc / 2 : sub.acc);
    const resources = JSON.stringify(
      hosts.map((hostname, k) => ({
        hostname,
        hwthreads: [0, 1, k],
        ...(sub.acc ? { accelerators: [`00000000:0${k % 10}:00.0`] } : {}),
      })),
    );
    return {
      id: i + 1,
      jobId,
      cluster: cluster.name,
      subCluster: sub.name,
      startTime,
      user: pick(USERS),
      project: pick(PROJECTS),
      partition: pick(cluster.partitions),
      arrayJobId: i % 10 === 3 ? 777_001 : i % 10 === 4 ? 777_002 : i % 11 === 0 ? 0 : null,
      duration,
      walltime: pick([3600, 86_400, 86_400 * 2]),
      jobState: running ? "running" : pick(FINISHED),
      metaData,
      resources,
      numNodes,
      numHWThreads,
      numAcc,
      smt: i % 2,
      exclusive: [1, 0, 2][i % 3]!,
      monitoringStatus: [1, 2, 3, 0][i % 4]!,
      memUsedMax: round2(rand() * 512),
      flopsAnyAvg: round2(rand() * 500),
      memBwAvg: round2(rand() * 300),
      loadAvg: round2(rand() * 128),
      netBwAvg: round2(rand() * 10),
      netDataVolTotal: round2(rand() * 1000),
      fileBwAvg: round2(rand() * 5),
      fileDataVolTotal: round2(rand() * 2000),
      hosts,
      jobName,
      tagIds: [],
      ...overrides,
    };
  };
  for (let i = 0; i < 300; i++) jobs.push(base(i, {}));

  // Jobs sharing nodes f0170/f0171 at known times, for concurrentJobs.
  const t0 = NOW - 5 * DAY;
  const crafted: Partial<Seeded>[] = [
    { startTime: t0, duration: 7200, hosts: ["f0170"], user: "bob" },
    { startTime: t0 + 1000, duration: 3000, hosts: ["f0170", "f0171"], user: "alice" },
    { startTime: t0 - 3600, duration: 4000, hosts: ["f0170"], user: "bob" },
    { startTime: t0 - 100, duration: 8000, hosts: ["f0171", "f0170"], user: "alice" },
    { startTime: t0 + 7100, duration: 3000, hosts: ["f0170"], user: "bob" },
    { startTime: t0 + 5, duration: 1000, hosts: ["f0170"], user: "alice" },
    { startTime: t0 + 2000, duration: 601, hosts: ["f0170"], user: "alice", exclusive: 1 },
    { startTime: NOW - 20_000, duration: 0, hosts: ["f0171"], user: "bob", jobState: "running" },
    { startTime: NOW - 3000, duration: 0, hosts: ["f0171"], user: "alice", jobState: "running" },
    { startTime: NOW - 10_000, duration: 5000, hosts: ["f0171"], user: "alice" },
    { startTime: NOW - 19_995, duration: 0, hosts: ["f0171"], user: "bob", jobState: "running" },
  ];
  for (const [k, c] of crafted.entries()) {
    const i = 300 + k;
    const hosts = c.hosts!;
    jobs.push(
      base(i, {
        cluster: "fritz",
        subCluster: "main",
        partition: "multinode",
        jobState: "completed",
        exclusive: 0,
        ...c,
        jobId: 6_000_000 + k,
        numNodes: hosts.length,
        numHWThreads: hosts.length * 72,
        numAcc: null,
        resources: JSON.stringify(hosts.map((hostname) => ({ hostname, hwthreads: [0] }))),
      }),
    );
  }
  for (const job of jobs) {
    const i = job.id - 1;
    if (i % 5 === 0) job.tagIds.push(((i / 5) % 6) + 1);
    if (i % 15 === 0 && !job.tagIds.includes(5)) job.tagIds.push(5);
  }
  return jobs;
}

const JOBS = makeJobs();

function rowOf(job: Seeded): SeedJob {
  const { hosts: _h, jobName: _n, tagIds: _t, ...row } = job;
  return row;
}

/** The job as the services return it (Prisma's Job). */
function jobModel(job: Seeded): Job {
  const row = rowOf(job);
  return { ...row, jobId: BigInt(row.jobId), startTime: BigInt(row.startTime), arrayJobId: row.arrayJobId === null ? null : BigInt(row.arrayJobId) };
}

async function seed(db: Engine): Promise<void> {
  await db.prisma.user.createMany({ data: USER_ROWS });
  await db.prisma.tag.createMany({ data: TAGS });
  await db.prisma.job.createMany({
    data: JOBS.map((job) => {
      const row = rowOf(job);
      return { ...row, jobId: BigInt(row.jobId), startTime: BigInt(row.startTime), arrayJobId: row.arrayJobId === null ? null : BigInt(row.arrayJobId) };
    }),
  });
  await db.prisma.jobTag.createMany({ data: JOBS.flatMap((job) => job.tagIds.map((tagId) => ({ jobId: job.id, tagId }))) });
}

// ---------------------------------------------------------------------------------------------------
// Who asks

const ADMIN: AuthUser = { username: "admin", roles: ["admin"], projects: [], via: "session" };
const ALICE: AuthUser = { username: "alice", roles: ["user"], projects: [], via: "session" };
const MANAGER: AuthUser = { username: "bob", roles: ["user", "manager"], projects: ["astro", "p100%"], via: "session" };
const USERS_ASKING = { admin: ADMIN, alice: ALICE } as const;

// ---------------------------------------------------------------------------------------------------
// The model: what the answers must be, computed from JOBS with the semantics the services document.

function visible(user: AuthUser, job: Seeded): boolean {
  if (user.roles.includes("admin")) return true;
  if (user.roles.includes("manager")) return job.user === user.username || user.projects.includes(job.project);
  return job.user === user.username;
}

const elapsed = (job: Seeded): number => (job.jobState === "running" ? NOW - job.startTime : job.duration);
/** SQLite's LIKE: ASCII letters case-insensitive, nothing else. */
const asciiLower = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function stringMatches(value: string | null, input: StringInput): boolean {
  if (value === null) return false;
  const v = asciiLower(value);
  if (input.eq != null && value !== input.eq) return false;
  if (input.neq != null && value === input.neq) return false;
  if (input.contains != null && !v.includes(asciiLower(input.contains))) return false;
  if (input.startsWith != null && !v.startsWith(asciiLower(input.startsWith))) return false;
  if (input.endsWith != null && !v.endsWith(asciiLower(input.endsWith))) return false;
  if (input.in != null && !input.in.includes(value)) return false;
  return true;
}

/** Batch job ids compare as integers; a text that is no integer matches nothing (eq, in) or is ignored (neq). */
function jobIdMatches(jobId: number, input: StringInput): boolean {
  const numeric = (s: string) => /^\d{1,15}$/.test(s);
  if (input.eq != null && !(numeric(input.eq) && Number(input.eq) === jobId)) return false;
  if (input.neq != null && numeric(input.neq) && Number(input.neq) === jobId) return false;
  if (input.in != null && !input.in.some((s) => numeric(s) && Number(s) === jobId)) return false;
  return stringMatches(String(jobId), { contains: input.contains, startsWith: input.startsWith, endsWith: input.endsWith });
}

const inRange = (value: number | null, r: { from: number; to: number }): boolean => value !== null && value >= r.from && value <= r.to;

function filterMatches(job: Seeded, f: JobFilter): boolean {
  if (f.tags != null && !f.tags.some((t) => job.tagIds.includes(Number(t)))) return false;
  if (f.jobId != null && !jobIdMatches(job.jobId, f.jobId)) return false;
  if (f.arrayJobId != null && job.arrayJobId !== f.arrayJobId) return false;
  if (f.user != null && !stringMatches(job.user, f.user)) return false;
  if (f.project != null && !stringMatches(job.project, f.project)) return false;
  if (f.jobName != null && !stringMatches(job.jobName, f.jobName)) return false;
  if (f.cluster != null && !stringMatches(job.cluster, f.cluster)) return false;
  if (f.partition != null && !stringMatches(job.partition, f.partition)) return false;
  if (f.startTime?.from != null && job.startTime < Math.floor(f.startTime.from.getTime() / 1000)) return false;
  if (f.startTime?.to != null && job.startTime > Math.floor(f.startTime.to.getTime() / 1000)) return false;
  if (f.duration != null && !inRange(elapsed(job), f.duration)) return false;
  if (f.minRunningFor != null && job.jobState === "running" && !(NOW - job.startTime > f.minRunningFor)) return false;
  if (f.state != null && !f.state.includes(job.jobState)) return false;
  if (f.numNodes != null && !inRange(job.numNodes, f.numNodes)) return false;
  if (f.numAccelerators != null && !inRange(job.numAcc, f.numAccelerators)) return false;
  if (f.numHWThreads != null && !inRange(job.numHWThreads, f.numHWThreads)) return false;
  if (f.flopsAnyAvg != null && !inRange(job.flopsAnyAvg, f.flopsAnyAvg)) return false;
  if (f.memBwAvg != null && !inRange(job.memBwAvg, f.memBwAvg)) return false;
  if (f.loadAvg != null && !inRange(job.loadAvg, f.loadAvg)) return false;
  if (f.memUsedMax != null && !inRange(job.memUsedMax, f.memUsedMax)) return false;
  if (f.exclusive != null && job.exclusive !== f.exclusive) return false;
  // Some host of the job satisfies every operator given.
  if (f.node != null && !job.hosts.some((h) => stringMatches(h, f.node!))) return false;
  return true;
}

function matching(user: AuthUser, filters: JobFilter[]): Seeded[] {
  return JOBS.filter((job) => visible(user, job) && filters.every((f) => filterMatches(job, f)));
}

/** SQLite's ORDER BY: NULL first ascending, text by code points; the id breaks ties in the same direction. */
function compareBy(field: keyof SeedJob, order: "ASC" | "DESC"): (a: Seeded, b: Seeded) => number {
  const sign = order === "ASC" ? 1 : -1;
  return (a, b) => {
    const x = a[field];
    const y = b[field];
    let c = 0;
    if (x === null || y === null) c = x === y ? 0 : x === null ? -1 : 1;
    else if (typeof x === "string" && typeof y === "string") c = x < y ? -1 : x > y ? 1 : 0;
    else c = (x as number) - (y as number);
    return sign * (c !== 0 ? c : a.id - b.id);
  };
}

const hoursOf = (seconds: number): number => Math.round(seconds / HOUR);

function histogram(values: number[]): { value: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a - b).map(([value, count]) => ({ value, count }));
}

const GROUP_KEY: Record<Aggregate, "user" | "project" | "cluster"> = { USER: "user", PROJECT: "project", CLUSTER: "cluster" };

function statisticsModel(user: AuthUser, filters: JobFilter[], groupBy?: Aggregate): JobsStatistics[] {
  const jobs = matching(user, filters);
  const groups = new Map<string, Seeded[]>();
  if (!groupBy) groups.set("", jobs);
  else for (const job of jobs) groups.set(job[GROUP_KEY[groupBy]], [...(groups.get(job[GROUP_KEY[groupBy]]) ?? []), job]);
  const sum = (list: Seeded[], weight: (j: Seeded) => number | null) => list.reduce((s, j) => s + elapsed(j) * (weight(j) ?? 0), 0);
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, list]) => ({
      id,
      name: groupBy === "USER" ? USER_ROWS.find((u) => u.username === id)?.name || "-" : id,
      totalJobs: list.length,
      runningJobs: list.filter((j) => j.jobState === "running").length,
      shortJobs: list.filter((j) => j.jobState !== "running" && j.duration < 300).length,
      totalWalltime: hoursOf(sum(list, () => 1)),
      totalNodeHours: hoursOf(sum(list, (j) => j.numNodes)),
      totalCoreHours: hoursOf(sum(list, (j) => j.numHWThreads)),
      totalAccHours: hoursOf(sum(list, (j) => j.numAcc)),
      histDuration: histogram(list.map((j) => hoursOf(elapsed(j)))),
      histNumNodes: histogram(list.map((j) => j.numNodes)),
    }));
}

function jobsCountModel(user: AuthUser, filters: JobFilter[], groupBy: Aggregate, weight: Weight | null, limit: number | null): { name: string; count: number }[] {
  const sums = new Map<string, number>();
  for (const job of matching(user, filters)) {
    const key = job[GROUP_KEY[groupBy]];
    const w = weight === "NODE_COUNT" ? job.numNodes : weight === "NODE_HOURS" ? job.numNodes * elapsed(job) : 1;
    sums.set(key, (sums.get(key) ?? 0) + w);
  }
  return [...sums]
    .map(([name, total]) => ({ name, count: weight === "NODE_HOURS" ? hoursOf(total) : total }))
    .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, limit ?? undefined);
}

/** cc-backend's overlap rules (see concurrent.ts), written out for one pair of jobs. */
function overlaps(job: Seeded, other: Seeded): boolean {
  const start = job.startTime;
  const stop = start + elapsed(job);
  const between = (x: number, lo: number, hi: number) => x >= lo && x <= hi;
  if (other.jobState === "running") return other.startTime <= stop - 200 && !between(other.startTime, start, start + 9);
  const end = other.startTime + other.duration;
  return (
    other.startTime <= stop - 200 &&
    (between(other.startTime, start + 10, stop - 200) || between(end, start + 200, stop - 200) || (other.startTime < start && end > stop))
  );
}

function concurrentModel(user: AuthUser, jobs: Seeded[]): ({ ids: number[] } | null)[] {
  return jobs.map((job) => {
    if (job.exclusive === 1 || elapsed(job) <= 600 || job.hosts.length === 0) return null;
    const host = job.hosts[0]!;
    const ids = JOBS.filter((o) => o.id !== job.id && o.cluster === job.cluster && visible(user, o) && o.hosts.includes(host) && overlaps(job, o)).map((o) => o.id);
    return { ids: ids.sort((a, b) => a - b) };
  });
}

// ---------------------------------------------------------------------------------------------------
// Engines

const engines = useEngines();
const db = {} as Record<EngineKind, Engine>;
/** A second database per engine for user and project names that differ only in case (see the end). */
const cased = {} as Record<EngineKind, Engine>;

beforeAll(async () => {
  for (const kind of ENGINES) db[kind] = await engines.open(kind);
  for (const kind of ENGINES) cased[kind] = await engines.open(kind);
  await Promise.all(ENGINES.flatMap((kind) => [seed(db[kind]), seedCased(cased[kind])]));
  vi.spyOn(Date, "now").mockReturnValue(NOW * 1000 + 500);
});
afterAll(() => {
  vi.restoreAllMocks();
});

const ctx = (kind: EngineKind, user: AuthUser): RequestContext => db[kind].context(user);

/** Each call's result on SQLite, computed once, as the reference for the other engines. */
const references = new Map<string, Promise<unknown>>();
let nextKey = 0;

/**
 * One test per engine: `run` on that engine; `model` (if given) checks the result against the seed
 * data; on MariaDB and PostgreSQL the result (as `view` shows it) must also equal SQLite's.
 */
function check<T>(title: string, run: (kind: EngineKind) => Promise<T>, options: { model?: (result: T) => void; view?: (result: T) => unknown } = {}): void {
  const key = `${nextKey++}`;
  const view = options.view ?? ((r: T) => r);
  for (const kind of ENGINES) {
    it(`[${kind}] ${title}`, async () => {
      const result = await run(kind);
      options.model?.(result);
      if (kind === "sqlite") return;
      let reference = references.get(key);
      if (!reference) references.set(key, (reference = run("sqlite")));
      const expected = await reference.then(
        (value) => ({ value }),
        (error: Error) => ({ error }),
      );
      if ("value" in expected) expect.soft(view(result), `${kind} differs from sqlite`).toEqual(view(expected.value as T));
      // The SQLite test shows that failure; with a model, this engine's answer has been checked all the same.
      else if (!options.model) throw new Error(`the same call failed on SQLite, so there is nothing to compare with: ${expected.error.message}`);
    });
  }
}

/** An error's message as a value, so that failing calls can be compared too. */
async function outcome<T>(promise: Promise<T>): Promise<T | { error: string }> {
  try {
    return await promise;
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

const ALL_PAGE = { itemsPerPage: 1000, page: 1 };
const ids = (jobs: readonly { id: number }[]) => jobs.map((j) => j.id);
const byDefaultOrder = (a: Seeded, b: Seeded) => b.startTime - a.startTime || b.id - a.id;

// ---------------------------------------------------------------------------------------------------

describe("the seed", () => {
  it("has what the cases below rely on", () => {
    const running = JOBS.filter((j) => j.jobState === "running");
    expect(JOBS.length).toBeGreaterThan(300);
    expect(running.length).toBeGreaterThan(40);
    expect(new Set(JOBS.map((j) => j.user)).size).toBe(USERS.length);
    expect(new Set(JOBS.map((j) => j.project)).size).toBe(PROJECTS.length);
    expect(JOBS.some((j) => j.numAcc === null) && JOBS.some((j) => j.numHWThreads === null) && JOBS.some((j) => j.partition === null)).toBe(true);
    expect(new Set(JOBS.map((j) => j.jobName)).size).toBe(JOB_NAMES.length + 1);
    expect(JOBS.some((j) => j.jobState === "running" && elapsed(j) === 9000)).toBe(true);
  });

  check(
    "listJobs returns every seeded row unchanged",
    async (kind) => (await listJobs(ctx(kind, ADMIN), { page: ALL_PAGE, order: { field: "id", order: "ASC" } })).items,
    { model: (items) => expect(items).toEqual(JOBS.map(jobModel)) },
  );
});

// ---------------------------------------------------------------------------------------------------

const DAY_MS = DAY * 1000;
const someJob = JOBS[42]!;

/** Every JobFilter field and StringInput operator, and values with quotes, wildcards and backslashes. */
const FILTER_CASES: [string, JobFilter[]][] = [
  ["no filter", []],
  ["user.eq", [{ user: { eq: "alice" } }]],
  ["user.neq", [{ user: { neq: "alice" } }]],
  ["user.contains is ASCII case-insensitive", [{ user: { contains: "LIC" } }]],
  ["user.startsWith with a literal _", [{ user: { startsWith: "user_" } }]],
  ["user.endsWith", [{ user: { endsWith: "1" } }]],
  ["user.in", [{ user: { in: ["alice", "o'neil", "nobody"] } }]],
  ["user.in empty", [{ user: { in: [] } }]],
  ["user.eq with a quote", [{ user: { eq: "o'neil" } }]],
  ["user.contains a quote", [{ user: { contains: "'" } }]],
  ["user.startsWith and endsWith", [{ user: { startsWith: "a", endsWith: "E" } }]],
  ["user.eq with SQL in it", [{ user: { eq: "alice' OR '1'='1" } }]],
  ["project.eq with %", [{ project: { eq: "p100%" } }]],
  ["project.contains a literal %", [{ project: { contains: "100%" } }]],
  ["project.contains only %", [{ project: { contains: "%" } }]],
  ["project.startsWith a literal _", [{ project: { startsWith: "proj_" } }]],
  ["project.contains only _", [{ project: { contains: "_" } }]],
  ["project.contains a backslash", [{ project: { contains: "\\" } }]],
  ["project.endsWith a backslash sequence", [{ project: { endsWith: "\\slash" } }]],
  ["project.eq with a backslash", [{ project: { eq: "back\\slash" } }]],
  ["project.contains a backslash and %", [{ project: { contains: "\\%" } }]],
  ["project.contains a quote", [{ project: { contains: "q'u" } }]],
  ["project.contains SQL", [{ project: { contains: "'; DROP TABLE job; --" } }]],
  ["project.neq", [{ project: { neq: "astro" } }]],
  ["project.in with wildcards", [{ project: { in: ["p100%", "proj_a", "back\\slash"] } }]],
  ["cluster.eq", [{ cluster: { eq: "alex" } }]],
  ["cluster.in", [{ cluster: { in: ["fritz", "woody"] } }]],
  ["cluster.startsWith upper case", [{ cluster: { startsWith: "FR" } }]],
  ["partition.eq", [{ partition: { eq: "a100" } }]],
  ["partition.contains", [{ partition: { contains: "node" } }]],
  ["partition.neq (NULL partitions excluded)", [{ partition: { neq: "multinode" } }]],
  ["jobName.eq", [{ jobName: { eq: "GROMACS md" } }]],
  ["jobName.eq is case-sensitive", [{ jobName: { eq: "abc" } }]],
  ["jobName.contains is ASCII case-insensitive", [{ jobName: { contains: "lammps" } }]],
  ["jobName.contains upper case", [{ jobName: { contains: "GROMACS" } }]],
  ["jobName.startsWith a literal _", [{ jobName: { startsWith: "under_" } }]],
  ["jobName.endsWith", [{ jobName: { endsWith: " MD" } }]],
  ["jobName.contains a literal %", [{ jobName: { contains: "100%" } }]],
  ["jobName.contains % and _", [{ jobName: { contains: "a%b_" } }]],
  ["jobName.contains a quote", [{ jobName: { contains: "it's" } }]],
  ["jobName.eq with double quotes", [{ jobName: { eq: 'say "hi"' } }]],
  ["jobName.contains a double quote", [{ jobName: { contains: '"h' } }]],
  ["jobName.contains a backslash", [{ jobName: { contains: "k\\s" } }]],
  ["jobName.eq non-ASCII", [{ jobName: { eq: "Café" } }]],
  ["jobName.in", [{ jobName: { in: ["ABC", "wrf_4km", "nothing"] } }]],
  ["jobName.neq (no name excluded)", [{ jobName: { neq: "ABC" } }]],
  ["jobName only in slurmInfo does not match", [{ jobName: { contains: "JobName" } }]],
  ["jobId.eq", [{ jobId: { eq: String(someJob.jobId) } }]],
  ["jobId.eq not a number", [{ jobId: { eq: "abc" } }]],
  ["jobId.eq with SQL", [{ jobId: { eq: `${someJob.jobId} OR 1=1` } }]],
  ["jobId.neq", [{ jobId: { neq: String(someJob.jobId) } }]],
  ["jobId.contains", [{ jobId: { contains: "013" } }]],
  ["jobId.startsWith", [{ jobId: { startsWith: "50001" } }]],
  ["jobId.endsWith", [{ jobId: { endsWith: "39" } }]],
  ["jobId.contains _ (no wildcard)", [{ jobId: { contains: "_" } }]],
  ["jobId.in with non-numbers", [{ jobId: { in: [String(someJob.jobId), "x", "5000013", "6000001"] } }]],
  ["arrayJobId", [{ arrayJobId: 777_001 }]],
  ["arrayJobId 0", [{ arrayJobId: 0 }]],
  ["duration (running jobs by time so far)", [{ duration: { from: 0, to: 1800 } }]],
  ["duration middle", [{ duration: { from: 1800, to: 9000 } }]],
  ["minRunningFor", [{ minRunningFor: 3600 }]],
  ["numNodes", [{ numNodes: { from: 2, to: 8 } }]],
  ["numAccelerators (NULL excluded)", [{ numAccelerators: { from: 1, to: 16 } }]],
  ["numAccelerators 0", [{ numAccelerators: { from: 0, to: 0 } }]],
  ["numHWThreads (NULL excluded)", [{ numHWThreads: { from: 0, to: 200 } }]],
  ["startTime.from", [{ startTime: { from: new Date((NOW - 7 * DAY) * 1000) } }]],
  ["startTime.to", [{ startTime: { to: new Date((NOW - 20 * DAY) * 1000 + 999) } }]],
  ["startTime.from and to", [{ startTime: { from: new Date(NOW * 1000 - 30 * DAY_MS), to: new Date(NOW * 1000 - 10 * DAY_MS) } }]],
  ["state running", [{ state: ["running"] }]],
  ["state list", [{ state: ["completed", "failed", "out_of_memory"] }]],
  ["state empty", [{ state: [] }]],
  ["flopsAnyAvg with fractional bounds", [{ flopsAnyAvg: { from: 100, to: 250.5 } }]],
  ["memBwAvg", [{ memBwAvg: { from: 50, to: 150 } }]],
  ["loadAvg", [{ loadAvg: { from: 0, to: 64 } }]],
  ["memUsedMax", [{ memUsedMax: { from: 256, to: 512 } }]],
  ["exclusive 0", [{ exclusive: 0 }]],
  ["exclusive 2", [{ exclusive: 2 }]],
  ["tags one", [{ tags: [1] }]],
  ["tags several, as text", [{ tags: ["2", 4] }]],
  ["tags unused", [{ tags: [7] }]],
  ["tags empty", [{ tags: [] }]],
  ["node.eq", [{ node: { eq: "f0170" } }]],
  ["node.contains upper case", [{ node: { contains: "A01" } }]],
  ["node.startsWith a literal _", [{ node: { startsWith: "w_" } }]],
  ["node.endsWith", [{ node: { endsWith: "07" } }]],
  ["node.in", [{ node: { in: ["a0101", "w_02", "f0171"] } }]],
  ["node.neq", [{ node: { neq: "f0170" } }]],
  ["node.contains % (none)", [{ node: { contains: "%" } }]],
  ["node.contains JSON syntax (none)", [{ node: { contains: '","' } }]],
  ["several filters", [{ cluster: { eq: "fritz" } }, { state: ["running"] }, { numNodes: { from: 1, to: 4 } }]],
  ["several fields in one filter", [{ cluster: { in: ["alex", "woody"] }, project: { startsWith: "p" }, duration: { from: 300, to: 200_000 } }]],
];

describe.each(Object.entries(USERS_ASKING))("listJobs and countJobs as %s", (_who, user) => {
  for (const [title, filters] of FILTER_CASES) {
    check(
      title,
      async (kind) => {
        const c = ctx(kind, user);
        const [page, count] = await Promise.all([listJobs(c, { filters, page: ALL_PAGE }), countJobs(c, filters)]);
        return { items: page.items, count };
      },
      {
        model: ({ items, count }) => {
          const expected = matching(user, filters).sort(byDefaultOrder);
          expect.soft(ids(items), "listJobs").toEqual(ids(expected));
          expect.soft(count, "countJobs").toBe(expected.length);
        },
      },
    );
  }
});

describe("listJobs as a manager", () => {
  for (const [title, filters] of FILTER_CASES.filter(([t]) => ["no filter", "project.contains a literal %", "user.eq", "state running"].includes(t))) {
    check(
      title,
      async (kind) => {
        const c = ctx(kind, MANAGER);
        const [page, count] = await Promise.all([listJobs(c, { filters, page: ALL_PAGE }), countJobs(c, filters)]);
        return { items: page.items, count };
      },
      {
        model: ({ items, count }) => {
          const expected = matching(MANAGER, filters).sort(byDefaultOrder);
          expect.soft(ids(items)).toEqual(ids(expected));
          expect.soft(count).toBe(expected.length);
        },
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------------

const ORDER_FIELDS: (keyof SeedJob)[] = [
  "id",
  "jobId",
  "startTime",
  "duration",
  "walltime",
  "numNodes",
  "numHWThreads",
  "numAcc",
  "arrayJobId",
  "partition",
  "user",
  "project",
  "cluster",
  "subCluster",
  "jobState",
  "smt",
  "exclusive",
  "monitoringStatus",
  "flopsAnyAvg",
  "memBwAvg",
  "memUsedMax",
  "loadAvg",
  "netBwAvg",
  "netDataVolTotal",
  "fileBwAvg",
  "fileDataVolTotal",
];

describe("listJobs ordered", () => {
  for (const field of ORDER_FIELDS) {
    for (const order of ["ASC", "DESC"] as const) {
      check(`by ${field} ${order}`, async (kind) => ids((await listJobs(ctx(kind, ADMIN), { page: ALL_PAGE, order: { field, order } })).items), {
        model: (result) => expect(result).toEqual(ids([...JOBS].sort(compareBy(field, order)))),
      });
    }
  }
  check("by the column name (num_nodes) as a plain user", async (kind) => ids((await listJobs(ctx(kind, ALICE), { page: ALL_PAGE, order: { field: "num_nodes", order: "ASC" } })).items), {
    model: (result) => expect(result).toEqual(ids(matching(ALICE, []).sort(compareBy("numNodes", "ASC")))),
  });
  check("by an unknown field", (kind) => outcome(listJobs(ctx(kind, ADMIN), { order: { field: "user; DROP TABLE job", order: "ASC" } })), {
    model: (result) => expect(result).toEqual({ error: 'InputError: cannot order jobs by "user; DROP TABLE job"' }),
  });
});

describe("listJobs pages", () => {
  const order: JobOrder = { field: "numNodes", order: "DESC" };
  const sorted = [...JOBS].sort(compareBy("numNodes", "DESC"));
  for (const page of [1, 2, 5, 44, 45, 100]) {
    check(`page ${page} of 7, by numNodes DESC`, async (kind) => {
      const result = await listJobs(ctx(kind, ADMIN), { page: { itemsPerPage: 7, page }, order });
      return { ids: ids(result.items), offset: result.offset, limit: result.limit };
    }, {
      model: (result) => expect(result).toEqual({ ids: ids(sorted.slice((page - 1) * 7, page * 7)), offset: (page - 1) * 7, limit: 7 }),
    });
  }
  check("default page (50, newest first) as alice with a filter", async (kind) => ids((await listJobs(ctx(kind, ALICE), { filters: [{ state: ["completed"] }] })).items), {
    model: (result) => expect(result).toEqual(ids(matching(ALICE, [{ state: ["completed"] }]).sort(byDefaultOrder).slice(0, 50))),
  });
});

describe("listJobs withTags", () => {
  const cases: [string, AuthUser, JobFilter[], JobOrder | undefined, number][] = [
    ["all jobs, a page of 60", ADMIN, [], { field: "id", order: "ASC" }, 60],
    ["tagged jobs", ADMIN, [{ tags: [1, 5] }], undefined, 1000],
    ["alice's jobs", ALICE, [], undefined, 1000],
  ];
  for (const [title, user, filters, order, itemsPerPage] of cases) {
    check(
      title,
      async (kind) => {
        const result = await listJobs(ctx(kind, user), { filters, page: { itemsPerPage, page: 1 }, order, withTags: true });
        return { ids: ids(result.items), tags: [...(result.tags ?? new Map())].sort(([a], [b]) => a - b) };
      },
      {
        model: (result) => {
          let expected = matching(user, filters).sort(order ? compareBy("id", "ASC") : byDefaultOrder).slice(0, itemsPerPage);
          expect.soft(result.ids).toEqual(ids(expected));
          expected = expected.sort((a, b) => a.id - b.id);
          const tagsOf = (job: Seeded) => TAGS.filter((t) => job.tagIds.includes(t.id)).map((t) => ({ id: t.id, type: t.tagType, name: t.tagName }));
          expect.soft(result.tags).toEqual(expected.map((job) => [job.id, tagsOf(job)]));
        },
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------------

const STAT_FILTERS: [string, JobFilter[]][] = [
  ["all", []],
  ["running", [{ state: ["running"] }]],
  ["alex", [{ cluster: { eq: "alex" } }]],
  ["project with wildcards", [{ project: { in: ["p100%", "proj_a"] } }]],
  ["duration 0..2h", [{ duration: { from: 0, to: 7200 } }]],
  ["patterns", [{ jobName: { contains: "_" } }, { node: { startsWith: "F0" } }]],
  ["nothing", [{ user: { eq: "nobody" } }]],
];

describe("jobsStatistics", () => {
  for (const [who, user] of [...Object.entries(USERS_ASKING), ["manager", MANAGER] as const]) {
    for (const [title, filters] of STAT_FILTERS) {
      for (const groupBy of [undefined, "USER", "PROJECT", "CLUSTER"] as const) {
        check(`as ${who}, ${title}, ${groupBy ? `by ${groupBy}` : "ungrouped"}`, (kind) => jobsStatistics(ctx(kind, user), { filters, groupBy }), {
          model: (result) => expect(result).toEqual(statisticsModel(user, filters, groupBy)),
        });
      }
    }
  }
  check(
    "only some fields",
    (kind) => jobsStatistics(ctx(kind, ADMIN), { groupBy: "CLUSTER", fields: new Set(["totalNodeHours", "histNumNodes"]) }),
    {
      model: (result) => {
        const wanted = (s: JobsStatistics) => ({ id: s.id, name: s.name, totalJobs: s.totalJobs, totalNodeHours: s.totalNodeHours, histNumNodes: s.histNumNodes });
        expect(result.map(wanted)).toEqual(statisticsModel(ADMIN, [], "CLUSTER").map(wanted));
        // The figures not asked for are 0.
        for (const s of result) expect([s.shortJobs, s.totalWalltime, s.totalCoreHours, s.totalAccHours]).toEqual([0, 0, 0, 0]);
      },
    },
  );
});

describe("jobsCount", () => {
  for (const groupBy of ["USER", "PROJECT", "CLUSTER"] as const) {
    for (const weight of [null, "NODE_COUNT", "NODE_HOURS"] as const) {
      for (const limit of [null, 3]) {
        check(`by ${groupBy}, weight ${weight ?? "none"}, limit ${limit ?? "none"}`, (kind) => jobsCount(ctx(kind, ADMIN), { groupBy, weight, limit }), {
          model: (result) => expect(result).toEqual(jobsCountModel(ADMIN, [], groupBy, weight, limit)),
        });
      }
    }
  }
  check("with pattern filters, by USER", (kind) => jobsCount(ctx(kind, ADMIN), { filters: [{ project: { contains: "_" } }, { jobName: { contains: "lammps" } }], groupBy: "USER" }), {
    model: (result) => expect(result).toEqual(jobsCountModel(ADMIN, [{ project: { contains: "_" } }, { jobName: { contains: "lammps" } }], "USER", null, null)),
  });
  for (const weight of [null, "NODE_HOURS"] as const) {
    check(`as alice, running, by PROJECT, weight ${weight ?? "none"}`, (kind) => jobsCount(ctx(kind, ALICE), { filters: [{ state: ["running"] }], groupBy: "PROJECT", weight }), {
      model: (result) => expect(result).toEqual(jobsCountModel(ALICE, [{ state: ["running"] }], "PROJECT", weight, null)),
    });
  }
});

// ---------------------------------------------------------------------------------------------------

describe("allocatedNodes", () => {
  for (const cluster of ["fritz", "alex", "woody", "nope", "FRITZ"]) {
    check(cluster, (kind) => allocatedNodes(ctx(kind, ADMIN), cluster), {
      model: (result) => {
        const hosts = new Map<string, Set<string>>();
        for (const job of JOBS.filter((j) => j.cluster === cluster && j.jobState === "running")) {
          for (const h of job.hosts) hosts.set(job.subCluster, (hosts.get(job.subCluster) ?? new Set()).add(h));
        }
        const expected = [...hosts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, set]) => ({ name, count: set.size }));
        expect(result).toEqual(expected);
      },
    });
  }
});

describe("concurrentJobs", () => {
  const view = (result: (ConcurrentJobs | null)[]) => result;
  for (const [who, user] of Object.entries(USERS_ASKING)) {
    check(
      `of every job as ${who}, in one call`,
      async (kind) => {
        const c = ctx(kind, user);
        const jobs = (await listJobs(c, { page: ALL_PAGE, order: { field: "id", order: "ASC" } })).items;
        return concurrentJobs(c, jobs);
      },
      {
        view,
        model: (result) => {
          const expected = concurrentModel(user, matching(user, []).sort((a, b) => a.id - b.id));
          expect(result.map((r) => (r ? { ids: r.items.map((i) => i.id) } : null))).toEqual(expected);
          for (const r of result) if (r) expect(r.count).toBe(r.items.length);
        },
      },
    );
  }
  check(
    "of the crafted jobs on f0170/f0171",
    async (kind) => {
      const c = ctx(kind, ADMIN);
      const jobs = (await listJobs(c, { filters: [{ jobId: { startsWith: "60000" } }], page: ALL_PAGE, order: { field: "id", order: "ASC" } })).items;
      return concurrentJobs(c, jobs);
    },
    {
      model: (result) => {
        // Job 301 (f0170, 7200 s): 302 starts during it, 303 ends during it, 304 spans it, 306 starts with it
        // but ends during it, 307 (exclusive itself) starts during it; 305 starts in the end slack.
        const crafted = JOBS.filter((j) => j.jobId >= 6_000_000).sort((a, b) => a.id - b.id);
        expect(result.map((r) => (r ? { ids: r.items.map((i) => i.id) } : null))).toEqual(concurrentModel(ADMIN, crafted));
        expect(result[0]?.items.map((i) => i.id)).toEqual([302, 303, 304, 306, 307]);
        expect(result[0]?.listQuery).toBe(`cluster=fritz&jobId=6000001&jobId=6000002&jobId=6000003&jobId=6000005&jobId=6000006`);
      },
    },
  );
  // A job list may have up to 1000 rows (MAX_ITEMS_PER_PAGE), and the loader asks for all of them at once.
  check(
    "for a page of 300 shared jobs in one call",
    async (kind) => {
      // Copies of job 301 under other ids: 301 itself does not overlap them (it starts with them and ends with them).
      const template = jobModel(JOBS.find((j) => j.id === 301)!);
      const page = Array.from({ length: 300 }, (_, k): Job => ({ ...template, id: 100_000 + k }));
      return (await concurrentJobs(ctx(kind, ADMIN), page)).map((r) => r && r.items.map((i) => i.id));
    },
    { model: (result) => expect(result).toEqual(Array.from({ length: 300 }, () => [302, 303, 304, 306, 307])) },
  );
});

// ---------------------------------------------------------------------------------------------------

describe("getVisibleJob", () => {
  for (const [who, user] of Object.entries(USERS_ASKING)) {
    for (const id of [1, 43, 306, "17", 9999, "abc", "12 OR 1=1"]) {
      check(`${JSON.stringify(id)} as ${who}`, (kind) => outcome(getVisibleJob(ctx(kind, user), id)), {
        model: (result) => {
          const job = typeof id === "number" || /^\d+$/.test(id) ? JOBS.find((j) => j.id === Number(id)) : undefined;
          if (job && visible(user, job)) expect(result).toEqual(jobModel(job));
          else expect(result).toHaveProperty("error");
        },
      });
    }
  }
});

describe("tags", () => {
  check("listTags", (kind) => listTags(ctx(kind, ALICE)), {
    model: (result) =>
      expect(result).toEqual(
        [...TAGS]
          .sort((a, b) => (a.tagType < b.tagType ? -1 : a.tagType > b.tagType ? 1 : a.tagName < b.tagName ? -1 : 1))
          .map((t) => ({ id: t.id, type: t.tagType, name: t.tagName })),
      ),
  });
  check("the tagsOfJob loader", (kind) => loaders(ctx(kind, ADMIN)).tagsOfJob.loadMany([1, 6, 16, 31, 2, 9999]), {
    model: (result) =>
      expect(result).toEqual(
        [1, 6, 16, 31, 2, 9999].map((id) =>
          TAGS.filter((t) => JOBS.find((j) => j.id === id)?.tagIds.includes(t.id)).map((t) => ({ id: t.id, tagType: t.tagType, tagName: t.tagName, insertTs: null })),
        ),
      ),
  });
  check("the user loader", (kind) => loaders(ctx(kind, ADMIN)).user.loadMany(["alice", "o'neil", "nobody", "user_1"]), {
    model: (result) => expect(result.map((u) => (u && !(u instanceof Error) ? u.name : u))).toEqual(["Alice Liddell", "Shaquille O'Neal", null, ""]),
  });
});

describe("REST reads (Prisma)", () => {
  for (const [who, user] of Object.entries(USERS_ASKING)) {
    check(`findJobs as ${who}`, async (kind) => {
      const { jobs } = await findJobs(ctx(kind, user), { filter: { states: ["running", "completed"], cluster: "fritz" }, page: { itemsPerPage: 1000, page: 1 }, withMetadata: true });
      return jobs;
    }, {
      model: (result) => expect(ids(result)).toEqual(ids(matching(user, [{ state: ["running", "completed"] }, { cluster: { eq: "fritz" } }]).sort(byDefaultOrder))),
    });
    check(`getJob 16 as ${who}`, (kind) => outcome(getJob(ctx(kind, user), 16)));
  }
});

// ---------------------------------------------------------------------------------------------------
// Names that differ only in case are different users and projects, as on SQLite (and in the
// archive's file paths): a user must not see the jobs of another whose name differs only in case.

const CASED_JOBS = [
  { user: "alice", project: "proj" },
  { user: "alice", project: "Proj" },
  { user: "Alice", project: "proj" },
  { user: "ALICE", project: "PROJ" },
  { user: "Alice", project: "Proj" },
].map(({ user, project }, k): SeedJob => ({
  ...rowOf(JOBS[1]!),
  id: k + 1,
  jobId: 9_000_000 + k,
  user,
  project,
  numNodes: k + 1,
  duration: (k + 1) * HOUR,
}));

async function seedCased(e: Engine): Promise<void> {
  await e.prisma.job.createMany({
    data: CASED_JOBS.map((row) => ({ ...row, jobId: BigInt(row.jobId), startTime: BigInt(row.startTime), arrayJobId: row.arrayJobId === null ? null : BigInt(row.arrayJobId) })),
  });
}

describe("user and project names that differ only in case", () => {
  const casedCtx = (kind: EngineKind, user: AuthUser) => cased[kind].context(user);
  check("a user sees only the jobs of exactly their name", async (kind) => ids((await listJobs(casedCtx(kind, ALICE), { page: ALL_PAGE, order: { field: "id", order: "ASC" } })).items), {
    model: (result) => expect(result).toEqual([1, 2]),
  });
  check("a manager sees only the projects of exactly their names", async (kind) => ids((await listJobs(casedCtx(kind, { ...MANAGER, projects: ["Proj"] }), { page: ALL_PAGE, order: { field: "id", order: "ASC" } })).items), {
    model: (result) => expect(result).toEqual([2, 5]),
  });
  check("user.eq and project.in compare exactly", async (kind) => {
    const c = casedCtx(kind, ADMIN);
    return [await countJobs(c, [{ user: { eq: "Alice" } }]), await countJobs(c, [{ project: { in: ["PROJ"] } }]), await countJobs(c, [{ user: { neq: "alice" } }])];
  }, { model: (result) => expect(result).toEqual([2, 1, 3]) });
  check("user.contains is case-insensitive all the same", (kind) => countJobs(casedCtx(kind, ADMIN), [{ user: { contains: "alice" } }]), {
    model: (result) => expect(result).toBe(5),
  });
  check("jobsStatistics keeps them apart", async (kind) => (await jobsStatistics(casedCtx(kind, ADMIN), { groupBy: "USER" })).map((s) => [s.id, s.totalJobs, s.totalNodeHours]), {
    model: (result) => expect(result).toEqual([["ALICE", 1, 16], ["Alice", 2, 9 + 25], ["alice", 2, 1 + 4]]),
  });
  check("jobsCount keeps them apart", (kind) => jobsCount(casedCtx(kind, ADMIN), { groupBy: "PROJECT", weight: "NODE_COUNT" }), {
    model: (result) => expect(result).toEqual([{ name: "Proj", count: 7 }, { name: "PROJ", count: 4 }, { name: "proj", count: 4 }]),
  });
});
