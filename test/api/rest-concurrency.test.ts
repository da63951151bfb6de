import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";
import mariadb from "mariadb";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturesDir } from "../helpers/fixtures.ts";
import { call, startRestApp, token, type RestApp } from "../helpers/rest.ts";
import { testDatabaseLocation } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: RestApp;
let api: string;
const payload = JSON.parse(readFileSync(path.join(fixturesDir, "startJobPayload.json"), "utf8"));

beforeAll(async () => {
  app = await startRestApp(dir);
  api = await token("slurm", ["api"]);
});

const CONCURRENCY = 32;

describe("REST API under concurrent requests", () => {
  it(`${CONCURRENCY} identical start_job requests at once: exactly one 201, the others 422`, async () => {
    const body = JSON.stringify({ ...payload, jobId: 4242 });
    const responses = await Promise.all(
      Array.from({ length: CONCURRENCY }, () =>
        fetch(`${app.url}/api/jobs/start_job/`, { method: "POST", headers: { authorization: `Bearer ${api}`, "content-type": "application/json" }, body }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 422)).toHaveLength(CONCURRENCY - 1);
    expect(await app.prisma.job.count({ where: { jobId: 4242 } })).toBe(1);
  });

  it("many different starts, stops, reads and user writes at once: no errors, no 'database is locked'", async () => {
    const ids = Array.from({ length: 64 }, (_, i) => 10_000 + i);
    const starts = await Promise.all(
      ids.map((jobId, i) =>
        call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...payload, jobId, tags: [{ type: "load", name: `batch ${i % 4}` }] } }),
      ),
    );
    expect(starts.map((r) => r.status)).toEqual(ids.map(() => 201));
    const admin = await token("ada", ["admin"]);
    const mixed = await Promise.all([
      ...ids.map((jobId) => call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { jobId, cluster: "fritz", stopTime: payload.startTime + 60 } })),
      ...ids.map((_, i) => call(app, "GET", `/api/jobs/?items-per-page=10&page=${(i % 5) + 1}`, { token: api })),
      ...starts.slice(0, 16).map((s) => call(app, "POST", `/api/jobs/tag_job/${s.body.id}`, { token: api, json: [{ type: "extra", name: "x" }] })),
      ...Array.from({ length: 8 }, (_, i) => call(app, "POST", "/api/users/", { token: admin, form: { username: `u${i}`, password: "pw", role: "user" } })),
    ]);
    expect(mixed.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    expect(await app.prisma.job.count({ where: { jobId: { in: ids }, jobState: "completed", duration: 60 } })).toBe(ids.length);
    expect(await app.prisma.tag.count({ where: { tagType: "load" } })).toBe(4);
  });

  /**
   * Someone else holds the write lock for 700 ms: on SQLite another process with an IMMEDIATE
   * transaction on the file, on a server another connection locking the job table against writes
   * (reads stay allowed). Resolves once the lock is held, with a promise of its release.
   */
  async function holdWriteLock(): Promise<{ released: Promise<unknown> }> {
    const location = testDatabaseLocation(app.dbFile);
    if (location.driver === "sqlite3") {
      const betterSqlite = createRequire(import.meta.url).resolve("better-sqlite3");
      const holder = spawn(
        process.execPath,
        ["-e", `const D = require(${JSON.stringify(betterSqlite)}); const db = new D(${JSON.stringify(location.file)}); db.exec("BEGIN IMMEDIATE"); process.stdout.write("locked\\n"); setTimeout(() => { db.exec("COMMIT"); db.close(); }, 700);`],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      // Listened for now: the holder may exit before the requests are answered.
      const released = new Promise((resolve) => holder.once("exit", resolve));
      await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
      return { released };
    }
    let release: () => Promise<unknown>;
    if (location.driver === "mysql") {
      const connection = await mariadb.createConnection({ host: location.host, port: location.port, user: location.user, password: location.password, database: location.database });
      await connection.query("LOCK TABLES job READ");
      release = async () => (await connection.query("UNLOCK TABLES"), await connection.end());
    } else {
      const client = new pg.Client({ connectionString: location.connectionString });
      await client.connect();
      await client.query("BEGIN");
      await client.query("LOCK TABLE job IN SHARE MODE");
      release = async () => (await client.query("COMMIT"), await client.end());
    }
    return { released: new Promise((resolve, reject) => setTimeout(() => release().then(resolve, reject), 700)) };
  }

  it("waits for a write lock another holder has instead of failing", async () => {
    const holder = await holdWriteLock();
    const started = Date.now();
    const writes = Promise.all(
      Array.from({ length: 8 }, (_, i) => call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...payload, jobId: 20_000 + i } })),
    );
    // The server keeps serving meanwhile: the wait does not block its event loop, and reads go on.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const readStarted = Date.now();
    expect((await call(app, "GET", "/api/jobs/?items-per-page=1", { token: api })).status).toBe(200);
    expect(Date.now() - readStarted).toBeLessThan(300);
    const responses = await writes;
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(Date.now() - started).toBeGreaterThan(400);
    await holder.released;
  });
});
