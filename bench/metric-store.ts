// npx tsx bench/metric-store.ts [--lines 3000000] [--clients 3] [--seconds 30] [--rounds 3] [--runs 30]
//
// The embedded metric store (src/metricdata/internal):
// 1. ingest rate: line protocol POSTed to /api/write over loopback HTTP by `clients` concurrent
//    clients, 10,000-line batches of cc-metric-collector-like lines (128 hosts, 5 node metrics and
//    2 core metrics × 64 cores, ns timestamps, cluster tag), until `lines` are sent or `seconds` have
//    passed: once into a fresh store (cold: every series and chunk is new), then `rounds` more times
//    (warm: the same lines again, as in steady state where series exist and chunk memory is reused).
//    The server runs in a child process (BENCH_SERVER_PROF=<dir> writes its CPU profile); its CPU
//    time gives a figure less sensitive to other load on the machine.
//    Floor: the same bytes scanned in-process into a preallocated Float64Array (value and timestamp
//    parsed; no HTTP, no series lookup, no store).
// 2. bytes per stored sample after a full 48 h retention window (64 hosts × 69 series at 60 s), by
//    the store's own accounting and by process.memoryUsage() in a fresh child process. Floor: 8 bytes.
// 3. query latency: a 64-node job's 5 node metrics × 24 h through InternalMetricDataRepository
//    (JobData with null gaps and statistics), and a core metric summed to the node. Floor: copying
//    the same samples out of plain Float64Arrays into a preallocated one (for the sum: copy + add).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import vm from "node:vm";
import v8 from "node:v8";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import Koa from "koa";
import type { ClusterConfig, MetricConfig } from "../src/archive/generated/archive-types.ts";
import { ClusterRegistry } from "../src/archive/clusters.ts";
import { parseNumber } from "../src/metricdata/internal/line-protocol.ts";
import { InternalMetricDataRepository } from "../src/metricdata/internal/repository.ts";
import { metricStoreRoutes } from "../src/metricdata/internal/routes.ts";
import { MetricStore } from "../src/metricdata/internal/store.ts";
import type { MetricDataJob } from "../src/metricdata/repository.ts";
import { median, printTable, seconds, type BenchRow } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    serve: { type: "boolean" },
    memory: { type: "boolean" },
    lines: { type: "string", default: "3000000" },
    clients: { type: "string", default: "3" },
    seconds: { type: "string", default: "30" },
    runs: { type: "string", default: "30" },
    rounds: { type: "string", default: "3" },
  },
});
const LINES = Number(args.lines);
const CLIENTS = Number(args.clients);
const MAX_SECONDS = Number(args.seconds);
const RUNS = Number(args.runs);
const ROUNDS = Number(args.rounds);
const BATCH = 10_000;
const log = (line: string) => console.error(line);
const rows: BenchRow[] = [];

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const NODE_METRICS = ["cpu_load", "mem_used", "net_bw", "file_bw", "power"];
const CORE_METRICS = ["flops_any", "cpu_user"];
const CORES = 64;

function metric(name: string, scope: string, aggregation: "sum" | "avg"): MetricConfig {
  return { name, scope, aggregation, timestep: 60, unit: { base: "" }, peak: 1, normal: 1, caution: 1, alert: 1 };
}

const cluster: ClusterConfig = {
  name: "bench",
  metricConfig: [...NODE_METRICS.map((m) => metric(m, "node", "avg")), ...CORE_METRICS.map((m) => metric(m, "core", "sum"))],
  subClusters: [
    {
      name: "main",
      processorType: "bench",
      socketsPerNode: 2,
      coresPerSocket: CORES / 2,
      threadsPerCore: 1,
      flopRateScalar: {},
      flopRateSimd: {},
      memoryBandwidth: {},
      nodes: "*",
      topology: {
        node: Array.from({ length: CORES }, (_, i) => i),
        socket: [Array.from({ length: CORES / 2 }, (_, i) => i), Array.from({ length: CORES / 2 }, (_, i) => i + CORES / 2)],
        memoryDomain: [Array.from({ length: CORES / 2 }, (_, i) => i), Array.from({ length: CORES / 2 }, (_, i) => i + CORES / 2)],
        core: Array.from({ length: CORES }, (_, i) => [i]),
      },
    },
  ],
};

const hostName = (h: number) => `n${String(h).padStart(4, "0")}`;

/** Deterministic values: mostly 3 decimals, every fifth a full-precision double. */
let seed = 12345;
function value(): string {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  const x = (seed / 2147483648) * 1000;
  return seed % 5 === 0 ? String(x) : x.toFixed(3);
}

/** Lines tick by tick (all hosts, all series), newest tick at `now`, cut into batches. */
function makeBatches(totalLines: number, hosts: number, nowSeconds: number): Buffer[] {
  const perTick = hosts * (NODE_METRICS.length + CORE_METRICS.length * CORES);
  const ticks = Math.ceil(totalLines / perTick);
  const batches: Buffer[] = [];
  let lines: string[] = [];
  let count = 0;
  for (let tick = 0; tick < ticks && count < totalLines; tick++) {
    const ns = `${nowSeconds - (ticks - 1 - tick) * 60}000000000`;
    for (let h = 0; h < hosts && count < totalLines; h++) {
      const host = hostName(h);
      for (const m of NODE_METRICS) lines.push(`${m},cluster=bench,hostname=${host},type=node value=${value()} ${ns}`);
      for (const m of CORE_METRICS) for (let c = 0; c < CORES; c++) lines.push(`${m},cluster=bench,hostname=${host},type=core,type-id=${c} value=${value()} ${ns}`);
      count += NODE_METRICS.length + CORE_METRICS.length * CORES;
      if (lines.length >= BATCH) {
        batches.push(Buffer.from(`${lines.join("\n")}\n`));
        lines = [];
      }
    }
  }
  if (lines.length > 0) batches.push(Buffer.from(`${lines.join("\n")}\n`));
  return batches;
}

/** The floor: each line's value and timestamp parsed into a preallocated Float64Array, nothing else. */
function rawParse(batches: Buffer[], out: Float64Array): number {
  let n = 0;
  for (const buf of batches) {
    let pos = 0;
    while (pos < buf.length) {
      let nl = buf.indexOf(10, pos);
      if (nl === -1) nl = buf.length;
      const space = buf.indexOf(32, pos);
      const valueStart = space + 7; // " value="
      const valueEnd = buf.indexOf(32, valueStart);
      out[n * 2] = parseNumber(buf, valueStart, valueEnd);
      let t = 0;
      for (let i = valueEnd + 1; i < nl; i++) t = t * 10 + (buf[i]! - 48);
      out[n * 2 + 1] = t;
      n++;
      pos = nl + 1;
    }
  }
  return n;
}

/** Server mode (a child process, so the clients do not share its event loop or heap). */
async function serve(): Promise<void> {
  const store = new MetricStore({ clusters: [cluster] });
  const app = new Koa();
  const router = metricStoreRoutes(store);
  app.use(router.routes());
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.send!({ port: (server.address() as AddressInfo).port });
  let mark = process.cpuUsage();
  process.on("message", (message) => {
    if (message === "mark") {
      mark = process.cpuUsage();
      process.send!({ marked: true });
    } else if (message === "stats") {
      const cpu = process.cpuUsage(mark);
      process.send!({ stats: store.stats(), cpuSeconds: (cpu.user + cpu.system) / 1e6 });
    } else {
      server.close();
      process.exit(0);
    }
  });
}

/** Memory and query mode (a child process, so that the heap measured holds only the store). */
async function memoryAndQueries(): Promise<void> {
  gc();
  const before = process.memoryUsage();
  const nowSeconds = Math.floor(Date.now() / 1000 / 60) * 60;
  const store = new MetricStore({ clusters: [cluster], now: () => nowSeconds * 1000 });
  const clusterData = store.cluster("bench")!;
  const HOSTS = 64;
  const SLOTS = 48 * 60; // 48 h at 60 s
  const firstSlot = nowSeconds / 60 - SLOTS + 1;
  for (let h = 0; h < HOSTS; h++) {
    const host = hostName(h);
    const series = [
      ...NODE_METRICS.map((m) => store.resolveSeries(clusterData, host, clusterData.metrics.get(m)!, "node", "")),
      ...Array.from({ length: CORES }, (_, c) => store.resolveSeries(clusterData, host, clusterData.metrics.get("flops_any")!, "core", String(c))),
    ];
    for (let s = 0; s < SLOTS; s++) for (let k = 0; k < series.length; k++) store.writeSlot(series[k]!, firstSlot + s, ((h + k + s) % 97) * 1.37);
  }
  gc();
  const after = process.memoryUsage();
  const stats = store.stats();
  const measured = (after.heapUsed + after.external - before.heapUsed - before.external) / stats.samples;
  const result: BenchRow[] = [];
  result.push({ name: `bytes per stored sample (store accounting; ${HOSTS} hosts × ${NODE_METRICS.length + CORES} series × 48 h)`, ours: stats.bytesPerSample, floor: 8, unit: "B", note: "floor: one float64" });
  result.push({ name: "bytes per stored sample (process.memoryUsage)", ours: measured, floor: 8, unit: "B", note: `heapUsed + external after GC, ${(stats.samples / 1e6).toFixed(1)} M samples` });

  const repository = new InternalMetricDataRepository(store, new ClusterRegistry([cluster]));
  const job: MetricDataJob = {
    cluster: "bench",
    subCluster: "main",
    startTime: nowSeconds - 24 * 3600,
    duration: 24 * 3600,
    resources: Array.from({ length: HOSTS }, (_, h) => ({ hostname: hostName(h) })),
  };
  const time = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const s = process.hrtime.bigint();
      await fn();
      times.push(seconds(s) * 1000);
    }
    return median(times);
  };
  const check = await repository.loadJobData(job, NODE_METRICS, ["node"]);
  if (check.warnings.length > 0 || Object.keys(check.data).length !== NODE_METRICS.length || check.data.cpu_load!.node!.series[0]!.data.length !== 1440) {
    throw new Error(`unexpected query result: ${JSON.stringify(check.warnings)}`);
  }
  const oursQuery = await time(() => repository.loadJobData(job, NODE_METRICS, ["node"]));
  const oursSum = await time(() => repository.loadJobData(job, ["flops_any"], ["node"]));

  // Floors: the same samples copied out of plain arrays.
  const raw = Array.from({ length: HOSTS * (NODE_METRICS.length + CORES) }, (_, i) => new Float64Array(SLOTS).fill(i));
  const offset = SLOTS - 1440;
  const out = new Float64Array(HOSTS * CORES * 1440);
  const floorQuery = await time(async () => {
    for (let i = 0; i < HOSTS * NODE_METRICS.length; i++) out.set(raw[i]!.subarray(offset, SLOTS), i * 1440);
    return out;
  });
  const floorSum = await time(async () => {
    for (let h = 0; h < HOSTS; h++) {
      const sum = out.subarray(h * 1440, (h + 1) * 1440);
      sum.set(raw[h * CORES]!.subarray(offset, SLOTS));
      for (let c = 1; c < CORES; c++) {
        const part = raw[h * CORES + c]!.subarray(offset, SLOTS);
        for (let i = 0; i < sum.length; i++) sum[i]! += part[i]!;
      }
    }
    return out;
  });
  result.push({ name: `query: ${HOSTS}-node job, ${NODE_METRICS.length} node metrics × 24 h (node scope)`, ours: oursQuery, floor: floorQuery, unit: "ms", note: "floor: copying the same samples into a preallocated Float64Array" });
  result.push({ name: `query: ${HOSTS}-node job, 1 core metric × ${CORES} cores summed to node × 24 h`, ours: oursSum, floor: floorSum, unit: "ms", note: "floor: copy + add over plain Float64Arrays into a preallocated one" });
  process.send!({ rows: result }, () => process.exit(0));
}

function child<T>(mode: string): { process: ChildProcess; message: () => Promise<T> } {
  const prof = process.env.BENCH_SERVER_PROF;
  const proc = fork(fileURLToPath(import.meta.url), [mode], { execArgv: ["--import", "tsx", ...(prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [])], stdio: "inherit" });
  const message = () =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`${mode} child exited with ${code}`));
      proc.once("exit", onExit);
      proc.once("message", (m) => {
        proc.off("exit", onExit);
        resolve(m as T);
      });
    });
  return { process: proc, message };
}

function post(agent: http.Agent, port: number, body: Buffer): Promise<{ accepted: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/api/write?cluster=bench", method: "POST", agent, headers: { "Content-Type": "text/plain", "Content-Length": body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode === 200) resolve(JSON.parse(text) as { accepted: number; rejected: number });
          else reject(new Error(`HTTP ${res.statusCode}: ${text}`));
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Round {
  accepted: number;
  seconds: number;
  cpuSeconds: number;
  sentBytes: number;
  stats: unknown;
}

/** Posts all batches to the server with CLIENTS concurrent clients; wall time and the server's CPU time. */
async function ingestRound(server: ReturnType<typeof child<unknown>>, port: number, batches: Buffer[]): Promise<Round> {
  const marked = server.message();
  server.process.send("mark");
  await marked;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  let next = 0;
  let accepted = 0;
  let sentBytes = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + MAX_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < batches.length && Date.now() < deadline) {
        const body = batches[next++]!;
        sentBytes += body.length;
        const r = await post(agent, port, body);
        if (r.rejected > 0) throw new Error(`${r.rejected} lines rejected`);
        accepted += r.accepted;
      }
    }),
  );
  const elapsed = seconds(start);
  agent.destroy();
  const statsMessage = server.message() as Promise<{ stats: unknown; cpuSeconds: number }>;
  server.process.send("stats");
  const { stats, cpuSeconds } = await statsMessage;
  return { accepted, seconds: elapsed, cpuSeconds, sentBytes, stats };
}

async function main(): Promise<void> {
  // ---- 1. ingest over HTTP ----
  const nowSeconds = Math.floor(Date.now() / 1000);
  log(`generating ${LINES.toLocaleString("en-US")} lines ...`);
  const batches = makeBatches(LINES, 128, nowSeconds);
  const totalLines = batches.reduce((n, b) => {
    let count = 0;
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) count++;
    return n + count;
  }, 0);
  log(`posting ${batches.length} batches of ${BATCH} lines with ${CLIENTS} clients: 1 cold round, ${ROUNDS} warm rounds ...`);
  const server = child<unknown>("--serve");
  const { port } = (await server.message()) as { port: number };
  const rounds: Round[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const r = await ingestRound(server, port, batches);
    rounds.push(r);
    log(`  ${round === 0 ? "cold" : "warm"} round: ${r.accepted.toLocaleString("en-US")} samples in ${r.seconds.toFixed(2)} s = ${Math.round(r.accepted / r.seconds).toLocaleString("en-US")}/s (${(r.sentBytes / r.seconds / 1e6).toFixed(0)} MB/s), server CPU ${r.cpuSeconds.toFixed(2)} s`);
  }
  server.process.send("exit");
  log(`store: ${JSON.stringify(rounds[0]!.stats)}`);
  const cold = rounds[0]!;
  const warm = rounds.slice(1);

  const out = new Float64Array(totalLines * 2);
  const floorTimes: number[] = [];
  for (let run = 0; run < 3; run++) {
    const s = process.hrtime.bigint();
    rawParse(batches, out);
    floorTimes.push(seconds(s));
  }
  const floorRate = totalLines / median(floorTimes);
  const name = `ingest: line protocol over HTTP, ${CLIENTS} clients, ${BATCH.toLocaleString("en-US")}-line batches`;
  rows.push({
    name: `${name}, warm (median of ${ROUNDS})`,
    ours: median(warm.map((r) => r.accepted / r.seconds)),
    floor: floorRate,
    unit: "samples/s",
    higherIsBetter: true,
    note: "series exist (same lines again); floor: value+timestamp parsed in-process",
  });
  rows.push({
    name: `${name}, cold`,
    ours: cold.accepted / cold.seconds,
    floor: floorRate,
    unit: "samples/s",
    higherIsBetter: true,
    note: `${(rounds[0]!.stats as { series: number }).series.toLocaleString("en-US")} new series, chunks in fresh memory`,
  });
  rows.push({
    name: "ingest: samples per second of server CPU (user + system), warm",
    ours: median(warm.map((r) => r.accepted / r.cpuSeconds)),
    floor: floorRate,
    unit: "samples/s",
    higherIsBetter: true,
    note: "all server threads (GC included); less sensitive to other load",
  });

  // ---- 2. memory per sample and 3. query latency ----
  log("filling a store with 48 h of data, then querying it ...");
  const memory = child<{ rows: BenchRow[] }>("--memory");
  rows.push(...(await memory.message()).rows);
  printTable(rows);
}

if (args.serve) await serve();
else if (args.memory) await memoryAndQueries();
else await main();
