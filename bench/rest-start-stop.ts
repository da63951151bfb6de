// npx tsx bench/rest-start-stop.ts [--jobs 5000] [--concurrency 32] [--seconds 60] [--engine sqlite|mysql|postgres]
//   (after npm run build; mysql/postgres: a private server as the tests start it, fsync relaxed)
//
// start_job + stop_job over loopback HTTP, `concurrency` clients at once, against the real
// `cc-backend --server` (token authentication, request validation, logging, the job writer, the
// archiving worker) in a separate child process, so that the load generator does not share the
// server's event loop. Each client starts a job and then stops it, until `jobs` jobs are done or
// `seconds` have passed. Printed beside the floor: raw better-sqlite3, one INSERT per transaction, on
// the same database file afterwards. Then: how fast the server archives the jobs the burst stopped.
// BENCH_SERVER_PROF=<dir> writes a CPU profile of the server process there.
import { fork } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ClusterRegistry } from "../src/archive/clusters.ts";
import { FileArchive } from "../src/archive/file-backend.ts";
import { jobRowFromMeta } from "../src/archive/job-row-from-meta.ts";
import { issueToken, keysFromEnv } from "../src/auth/jwt.ts";
import { generateKeyPair } from "../src/auth/keys.ts";
import { main as cli } from "../src/cli/main.ts";
import { startLiveFeed } from "../src/demo/live-feed.ts";
import { migrateDatabase } from "../src/cli/database.ts";
import { openMysqlPool, openPostgresPool } from "../src/db/connect.ts";
import { parseDatabaseLocation, type DatabaseLocation } from "../src/db/dsn.ts";
import { insertJobsSql, jobValues } from "../src/db/jobs/insert-job.ts";
import type { JobRow } from "../src/db/jobs/job-row.ts";
import { openReadPool } from "../src/db/read-pool/open.ts";
import { numberedPlaceholders } from "../src/db/sql/placeholders.ts";
// The private database servers of the tests serve the benchmark too.
import { startMariaDb, startPostgres } from "../test/helpers/db-servers.ts";
import { projectRoot } from "../src/db/migrate/migration-files.ts";
import { openSqlite } from "../src/db/sqlite.ts";
import { median, printTable, seconds, type BenchRow } from "./lib/report.ts";

const fixtures = path.resolve(projectRoot, "..", "shared", "fixtures");
const payload = JSON.parse(readFileSync(path.join(fixtures, "startJobPayload.json"), "utf8")) as Record<string, unknown> & { startTime: number };

/**
 * The server side: the real `cc-backend --server` (request logging, the archiving worker with the
 * embedded metric store, background tasks) on `config`, in this child process with cwd `dir`. It
 * reports its port over IPC once it listens.
 */
async function serve(dir: string, config: string): Promise<void> {
  process.chdir(dir);
  const listening = /cc-backend listening on [^\s]*:(\d+)/;
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const port = listening.exec(String(chunk))?.[1];
    if (port) process.send!({ port: Number(port) });
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  process.exitCode = await cli(["--server", "--config", config]);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      jobs: { type: "string", default: "5000" },
      concurrency: { type: "string", default: "32" },
      seconds: { type: "string", default: "60" },
      engine: { type: "string", default: "sqlite" },
    },
  });
  const ENGINE = args.engine as Engine;
  if (!["sqlite", "mysql", "postgres"].includes(ENGINE)) throw new Error(`--engine must be sqlite, mysql or postgres, got ${ENGINE}`);
  const JOBS = Number(args.jobs);
  const CONCURRENCY = Number(args.concurrency);
  const LIMIT_MS = Number(args.seconds) * 1000;
  const log = (line: string) => console.error(line);

  const work = mkdtempSync(path.join(os.tmpdir(), "ccb-bench-rest-"));
  const target = await benchDatabase(ENGINE, work);
  try {
    const db = target.db;
    await migrateDatabase(target.location);
    const archiveRoot = path.join(work, "archive");
    mkdirSync(path.join(archiveRoot, "fritz"), { recursive: true });
    writeFileSync(path.join(archiveRoot, "version.txt"), "1");
    copyFileSync(path.join(fixtures, "importer", "cluster-fritz.json"), path.join(archiveRoot, "fritz", "cluster.json"));

    const keys = generateKeyPair();
    const env = { ...process.env, JWT_PUBLIC_KEY: keys.publicKey, JWT_PRIVATE_KEY: keys.privateKey, SESSION_KEY: "bench-session-key-0123456789abcdef" };
    const token = await issueToken(keysFromEnv(env), { username: "bench", roles: ["api"] });
    const config = path.join(work, "config.json");
    writeFileSync(config, JSON.stringify({ addr: "127.0.0.1:0", "db-driver": target.location.driver, db, archive: { kind: "file", path: archiveRoot }, clusters: [{ name: "fritz", metricDataRepository: { kind: "internal" } }] }));
    const child = fork(fileURLToPath(import.meta.url), ["--serve", work, config], {
      env,
      execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : [])],
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    // The server logs every start and stop (as in production); the tail explains a failure.
    let serverLog = "";
    child.stderr!.on("data", (chunk) => (serverLog = (serverLog + chunk).slice(-4000)));
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}:\n${serverLog}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    // Real series in the embedded store for a few nodes, so that archiving a stopped job does the
    // work it does in production (read, reduce, write the archive) inside the measured window.
    const registry = await ClusterRegistry.load(await FileArchive.open(archiveRoot));
    const feed = await startLiveFeed({ url, token, registry, jobsPerCluster: 8 });
    const now = () => Math.floor(Date.now() / 1000);
    const startBody = (jobId: number) => {
      const place = feed.running[jobId % feed.running.length]!;
      return JSON.stringify({ ...payload, jobId, cluster: place.cluster, subCluster: place.subCluster, numNodes: place.hosts.length, resources: place.hosts.map((hostname) => ({ hostname })), startTime: place.start });
    };
    const stopBody = (jobId: number) => {
      const place = feed.running[jobId % feed.running.length]!;
      return JSON.stringify({ jobId, cluster: place.cluster, startTime: place.start, stopTime: Math.max(place.start + 60, now()), jobState: "completed" });
    };

    const post = (pathname: string, body: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.request(
          `${url}${pathname}`,
          { method: "POST", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
          (response) => {
            response.resume();
            response.on("end", () => resolve(response.statusCode ?? 0));
          },
        );
        request.on("error", reject);
        request.end(body);
      });

    // Warm-up (JIT, schema compilation, connections), not measured.
    for (let i = 0; i < 50; i++) {
      const jobId = 900_000_000 + i;
      await post("/api/jobs/start_job/", startBody(jobId));
      await post("/api/jobs/stop_job/", stopBody(jobId));
    }

    log(`start_job + stop_job: up to ${JOBS} jobs, ${CONCURRENCY} clients, server in a child process ...`);
    const startLatency: number[] = [];
    const stopLatency: number[] = [];
    const failures: string[] = [];
    let next = 0;
    const started = process.hrtime.bigint();
    const deadline = Date.now() + LIMIT_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < JOBS && Date.now() < deadline) {
          const jobId = 1_000_000 + next++;
          let t = process.hrtime.bigint();
          const a = await post("/api/jobs/start_job/", startBody(jobId));
          startLatency.push(seconds(t) * 1000);
          t = process.hrtime.bigint();
          const b = await post("/api/jobs/stop_job/", stopBody(jobId));
          stopLatency.push(seconds(t) * 1000);
          if (a !== 201 || b !== 200) failures.push(`job ${jobId}: start ${a}, stop ${b}`);
        }
      }),
    );
    const elapsed = seconds(started);
    agent.destroy();
    const requests = startLatency.length + stopLatency.length;
    log(`${startLatency.length} jobs, ${requests} requests in ${elapsed.toFixed(1)} s`);
    // The archiving backlog the burst left: how long the server takes to work it off (at most 2 min).
    const watcher = await openReadPool(target.location, { size: 2 });
    const count = async (where: string) => (await watcher.query<{ n: number }>({ sql: `SELECT count(*) AS n FROM job WHERE ${where}`, mode: "get" })).n;
    const waiting = () => count("job_state <> 'running' AND monitoring_status = 1");
    const backlog = await waiting();
    const drainStart = process.hrtime.bigint();
    while ((await waiting()) > 0 && seconds(drainStart) < 120) await new Promise((resolve) => setTimeout(resolve, 200));
    const left = await waiting();
    log(`archiving backlog after the burst: ${backlog} jobs; ${backlog - left} archived in ${seconds(drainStart).toFixed(1)} s (${((backlog - left) / seconds(drainStart)).toFixed(0)} jobs/s), ${left} left`);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
    if (failures.length > 0) throw new Error(`${failures.length} failed requests, e.g. ${failures[0]}`);
    const rate = requests / elapsed;
    const all = [...startLatency, ...stopLatency].sort((x, y) => x - y);

    // Archiving runs in the same server process and competes for its CPU; its backlog is by design.
    const archived = await count("monitoring_status = 3");
    const failedArchiving = await count("monitoring_status = 2");
    await watcher.close();
    if (process.env.BENCH_SERVER_LOG) log(serverLog);
    log(`archived: ${archived} jobs, failed: ${failedArchiving}`);

    // Floor: the same database, the raw driver, one INSERT per transaction, one after another.
    const archive = await FileArchive.open(archiveRoot);
    const template = jobRowFromMeta({ ...payload, jobState: "running", duration: 0, statistics: {} } as never, await ClusterRegistry.load(archive)).row;
    const floorLatency: number[] = [];
    const floorCount = Math.max(requests, 2000);
    const insert = await rawInsert(target.location);
    const floorStart = process.hrtime.bigint();
    for (let i = 0; i < floorCount; i++) {
      const t = process.hrtime.bigint();
      await insert({ ...template, jobId: 2_000_000_000 + i });
      floorLatency.push(seconds(t) * 1000);
    }
    const floorRate = floorCount / seconds(floorStart);
    await insert.close();
    floorLatency.sort((x, y) => x - y);

    const rows: BenchRow[] = [
      { name: `${ENGINE}: start_job + stop_job, ${CONCURRENCY} clients over HTTP`, ours: rate, floor: floorRate, unit: "req/s", higherIsBetter: true, note: `${requests} requests; floor: raw INSERT, one per transaction` },
      { name: "latency p50 (start and stop)", ours: percentile(all, 50), floor: percentile(floorLatency, 50), unit: "ms", note: `start p50 ${median(startLatency).toFixed(2)} ms, stop p50 ${median(stopLatency).toFixed(2)} ms` },
      { name: "latency p99 (start and stop)", ours: percentile(all, 99), floor: percentile(floorLatency, 99), unit: "ms", note: "floor: one raw INSERT transaction" },
    ];
    printTable(rows);
  } finally {
    await target.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

type Engine = "sqlite" | "mysql" | "postgres";

/** The benchmark's database: an SQLite file in `work`, or a database on a private MariaDB/PostgreSQL server. */
async function benchDatabase(engine: Engine, work: string): Promise<{ db: string; location: DatabaseLocation; stop(): Promise<void> }> {
  if (engine === "sqlite") {
    const db = path.join(work, "job.db");
    return { db, location: parseDatabaseLocation("sqlite3", db), stop: async () => {} };
  }
  const server = engine === "mysql" ? await startMariaDb() : await startPostgres();
  const db = await server.createDatabase("bench");
  return { db, location: parseDatabaseLocation(engine, db), stop: () => server.stop() };
}

/** One INSERT per transaction through the engine's plain driver (better-sqlite3, mariadb, pg). */
async function rawInsert(location: DatabaseLocation): Promise<((row: JobRow) => Promise<void>) & { close(): Promise<void> }> {
  const sql = insertJobsSql(1);
  switch (location.driver) {
    case "sqlite3": {
      const raw = openSqlite(location.file);
      const statement = raw.prepare(sql);
      return Object.assign(async (row: JobRow) => void statement.run(jobValues(row)), { close: async () => void raw.close() });
    }
    case "mysql": {
      const pool = await openMysqlPool(location, { connectionLimit: 1 });
      return Object.assign(async (row: JobRow) => void (await pool.execute(sql, jobValues(row))), { close: () => pool.end() });
    }
    case "postgres": {
      const pool = await openPostgresPool(location, { connectionLimit: 1 });
      const text = numberedPlaceholders(sql);
      return Object.assign(async (row: JobRow) => void (await pool.query(text, jobValues(row))), { close: () => pool.end() });
    }
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3]!, process.argv[4]!);
else await main();
