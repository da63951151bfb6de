// npx tsx bench/rest-start-stop.ts [--jobs 5000] [--concurrency 32] [--seconds 60]
//
// start_job + stop_job over loopback HTTP, `concurrency` clients at once, against the real app (token
// authentication, request validation, the job writer) running in a separate child process, so that
// the load generator does not share the server's event loop. Each client starts a job and then stops
// it, until `jobs` jobs are done or `seconds` have passed. Printed beside the floor: raw better-sqlite3,
// one INSERT per transaction, on the same database file afterwards.
// BENCH_SERVER_PROF=<dir> writes a CPU profile of the server process there.
import { fork } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { ClusterRegistry } from "../src/archive/clusters.ts";
import { FileArchive } from "../src/archive/file-backend.ts";
import { jobRowFromMeta } from "../src/archive/job-row-from-meta.ts";
import { Authenticator } from "../src/auth/auth.ts";
import { issueToken, keysFromEnv } from "../src/auth/jwt.ts";
import { generateKeyPair } from "../src/auth/keys.ts";
import { parseConfig } from "../src/config/load.ts";
import { createPrismaClient } from "../src/db/client.ts";
import { prepareJobInsert } from "../src/db/jobs/bulk-insert.ts";
import { migrateSqliteDatabase } from "../src/db/migrate/runner.ts";
import { projectRoot } from "../src/db/migrate/migration-files.ts";
import { openSqlite } from "../src/db/sqlite.ts";
import { openJobWriter } from "../src/db/writer.ts";
import { silentLogger } from "../src/log.ts";
import { createApp } from "../src/server/app.ts";
import { median, printTable, seconds, type BenchRow } from "./lib/report.ts";

const fixtures = path.resolve(projectRoot, "..", "shared", "fixtures");
const payload = JSON.parse(readFileSync(path.join(fixtures, "startJobPayload.json"), "utf8")) as Record<string, unknown> & { startTime: number };

/** The server side: the real app on `db` with the archive at `archiveRoot`; reports its port over IPC. */
async function serve(db: string, archiveRoot: string): Promise<void> {
  const archive = await FileArchive.open(archiveRoot);
  const clusters = await ClusterRegistry.load(archive);
  const prisma = createPrismaClient(db);
  const config = parseConfig({ "disable-authentication": false }).config;
  const writer = openJobWriter(db);
  const auth = new Authenticator(prisma, config, keysFromEnv());
  const app = createApp({ prisma, config, logger: silentLogger, archive, clusters, writer }, auth, { webRoot: false, sessionKey: "bench-session-key-0123456789abcdef" });
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send!({ port: (server.address() as AddressInfo).port });
  process.on("message", () => {
    server.close();
    server.closeAllConnections();
    writer.close();
    void prisma.$disconnect().then(() => process.exit(0));
  });
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
    },
  });
  const JOBS = Number(args.jobs);
  const CONCURRENCY = Number(args.concurrency);
  const LIMIT_MS = Number(args.seconds) * 1000;
  const log = (line: string) => console.error(line);

  const work = mkdtempSync(path.join(os.tmpdir(), "ccb-bench-rest-"));
  try {
    const db = path.join(work, "job.db");
    await migrateSqliteDatabase(db);
    const archiveRoot = path.join(work, "archive");
    mkdirSync(path.join(archiveRoot, "fritz"), { recursive: true });
    writeFileSync(path.join(archiveRoot, "version.txt"), "1");
    copyFileSync(path.join(fixtures, "importer", "cluster-fritz.json"), path.join(archiveRoot, "fritz", "cluster.json"));

    const keys = generateKeyPair();
    const env = { ...process.env, JWT_PUBLIC_KEY: keys.publicKey, JWT_PRIVATE_KEY: keys.privateKey };
    const token = await issueToken(keysFromEnv(env), { username: "bench", roles: ["api"] });
    const child = fork(fileURLToPath(import.meta.url), ["--serve", db, archiveRoot], { env, execArgv: ["--import", "tsx", ...(process.env.BENCH_SERVER_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_SERVER_PROF}`] : [])], stdio: "inherit" });
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m) => resolve((m as { port: number }).port));
      child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

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
      await post("/api/jobs/start_job/", JSON.stringify({ ...payload, jobId }));
      await post("/api/jobs/stop_job/", JSON.stringify({ jobId, cluster: "fritz", startTime: payload.startTime, stopTime: payload.startTime + 60 }));
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
          const a = await post("/api/jobs/start_job/", JSON.stringify({ ...payload, jobId }));
          startLatency.push(seconds(t) * 1000);
          t = process.hrtime.bigint();
          const b = await post("/api/jobs/stop_job/", JSON.stringify({ jobId, cluster: "fritz", startTime: payload.startTime, stopTime: payload.startTime + 3600 }));
          stopLatency.push(seconds(t) * 1000);
          if (a !== 201 || b !== 200) failures.push(`job ${jobId}: start ${a}, stop ${b}`);
        }
      }),
    );
    const elapsed = seconds(started);
    agent.destroy();
    child.send("stop");
    await new Promise((resolve) => child.once("exit", resolve));
    if (failures.length > 0) throw new Error(`${failures.length} failed requests, e.g. ${failures[0]}`);
    const requests = startLatency.length + stopLatency.length;
    const rate = requests / elapsed;
    const all = [...startLatency, ...stopLatency].sort((x, y) => x - y);
    log(`${startLatency.length} jobs, ${requests} requests in ${elapsed.toFixed(1)} s`);

    // Floor: the same database file, raw better-sqlite3, one INSERT per transaction (WAL, synchronous NORMAL).
    const raw = openSqlite(db);
    const insert = prepareJobInsert(raw);
    const archive = await FileArchive.open(archiveRoot);
    const template = jobRowFromMeta({ ...payload, jobState: "running", duration: 0, statistics: {} } as never, await ClusterRegistry.load(archive)).row;
    const floorLatency: number[] = [];
    const count = Math.max(requests, 2000);
    const one = raw.transaction((jobId: number) => insert({ ...template, jobId }));
    const floorStart = process.hrtime.bigint();
    for (let i = 0; i < count; i++) {
      const t = process.hrtime.bigint();
      one(2_000_000_000 + i);
      floorLatency.push(seconds(t) * 1000);
    }
    const floorRate = count / seconds(floorStart);
    raw.close();
    floorLatency.sort((x, y) => x - y);

    const rows: BenchRow[] = [
      { name: `start_job + stop_job, ${CONCURRENCY} clients over HTTP`, ours: rate, floor: floorRate, unit: "req/s", higherIsBetter: true, note: `${requests} requests; floor: raw INSERT, one per transaction` },
      { name: "latency p50 (start and stop)", ours: percentile(all, 50), floor: percentile(floorLatency, 50), unit: "ms", note: `start p50 ${median(startLatency).toFixed(2)} ms, stop p50 ${median(stopLatency).toFixed(2)} ms` },
      { name: "latency p99 (start and stop)", ours: percentile(all, 99), floor: percentile(floorLatency, 99), unit: "ms", note: "floor: one raw INSERT transaction" },
    ];
    printTable(rows);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--serve") await serve(process.argv[3]!, process.argv[4]!);
else await main();
