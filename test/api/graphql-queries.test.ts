import { beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../src/db/generated/prisma/client.ts";
import { issueToken } from "../../src/auth/jwt.ts";
import { testKeys } from "../helpers/app.ts";
import { startRestApp, type RestApp } from "../helpers/rest.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * GraphQL semantics against cc-backend v1.0: every JobFilter field, ordering, paging, statistics,
 * counts, mutations and bad input, on a generated set of jobs whose expected answers are computed
 * here in JavaScript, independently of the SQL.
 */

const dir = tempDir();
let app: RestApp;
const admin = () => issueToken(testKeys, { username: "root", roles: ["admin"] });
const NOW = Math.floor(Date.now() / 1000);

interface TestJob {
  id: number;
  jobId: number;
  user: string;
  project: string;
  cluster: string;
  partition: string;
  startTime: number;
  duration: number;
  jobState: string;
  numNodes: number;
  numHWThreads: number;
  numAcc: number;
  exclusive: number;
  arrayJobId: number;
  jobName: string;
  hosts: string[];
  flopsAnyAvg: number;
  memUsedMax: number;
  tags: number[];
}

let jobs: TestJob[] = [];
let tagIds: Record<string, number> = {};

/** A small deterministic generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

const STATES = ["completed", "completed", "completed", "failed", "cancelled", "timeout", "running"];
const NAMES = ["gromacs_md", "lammps-run", "vasp", "100%_done", "my_job", "openfoam"];

async function generate(): Promise<void> {
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const rows: Prisma.JobUncheckedCreateInput[] = [];
  for (let i = 0; i < 600; i++) {
    const cluster = i % 3 === 0 ? "alex" : "fritz";
    const jobState = pick(STATES);
    const numNodes = pick([1, 1, 1, 2, 4, 8, 16]);
    const hosts = Array.from({ length: numNodes }, (_, n) => `${cluster[0]}${String((i * 7 + n) % 50).padStart(4, "0")}`);
    // Running jobs started a whole number of hours plus 20 minutes ago: seconds of test time do not change a rounded hour.
    const startTime = jobState === "running" ? NOW - (Math.floor(next() * 30) * 3600 + 1200) : NOW - 86400 * 30 + i * 3000;
    const duration = jobState === "running" ? 0 : Math.floor(next() * 40) * 900 + 60;
    const row: TestJob = {
      id: 0,
      jobId: 5_000_000 + i,
      user: `u${Math.floor(next() * 8)}`,
      project: `p${i % 5}`,
      cluster,
      partition: pick(["main", "devel", "gpu"]),
      startTime,
      duration,
      jobState,
      numNodes,
      numHWThreads: numNodes * pick([8, 72]),
      numAcc: cluster === "alex" ? numNodes * pick([0, 4, 8]) : 0,
      exclusive: pick([0, 1]),
      arrayJobId: pick([0, 0, 77, 78]),
      jobName: `${pick(NAMES)}_${i % 13}`,
      hosts,
      flopsAnyAvg: Math.round(next() * 1000) / 10,
      memUsedMax: Math.round(next() * 500) / 10,
      tags: [],
    };
    jobs.push(row);
    rows.push({
      jobId: BigInt(row.jobId),
      cluster,
      subCluster: "main",
      startTime: BigInt(startTime),
      user: row.user,
      project: row.project,
      partition: row.partition,
      arrayJobId: BigInt(row.arrayJobId),
      duration,
      walltime: 86400,
      jobState,
      metaData: JSON.stringify({ jobName: row.jobName, slurmInfo: "gromacs everywhere" }),
      resources: JSON.stringify(hosts.map((hostname) => ({ hostname, hwthreads: [0, 1] }))),
      numNodes,
      numHWThreads: row.numHWThreads,
      numAcc: row.numAcc,
      exclusive: row.exclusive,
      monitoringStatus: jobState === "running" ? 1 : 3,
      flopsAnyAvg: row.flopsAnyAvg,
      memUsedMax: row.memUsedMax,
    });
  }
  await app.prisma.job.createMany({ data: rows });
  const stored = await app.prisma.job.findMany({ select: { id: true, jobId: true }, orderBy: { id: "asc" } });
  const idOf = new Map(stored.map((s) => [Number(s.jobId), s.id]));
  for (const job of jobs) job.id = idOf.get(job.jobId)!;
  for (const [type, name] of [["app", "gromacs"], ["issue", "lowflops"], ["app", "vasp"]] as const) {
    tagIds[`${type}:${name}`] = (await app.prisma.tag.create({ data: { tagType: type, tagName: name } })).id;
  }
  for (const job of jobs.filter((_, i) => i % 7 === 0)) {
    const ids = job.jobId % 2 === 0 ? [tagIds["app:gromacs"]!] : [tagIds["app:gromacs"]!, tagIds["issue:lowflops"]!];
    await app.prisma.jobTag.createMany({ data: ids.map((tagId) => ({ jobId: job.id, tagId })) });
    job.tags = ids;
  }
  await app.prisma.user.createMany({
    data: [
      { username: "u1", name: "User One", email: "one@example.org", roles: '["user"]' },
      { username: "u2", name: "User Two", roles: '["user"]' },
      { username: "root", name: "Root", roles: '["admin"]' },
      { username: "u5", name: "Manager Five", roles: '["manager"]', projects: '["p3"]' },
    ],
  });
}

beforeAll(async () => {
  app = await startRestApp(dir);
  jobs = [];
  tagIds = {};
  await generate();
});

interface GraphqlAnswer<T> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
  text: string;
}

async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token: string | Promise<string> = admin()): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${app.url}/query`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { data?: T; errors?: GraphqlAnswer<T>["errors"] };
  return { status: response.status, data: body.data ?? undefined, errors: body.errors, text };
}

const IDS = `query($filter: [JobFilter!], $order: OrderByInput, $page: PageRequest) {
  jobs(filter: $filter, order: $order, page: $page) { count items { id } }
}`;

async function idsOf(filter: object[], order?: object): Promise<{ ids: number[]; count: number }> {
  const answer = await gql<{ jobs: { count: number; items: { id: string }[] } }>(IDS, { filter, order, page: { itemsPerPage: 1000, page: 1 } });
  expect(answer.errors, answer.text).toBeUndefined();
  return { ids: answer.data!.jobs.items.map((j) => Number(j.id)), count: answer.data!.jobs.count };
}

const elapsed = (job: TestJob, now = Math.floor(Date.now() / 1000)) => (job.jobState === "running" ? now - job.startTime : job.duration);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

async function expectFilter(filter: object[], predicate: (job: TestJob) => boolean): Promise<void> {
  const expected = jobs.filter(predicate).map((j) => j.id);
  const { ids, count } = await idsOf(filter);
  expect(sorted(ids)).toEqual(sorted(expected));
  expect(count).toBe(expected.length);
}

describe("JobFilter: every field, as cc-backend v1.0", () => {
  it("has generated a mix worth filtering", () => {
    expect(jobs).toHaveLength(600);
    expect(new Set(jobs.map((j) => j.jobState)).size).toBeGreaterThan(4);
  });

  it("StringInput on user, project, cluster, partition: eq, neq, contains, startsWith, endsWith, in", async () => {
    await expectFilter([{ user: { eq: "u3" } }], (j) => j.user === "u3");
    await expectFilter([{ user: { neq: "u3" } }], (j) => j.user !== "u3");
    await expectFilter([{ project: { in: ["p1", "p4"] } }], (j) => ["p1", "p4"].includes(j.project));
    await expectFilter([{ project: { in: [] } }], () => false);
    await expectFilter([{ cluster: { startsWith: "fr" } }], (j) => j.cluster.startsWith("fr"));
    await expectFilter([{ partition: { endsWith: "vel" } }], (j) => j.partition.endsWith("vel"));
    await expectFilter([{ partition: { contains: "p" } }], (j) => j.partition.includes("p"));
  });

  it("jobId as text (equal, prefix), arrayJobId, exclusive", async () => {
    await expectFilter([{ jobId: { eq: "5000042" } }], (j) => j.jobId === 5_000_042);
    await expectFilter([{ jobId: { startsWith: "500010" } }], (j) => String(j.jobId).startsWith("500010"));
    await expectFilter([{ arrayJobId: 77 }], (j) => j.arrayJobId === 77);
    await expectFilter([{ exclusive: 0 }], (j) => j.exclusive === 0);
  });

  it("jobName matches the name in metaData only, and LIKE wildcards in the input are literal", async () => {
    await expectFilter([{ jobName: { contains: "gromacs" } }], (j) => j.jobName.includes("gromacs"));
    await expectFilter([{ jobName: { contains: "100%" } }], (j) => j.jobName.includes("100%"));
    await expectFilter([{ jobName: { contains: "y_j" } }], (j) => j.jobName.includes("y_j"));
    await expectFilter([{ jobName: { eq: "vasp_3" } }], (j) => j.jobName === "vasp_3");
    await expectFilter([{ jobName: { startsWith: "lammps" } }], (j) => j.jobName.startsWith("lammps"));
  });

  it("node matches host names, exactly or in part", async () => {
    await expectFilter([{ node: { eq: "f0012" } }], (j) => j.hosts.includes("f0012"));
    await expectFilter([{ node: { contains: "a001" } }], (j) => j.hosts.some((h) => h.includes("a001")));
  });

  it("ranges: numNodes, numHWThreads, numAccelerators, flopsAnyAvg, memUsedMax, startTime", async () => {
    await expectFilter([{ numNodes: { from: 2, to: 8 } }], (j) => j.numNodes >= 2 && j.numNodes <= 8);
    await expectFilter([{ numHWThreads: { from: 100, to: 10_000 } }], (j) => j.numHWThreads >= 100);
    await expectFilter([{ numAccelerators: { from: 1, to: 64 } }], (j) => j.numAcc >= 1 && j.numAcc <= 64);
    await expectFilter([{ flopsAnyAvg: { from: 10.5, to: 50 } }], (j) => j.flopsAnyAvg >= 10.5 && j.flopsAnyAvg <= 50);
    await expectFilter([{ memUsedMax: { from: 0, to: 5.5 } }], (j) => j.memUsedMax <= 5.5);
    const from = NOW - 86400 * 20;
    const to = NOW - 86400 * 10;
    await expectFilter([{ startTime: { from: new Date(from * 1000).toISOString(), to: new Date(to * 1000).toISOString() } }], (j) => j.startTime >= from && j.startTime <= to);
    await expectFilter([{ startTime: { from: new Date(from * 1000).toISOString() } }], (j) => j.startTime >= from);
  });

  it("duration counts the time a running job has run so far; minRunningFor keeps finished jobs", async () => {
    await expectFilter([{ duration: { from: 7200, to: 36000 } }], (j) => elapsed(j) >= 7200 && elapsed(j) <= 36000);
    await expectFilter([{ minRunningFor: 3600 * 10 }], (j) => j.jobState !== "running" || elapsed(j) > 36000);
  });

  it("state and tags (any of the given tags, each job once)", async () => {
    await expectFilter([{ state: ["running", "failed"] }], (j) => j.jobState === "running" || j.jobState === "failed");
    await expectFilter([{ tags: [String(tagIds["app:gromacs"]), String(tagIds["issue:lowflops"])] }], (j) => j.tags.length > 0);
    await expectFilter([{ tags: [String(tagIds["issue:lowflops"])] }], (j) => j.tags.includes(tagIds["issue:lowflops"]!));
  });

  it("several filters (and several fields in one filter) must all hold", async () => {
    await expectFilter([{ cluster: { eq: "alex" } }, { state: ["completed"], numNodes: { from: 1, to: 1 } }], (j) => j.cluster === "alex" && j.jobState === "completed" && j.numNodes === 1);
  });

  it("SQL in a filter value is only ever data", async () => {
    await expectFilter([{ user: { eq: "u1' OR '1'='1" } }], () => false);
    await expectFilter([{ jobName: { contains: "'; DROP TABLE job; --" } }], () => false);
    expect(await app.prisma.job.count()).toBe(600);
  });
});

describe("ordering and paging", () => {
  it("orders by any job column in both directions, ties broken by id", async () => {
    const { ids } = await idsOf([], { field: "duration", order: "ASC" });
    const expected = [...jobs].sort((a, b) => a.duration - b.duration || a.id - b.id).map((j) => j.id);
    expect(ids).toEqual(expected);
    const byNodes = await idsOf([{ cluster: { eq: "alex" } }], { field: "numNodes", order: "DESC" });
    expect(byNodes.ids).toEqual(jobs.filter((j) => j.cluster === "alex").sort((a, b) => b.numNodes - a.numNodes || b.id - a.id).map((j) => j.id));
    // cc-backend snake-cased the field name; those names work too.
    expect((await idsOf([], { field: "start_time", order: "DESC" })).ids[0]).toBe([...jobs].sort((a, b) => b.startTime - a.startTime || b.id - a.id)[0]!.id);
  });

  it("pages do not overlap and together give every job", async () => {
    const seen: number[] = [];
    for (let page = 1; page <= 4; page++) {
      const answer = await gql<{ jobs: { items: { id: string }[]; offset: number; limit: number } }>(IDS, { order: { field: "startTime", order: "DESC" }, page: { itemsPerPage: 200, page } });
      seen.push(...answer.data!.jobs.items.map((j) => Number(j.id)));
    }
    expect(seen).toHaveLength(600);
    expect(new Set(seen).size).toBe(600);
  });
});

describe("jobsStatistics and jobsCount", () => {
  const STATS = `query($filter: [JobFilter!], $groupBy: Aggregate) {
    jobsStatistics(filter: $filter, groupBy: $groupBy) { id name totalJobs runningJobs shortJobs totalWalltime totalNodeHours totalCoreHours totalAccHours }
  }`;

  function expectedTotals(list: TestJob[], now: number) {
    const hours = (f: (j: TestJob) => number) => Math.round(list.reduce((sum, j) => sum + f(j), 0) / 3600);
    return {
      totalJobs: list.length,
      runningJobs: list.filter((j) => j.jobState === "running").length,
      shortJobs: list.filter((j) => j.jobState !== "running" && j.duration < 300).length,
      totalWalltime: hours((j) => elapsed(j, now)),
      totalNodeHours: hours((j) => elapsed(j, now) * j.numNodes),
      totalCoreHours: hours((j) => elapsed(j, now) * j.numHWThreads),
      totalAccHours: hours((j) => elapsed(j, now) * j.numAcc),
    };
  }

  it("totals over all jobs: counts, short and running jobs, walltime and node/core/accelerator hours", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await gql(STATS, { filter: [] });
    expect(answer.errors, answer.text).toBeUndefined();
    expect(answer.data.jobsStatistics).toEqual([{ id: "", name: "", ...expectedTotals(jobs, now) }]);
  });

  it("grouped by user (with the user's name, '-' when unknown) and by cluster", async () => {
    const now = Math.floor(Date.now() / 1000);
    const answer = await gql(STATS, { filter: [{ state: ["completed", "failed"] }], groupBy: "USER" });
    const users = [...new Set(jobs.map((j) => j.user))].sort();
    const finished = jobs.filter((j) => j.jobState === "completed" || j.jobState === "failed");
    const names: Record<string, string> = { u1: "User One", u2: "User Two", u5: "Manager Five" };
    expect(answer.data.jobsStatistics).toEqual(
      users.filter((u) => finished.some((j) => j.user === u)).map((u) => ({ id: u, name: names[u] ?? "-", ...expectedTotals(finished.filter((j) => j.user === u), now) })),
    );
    const byCluster = await gql(STATS, { groupBy: "CLUSTER", filter: [{ state: ["completed"] }] });
    expect(byCluster.data.jobsStatistics.map((s: { id: string; totalJobs: number }) => [s.id, s.totalJobs])).toEqual(
      ["alex", "fritz"].map((c) => [c, jobs.filter((j) => j.cluster === c && j.jobState === "completed").length]),
    );
  });

  it("histograms of duration (rounded hours) and node count, only computed when asked for", async () => {
    const query = `query($filter: [JobFilter!]) { jobsStatistics(filter: $filter) { totalJobs histDuration { count value } histNumNodes { count value } } }`;
    const finished = jobs.filter((j) => j.jobState !== "running" && j.cluster === "fritz");
    const answer = await gql(query, { filter: [{ cluster: { eq: "fritz" } }, { state: ["completed", "failed", "cancelled", "timeout"] }] });
    const histogram = (values: number[]) => [...new Set(values)].sort((a, b) => a - b).map((value) => ({ value, count: values.filter((v) => v === value).length }));
    const [stats] = answer.data.jobsStatistics;
    expect(stats.histDuration).toEqual(histogram(finished.map((j) => Math.round(j.duration / 3600))));
    expect(stats.histNumNodes).toEqual(histogram(finished.map((j) => j.numNodes)));
    // With running jobs: they count in the hour they have reached so far.
    const all = await gql(query, { filter: [] });
    expect(all.data.jobsStatistics[0].histDuration).toEqual(histogram(jobs.map((j) => Math.round(elapsed(j) / 3600))));
    const byUser = await gql(`{ jobsStatistics(groupBy: USER) { id histDuration { count value } } }`);
    const u3 = jobs.filter((j) => j.user === "u3");
    expect(byUser.data.jobsStatistics.find((s: { id: string }) => s.id === "u3").histDuration).toEqual(histogram(u3.map((j) => Math.round(elapsed(j) / 3600))));
  });

  it("jobsCount: the top groups by jobs, node count or node hours, limited", async () => {
    const query = `query($weight: Weights, $limit: Int) { jobsCount(filter: [{ state: ["completed"] }], groupBy: PROJECT, weight: $weight, limit: $limit) { name count } }`;
    const done = jobs.filter((j) => j.jobState === "completed");
    const top = (value: (j: TestJob) => number) =>
      [...new Set(done.map((j) => j.project))]
        .map((name) => ({ name, count: done.filter((j) => j.project === name).reduce((s, j) => s + value(j), 0) }))
        .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    expect((await gql(query, {})).data.jobsCount).toEqual(top(() => 1));
    expect((await gql(query, { weight: "NODE_COUNT", limit: 2 })).data.jobsCount).toEqual(top((j) => j.numNodes).slice(0, 2));
    const hours = top((j) => j.numNodes * j.duration).map((g) => ({ name: g.name, count: Math.round(g.count / 3600) }));
    expect((await gql(query, { weight: "NODE_HOURS", limit: 3 })).data.jobsCount).toEqual(hours.slice(0, 3));
  });
});

describe("visibility", () => {
  it("a user sees only their own jobs in lists, counts and statistics; a manager also their projects'", async () => {
    const user = issueToken(testKeys, { username: "u2", roles: ["user"] });
    const list = await gql(IDS, { page: { itemsPerPage: 1000, page: 1 } }, user);
    expect(sorted(list.data.jobs.items.map((j: { id: string }) => Number(j.id)))).toEqual(sorted(jobs.filter((j) => j.user === "u2").map((j) => j.id)));
    const stats = await gql(`{ jobsStatistics { totalJobs } }`, {}, user);
    expect(stats.data.jobsStatistics[0].totalJobs).toBe(jobs.filter((j) => j.user === "u2").length);
    const manager = issueToken(testKeys, { username: "u5", roles: ["manager"] });
    const managed = await gql(`{ jobs(page: { itemsPerPage: 1000, page: 1 }) { count } }`, {}, manager);
    expect(managed.data.jobs.count).toBe(jobs.filter((j) => j.user === "u5" || j.project === "p3").length);
  });

  it("a job of someone else is not found, and its existence not revealed", async () => {
    const user = issueToken(testKeys, { username: "u2", roles: ["user"] });
    const other = jobs.find((j) => j.user !== "u2")!;
    const answer = await gql(`query($id: ID!) { job(id: $id) { id } }`, { id: String(other.id) }, user);
    expect(answer.data?.job ?? null).toBeNull();
    expect(answer.errors![0]!.message).toBe(`job ${other.id} does not exist or you are not allowed to see it`);
  });
});

describe("one job: tags, user data, concurrent jobs", () => {
  it("answers cc-backend's job view query", async () => {
    const job = jobs.find((j) => j.tags.length === 2 && j.user === "u1") ?? jobs.find((j) => j.tags.length === 2)!;
    const answer = await gql(
      `query($id: ID!) { job(id: $id) { id jobId user state numNodes tags { id type name } resources { hostname } metaData userData { name email } concurrentJobs { items { id jobId } count listQuery } } }`,
      { id: String(job.id) },
    );
    expect(answer.errors, answer.text).toBeUndefined();
    const found = answer.data.job;
    expect(found.jobId).toBe(job.jobId);
    expect(found.tags.map((t: { name: string }) => t.name)).toEqual(["gromacs", "lowflops"]);
    expect(found.resources.map((r: { hostname: string }) => r.hostname)).toEqual(job.hosts);
    expect(found.metaData).toEqual({ jobName: job.jobName, slurmInfo: "gromacs everywhere" });
    expect(found.userData).toEqual(job.user === "u1" ? { name: "User One", email: "one@example.org" } : null);
  });

  it("concurrentJobs: shared jobs on the same first host that overlap in time, as cc-backend finds them", async () => {
    // Two shared jobs on one host overlapping by an hour, one exclusive, one that ended before.
    const base = NOW - 86400 * 90;
    const make = (jobId: number, start: number, duration: number, exclusive: number) => ({
      jobId: BigInt(jobId), cluster: "fritz", subCluster: "main", startTime: BigInt(start), user: "u7", project: "p0", duration, walltime: 86400,
      jobState: "completed", resources: JSON.stringify([{ hostname: "f9999" }]), numNodes: 1, exclusive, monitoringStatus: 3,
    });
    await app.prisma.job.createMany({
      data: [make(9_000_001, base, 7200, 0), make(9_000_002, base + 3600, 7200, 0), make(9_000_003, base + 600, 1200, 1), make(9_000_004, base - 9000, 3600, 0)],
    });
    const id = (await app.prisma.job.findFirst({ where: { jobId: 9_000_001n } }))!.id;
    const answer = await gql(`query($id: ID!) { job(id: $id) { concurrentJobs { items { jobId } count listQuery } } }`, { id: String(id) });
    expect(answer.data.job.concurrentJobs).toEqual({ items: [{ jobId: 9_000_002 }, { jobId: 9_000_003 }], count: 2, listQuery: "cluster=fritz&jobId=9000002&jobId=9000003" });
    const exclusive = (await app.prisma.job.findFirst({ where: { jobId: 9_000_003n } }))!.id;
    expect((await gql(`query($id: ID!) { job(id: $id) { concurrentJobs { count } } }`, { id: String(exclusive) })).data.job.concurrentJobs).toBeNull();
    await app.prisma.job.deleteMany({ where: { jobId: { gte: 9_000_001n } } });
  });

  it("a page of jobs costs the same number of queries with 10 rows as with 200 (no N+1)", async () => {
    const query = `query($page: PageRequest) { jobs(page: $page, filter: [{ state: ["completed", "failed"] }]) { items { id tags { name } userData { name } concurrentJobs { count } } } }`;
    const reader = app.services.reader!;
    const cost = async (itemsPerPage: number) => {
      const before = reader.statementCount;
      const answer = await gql(query, { page: { itemsPerPage, page: 1 } });
      expect(answer.errors, answer.text).toBeUndefined();
      expect(answer.data.jobs.items).toHaveLength(itemsPerPage);
      return reader.statementCount - before;
    };
    await cost(10); // fills the cached bound of concurrentJobs
    const small = await cost(10);
    const large = await cost(200);
    expect(large).toBe(small);
    // The list, the tags, the concurrent jobs; user data is one Prisma query besides.
    expect(large).toBe(3);
  });
});

describe("mutations", () => {
  it("createTag (idempotent), addTagsToJob, removeTagsFromJob, deleteTag; tags lists them", async () => {
    const job = jobs.find((j) => j.tags.length === 0 && j.user === "u1")!;
    const created = await gql(`mutation { createTag(type: "app", name: "cp2k") { id type name } }`);
    expect(created.data.createTag).toMatchObject({ type: "app", name: "cp2k" });
    const again = await gql(`mutation { createTag(type: "app", name: "cp2k") { id } }`);
    expect(again.data.createTag.id).toBe(created.data.createTag.id);
    const tag = created.data.createTag.id;
    const added = await gql(`mutation($job: ID!, $tags: [ID!]!) { addTagsToJob(job: $job, tagIds: $tags) { name } }`, { job: String(job.id), tags: [tag] });
    expect(added.data.addTagsToJob).toEqual([{ name: "cp2k" }]);
    expect((await gql(`{ tags { type name } }`)).data.tags).toContainEqual({ type: "app", name: "cp2k" });
    const removed = await gql(`mutation($job: ID!, $tags: [ID!]!) { removeTagsFromJob(job: $job, tagIds: $tags) { name } }`, { job: String(job.id), tags: [tag] });
    expect(removed.data.removeTagsFromJob).toEqual([]);
    const user = issueToken(testKeys, { username: "u1", roles: ["user"] });
    const refused = await gql(`mutation($id: ID!) { deleteTag(id: $id) }`, { id: tag }, user);
    expect(refused.errors![0]!.message).toBe("only admins may delete tags");
    expect((await gql(`mutation($id: ID!) { deleteTag(id: $id) }`, { id: tag })).data.deleteTag).toBe(tag);
    expect((await gql(`{ tags { name } }`)).data.tags).not.toContainEqual({ name: "cp2k" });
  });

  it("refuses invalid tags, unknown tag ids and other users' jobs", async () => {
    expect((await gql(`mutation { createTag(type: "<script>", name: "x") { id } }`)).errors![0]!.message).toMatch(/^invalid tag type/);
    const job = jobs.find((j) => j.user === "u3")!;
    expect((await gql(`mutation($job: ID!) { addTagsToJob(job: $job, tagIds: ["999999"]) { id } }`, { job: String(job.id) })).errors![0]!.message).toBe("tag 999999 does not exist");
    const user = issueToken(testKeys, { username: "u1", roles: ["user"] });
    const answer = await gql(`mutation($job: ID!, $tag: ID!) { addTagsToJob(job: $job, tagIds: [$tag]) { id } }`, { job: String(job.id), tag: String(tagIds["app:vasp"]) }, user);
    expect(answer.errors![0]!.message).toBe(`job ${job.id} does not exist`);
  });

  it("updateConfiguration stores a setting of the calling user", async () => {
    const user = issueToken(testKeys, { username: "u1", roles: ["user"] });
    const answer = await gql(`mutation { updateConfiguration(name: "plot_list_jobsPerPage", value: "25") }`, {}, user);
    expect(answer.errors, answer.text).toBeUndefined();
    expect(await app.prisma.configuration.findUnique({ where: { username_confkey: { username: "u1", confkey: "plot_list_jobsPerPage" } } })).toMatchObject({ value: "25" });
  });
});

describe("bad input: a clear GraphQL error, never a 5xx or a stack trace", () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ["unknown field", `{ jobs { items { nope } } }`, {}, /Cannot query field "nope" on type "Job"/],
    ["invalid enum value", `{ jobsStatistics(groupBy: PLANET) { totalJobs } }`, {}, /Value "PLANET" does not exist in "Aggregate" enum/],
    ["huge itemsPerPage", IDS, { page: { itemsPerPage: 1_000_000, page: 1 } }, /itemsPerPage must be between 1 and 1000/],
    ["negative page", IDS, { page: { itemsPerPage: 10, page: -1 } }, /page must be a positive integer/],
    ["unknown order field", IDS, { order: { field: "1; DROP TABLE job", order: "ASC" } }, /cannot order jobs by "1; DROP TABLE job"/],
    ["invalid job state", IDS, { filter: [{ state: ["exploded"] }] }, /JobState must be one of/],
    ["too many values in a list", IDS, { filter: [{ user: { in: Array.from({ length: 5000 }, (_, i) => `x${i}`) } }] }, /at most 1000 are allowed/],
    ["unknown metric", `{ jobMetrics(id: "1", metrics: ["no_such_metric"]) { name } }`, {}, /unknown metric "no_such_metric"|does not exist/],
    ["bad metric scope", `{ jobMetrics(id: "1", scopes: ["planet"]) { name } }`, {}, /MetricScope must be one of/],
    ["too many aliases", `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: tags { id }`).join(" ")} }`, {}, /aliases/i],
    ["analysis of too many jobs", `{ jobsFootprints(metrics: ["flops_any"]) { nodehours } }`, {}, /too many jobs matched \(max: 500\)/],
    ["roofline with a zero axis", `{ rooflineHeatmap(filter: [], rows: 10, cols: 10, minX: 0, minY: 1, maxX: 10, maxY: 10) }`, {}, /positive numbers/],
  ];
  for (const [name, query, variables, message] of cases) {
    it(name, async () => {
      const answer = await gql(query, variables);
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toMatch(/\s+at\s.+\.(ts|js):\d+/);
      expect(answer.errors?.[0]?.message, answer.text).toMatch(message);
    });
  }

  it("a query deeper than the limit is refused before it runs", async () => {
    let nested = "id";
    for (let i = 0; i < 12; i++) nested = `tags { ${nested} }`;
    const answer = await gql(`{ ${nested} }`);
    expect(answer.status).toBeLessThan(500);
    expect(answer.errors?.[0]?.message).toMatch(/depth/i);
  });
});
