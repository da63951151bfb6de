/**
 * End to end on real MariaDB and PostgreSQL servers: --migrate-db, then the server from source with
 * db-driver mysql / postgres answering the batch system's REST calls and the web UI's GraphQL, the
 * same way it does on SQLite.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { dropConnections, startMariaDb, startPostgres, type DbServer } from "../helpers/db-servers.ts";
import { fixturesDir } from "../helpers/fixtures.ts";
import { launchFromSource, runFromSource, type SourceServer } from "../helpers/source-server.ts";
import { tempDir } from "../helpers/tmp.ts";

const startPayload = JSON.parse(readFileSync(path.join(fixturesDir, "startJobPayload.json"), "utf8")) as Record<string, unknown> & { startTime: number };

const ENGINES = [
  { driver: "mysql", start: startMariaDb },
  { driver: "postgres", start: startPostgres },
] as const;

describe.each(ENGINES)("cc-backend with db-driver $driver", ({ driver, start }) => {
  const dir = tempDir(`ccb-${driver}-e2e-`);
  let db: DbServer;
  let server: SourceServer | undefined;
  const writeConfig = (dsn: string, archive = path.join(dir, "archive")) =>
    writeFileSync(
      path.join(dir, "config.json"),
      JSON.stringify({
        addr: "127.0.0.1:0",
        "db-driver": driver,
        db: dsn,
        archive: { kind: "file", path: archive },
        "disable-authentication": true,
        clusters: [{ name: "fritz", metricDataRepository: { kind: "internal" } }],
      }),
    );

  beforeAll(async () => {
    db = await start();
    const archive = await FileArchive.create(path.join(dir, "archive"));
    await archive.storeClusterConfig(JSON.parse(readFileSync(path.join(fixturesDir, "importer", "cluster-fritz.json"), "utf8")));
  }, 120_000);
  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    await db?.stop();
  });

  const call = async (method: string, pathname: string, body?: unknown) => {
    const response = await fetch(`${server!.url}${pathname}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) }).catch(
      (error: Error) => {
        throw new Error(`${method} ${pathname}: ${error.message}; the server printed:\n${server!.output().slice(-4000)}`);
      },
    );
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const { status, body } = await call("POST", "/query", { query, variables });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.errors, `${JSON.stringify(body.errors)}\n${server!.output().slice(-3000)}`).toBeUndefined();
    return body.data as Record<string, unknown>;
  };

  it("--migrate-db creates the schema on an empty database; a second run has nothing to do; the server refuses a database behind", { timeout: 120_000 }, async () => {
    const dsn = await db.createDatabase("ccb_e2e");
    writeConfig(dsn);
    const refused = await runFromSource(["--server"], dir);
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/--migrate-db/);

    const first = await runFromSource(["--migrate-db"], dir);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("applied 20230331000000_cc_backend_v1_schema");
    const second = await runFromSource(["--migrate-db"], dir);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/is up to date/);
  });

  it("answers start_job, stop_job, tag_job and delete_job, and exactly one of many identical concurrent starts", { timeout: 120_000 }, async () => {
    server = await launchFromSource(dir);
    const starts = await Promise.all(Array.from({ length: 8 }, () => call("POST", "/api/jobs/start_job/", startPayload)));
    const statuses = starts.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(starts.map((r) => r.body))).toEqual([201, 422, 422, 422, 422, 422, 422, 422]);
    const id = starts.find((r) => r.status === 201)!.body.id as number;
    expect(Number.isSafeInteger(id)).toBe(true);

    const second = await call("POST", "/api/jobs/start_job/", { ...startPayload, jobId: 123001, tags: [{ type: "queue", name: "big" }] });
    expect(second.status, JSON.stringify(second.body)).toBe(201);

    const early = await call("POST", "/api/jobs/stop_job/", { jobId: 123000, cluster: "fritz", startTime: startPayload.startTime, stopTime: startPayload.startTime - 1, jobState: "completed" });
    expect(early.status).toBe(400);
    const stopped = await call("POST", "/api/jobs/stop_job/", { jobId: 123000, cluster: "fritz", startTime: startPayload.startTime, stopTime: startPayload.startTime + 3600, jobState: "failed" });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    expect(stopped.body).toMatchObject({ id, jobId: 123000, jobState: "failed", duration: 3600 });
    const again = await call("POST", "/api/jobs/stop_job/", { jobId: 123000, cluster: "fritz", startTime: startPayload.startTime, stopTime: startPayload.startTime + 7200 });
    expect(again.status).toBe(422);

    const tagged = await call("POST", `/api/jobs/tag_job/${id}`, [{ type: "review", name: "slow io" }, { type: "queue", name: "big" }]);
    expect(tagged.status, JSON.stringify(tagged.body)).toBe(200);
    expect((tagged.body.tags as { name: string }[]).map((t) => t.name).sort()).toEqual(["big", "slow io"]);

    const listed = await call("GET", "/api/jobs/?state=running");
    expect(listed.status).toBe(200);
    expect((listed.body.jobs as { jobId: number }[]).map((j) => j.jobId)).toEqual([123001]);

    const data = await graphql(
      `query ($filter: [JobFilter!]) {
        jobs(filter: $filter, order: { field: "jobId", order: ASC }) { count items { jobId state tags { type name } } }
        jobsStatistics(filter: $filter) { totalJobs runningJobs totalWalltime }
        tags { type name }
      }`,
      { filter: [{ cluster: { eq: "fritz" } }, { jobName: { contains: "AMS_PIPE" } }] },
    );
    const jobs = data.jobs as { count: number; items: { jobId: number; state: string; tags: { name: string }[] }[] };
    expect(jobs.count).toBe(2);
    expect(jobs.items.map((j) => [j.jobId, j.state, j.tags.map((t) => t.name).sort()])).toEqual([
      [123000, "failed", ["big", "slow io"]],
      [123001, "running", ["big"]],
    ]);
    const [stats] = data.jobsStatistics as { totalJobs: number; runningJobs: number }[];
    expect(stats).toMatchObject({ totalJobs: 2, runningJobs: 1 });
    expect((data.tags as { name: string }[]).map((t) => t.name).sort()).toEqual(["big", "slow io"]);

    const deleted = await call("DELETE", `/api/jobs/delete_job/${id}`);
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    const after = await graphql(`{ jobs { count } }`);
    expect((after.jobs as { count: number }).count).toBe(1);
  });

  it("--import-job writes a finished job to the archive and the database, and refuses it the second time", { timeout: 60_000 }, async () => {
    const importer = path.join(fixturesDir, "importer");
    const spec = `${path.join(importer, "meta-fritzMinimal.input")}:${path.join(importer, "data-fritzMinimal.json")}`;
    const imported = await runFromSource(["--import-job", spec], dir);
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toMatch(/imported job 398764 on fritz/);
    const again = await runFromSource(["--import-job", spec], dir);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already exists/);
    const data = await graphql(`{ jobs(filter: [{ jobId: { eq: "398764" } }]) { items { jobId state duration numNodes } } }`);
    expect((data.jobs as { items: unknown[] }).items).toEqual([{ jobId: 398764, state: "completed", duration: 177, numNodes: 1 }]);
  });

  it("reconnects when the database drops every connection; meanwhile requests get a clear 503, never a 500", { timeout: 120_000 }, async () => {
    const before = await graphql(`{ jobs { count } }`);
    const dropped = await dropConnections(db, "ccb_e2e");
    expect(dropped).toBeGreaterThan(0);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const list = await call("POST", "/query", { query: "{ jobs { count } jobsStatistics { totalJobs } }" });
      const start = await call("POST", "/api/jobs/start_job/", { ...startPayload, jobId: 124_000 + i, startTime: startPayload.startTime + i });
      for (const answer of [list, start]) {
        statuses.push(answer.status);
        if (answer.status === 503) expect(JSON.stringify(answer.body)).toContain("database connection was lost");
        else expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
        const errors = (answer.body as { errors?: { message: string }[] }).errors;
        if (errors) expect(errors.map((e) => e.message).join()).toContain("database connection was lost");
      }
    }
    // Whatever the first requests met, the last ones are served on new connections.
    expect(statuses.slice(-4).every((status) => status < 300), JSON.stringify(statuses)).toBe(true);
    expect(((await graphql(`{ jobs { count } }`)).jobs as { count: number }).count).toBeGreaterThan((before.jobs as { count: number }).count);
  });

  it("--init-db rebuilds the job tables from an archive, with the same jobs, tags and statistics as on SQLite", { timeout: 180_000 }, async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    const archive = path.join(dir, "demo-archive");
    // 300 generated jobs and cc-backend's two example jobs.
    const generated = await runFromSource(["--generate-archive", `${archive}:300`, "--meta-only"], dir);
    expect(generated.code, generated.output).toBe(0);

    // The same archive into SQLite, for comparison.
    const sqliteDir = path.join(dir, "sqlite");
    mkdirSync(sqliteDir);
    writeFileSync(path.join(sqliteDir, "config.json"), JSON.stringify({ addr: "127.0.0.1:0", db: "./job.db", archive: { kind: "file", path: archive }, "disable-authentication": true }));
    for (const args of [["--migrate-db"], ["--init-db"]]) {
      const step = await runFromSource(args, sqliteDir);
      expect(step.code, step.output).toBe(0);
    }

    const dsn = await db.createDatabase("ccb_initdb");
    writeConfig(dsn, archive);
    expect((await runFromSource(["--migrate-db"], dir)).code).toBe(0);
    const imported = await runFromSource(["--init-db"], dir);
    expect(imported.code, imported.output).toBe(0);
    expect(imported.output).toMatch(/imported 302 jobs, skipped 0/);
    // A second run replaces the jobs rather than adding to them.
    expect((await runFromSource(["--init-db"], dir)).output).toMatch(/imported 302 jobs, skipped 0/);

    const query = `{
      jobs(page: { itemsPerPage: 1000, page: 1 }, order: { field: "startTime", order: ASC }) { count items { jobId cluster startTime duration numNodes state tags { type name } } }
      jobsStatistics(groupBy: USER) { id totalJobs totalWalltime totalNodeHours histDuration { value count } }
      tags { type name }
    }`;
    const answers: { jobs: { count: number; items: { tags: { name: string }[] }[] }; tags: unknown[] }[] = [];
    for (const where of [sqliteDir, dir]) {
      server = await launchFromSource(where);
      answers.push((await graphql(query)) as (typeof answers)[number]);
      server.child.kill("SIGTERM");
      await server.exited;
    }
    const [onSqlite, onServer] = answers;
    expect(onSqlite!.jobs.count).toBe(302);
    expect(onSqlite!.jobs.items.some((job) => job.tags.length > 0)).toBe(true);
    // Tag ids, and so the order of tags, follow the order parse workers finish in: compare tags as sets.
    const sorted = <T>(tags: T[]) => [...tags].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const sortTags = (answer: (typeof answers)[number]) => ({
      ...answer,
      jobs: { ...answer.jobs, items: answer.jobs.items.map((job) => ({ ...job, tags: sorted(job.tags) })) },
      tags: sorted(answer.tags),
    });
    expect(sortTags(onServer!)).toEqual(sortTags(onSqlite!));
  });

  it("stops with a clear error, naming the user but not the password, when the credentials are wrong", { timeout: 60_000 }, async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    const wrong = driver === "mysql" ? db.dsn.replace(`:${db.password}@`, ":not-the-password@") : db.dsn.replace(`:${encodeURIComponent(db.password)}@`, ":not-the-password@");
    expect(wrong).not.toBe(db.dsn);
    writeConfig(wrong);
    const result = await runFromSource(["--server"], dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain(`access denied for user ${db.user}`);
    expect(result.output).not.toContain("not-the-password");
  });
});
