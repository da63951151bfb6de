/**
 * GET /metrics of the real app: a migrated database of the run's engine, the archive fixture, an archiving worker that
 * cannot archive (no metric data repository, so the stopped job waits for its retry), the embedded
 * metric store, and requests over HTTP. The answer is parsed as Prometheus' text format here, and
 * checked by promtool when it is installed.
 */
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.ts";
import type { MetricStore } from "../../src/metricdata/internal/store.ts";
import { ArchivingWorker } from "../../src/services/archiving/worker.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { restArchive, token } from "../helpers/rest.ts";
import { openTestJobWriter } from "../helpers/test-writer.ts";
import { tempDir } from "../helpers/tmp.ts";
import { clock, CLUSTER, line, NOW, testStore } from "../metricdata/fixtures.ts";

// ---- a parser of the Prometheus text exposition format (version 0.0.4) ----------------------------

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case — prom-client writes "Nan". */
function parseValue(text: string, where: string): number {
  if (/^\+?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** The family a sample belongs to: histogram and summary samples carry suffixes. */
function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) return name;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    const base = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined;
    if (base && (types.get(base) === "histogram" || types.get(base) === "summary")) return base;
  }
  return undefined;
}

/** Parses the text strictly: every line well formed, every sample of a declared family, no duplicate series. */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  const seen = new Set<string>();
  expect(text.endsWith("\n"), "the exposition ends with a newline").toBe(true);
  for (const [index, raw] of text.split("\n").entries()) {
    const where = `line ${index + 1}`;
    if (raw.trim() === "") continue;
    if (raw.startsWith("#")) {
      const match = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!match) continue; // a plain comment
      const [, kind, name, rest] = match;
      if (!NAME.test(name!)) throw new Error(`${where}: bad metric name ${name}`);
      if (kind === "TYPE") {
        if (!TYPES.has(rest!)) throw new Error(`${where}: bad type ${rest}`);
        if (types.has(name!)) throw new Error(`${where}: second TYPE for ${name}`);
        types.set(name!, rest!);
      } else {
        if (helps.has(name!)) throw new Error(`${where}: second HELP for ${name}`);
        helps.add(name!);
      }
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(raw);
    if (!match) throw new Error(`${where}: not a sample: ${raw}`);
    const [, name, , body, valueText] = match;
    const labels: Record<string, string> = {};
    if (body) {
      const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let at = 0;
      while (at < body.length) {
        labelPattern.lastIndex = at;
        const label = labelPattern.exec(body);
        if (!label) throw new Error(`${where}: bad labels {${body}}`);
        if (!LABEL_NAME.test(label[1]!) || label[1]! in labels) throw new Error(`${where}: bad or repeated label ${label[1]}`);
        labels[label[1]!] = label[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === "n" ? "\n" : c));
        at = labelPattern.lastIndex;
      }
    }
    if (!familyOf(name!, types)) throw new Error(`${where}: sample ${name} has no TYPE line before it`);
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(key)) throw new Error(`${where}: duplicate series ${key}`);
    seen.add(key);
    samples.push({ name: name!, labels, value: parseValue(valueText!, where) });
  }
  return { types, samples };
}

const matches = (sample: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => sample.labels[k] === v);

function value(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = exposition.samples.filter((s) => s.name === name && matches(s, labels));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** Checks every histogram series: cumulative buckets rising with `le`, +Inf equal to _count. */
function checkHistograms(exposition: Exposition): number {
  let checked = 0;
  for (const [family, type] of exposition.types) {
    if (type !== "histogram") continue;
    const series = new Map<string, Sample[]>();
    for (const sample of exposition.samples.filter((s) => s.name === `${family}_bucket`)) {
      const { le, ...rest } = sample.labels;
      expect(le, `${family}_bucket without le`).toBeDefined();
      const key = JSON.stringify(Object.entries(rest).sort());
      series.set(key, [...(series.get(key) ?? []), sample]);
    }
    for (const [key, buckets] of series) {
      const labels = Object.fromEntries(JSON.parse(key) as [string, string][]);
      const sorted = [...buckets].sort((a, b) => parseValue(a.labels.le!, "le") - parseValue(b.labels.le!, "le"));
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.value).toBeGreaterThanOrEqual(sorted[i - 1]!.value);
      expect(sorted.at(-1)!.labels.le).toBe("+Inf");
      expect(sorted.at(-1)!.value).toBe(value(exposition, `${family}_count`, labels));
      expect(value(exposition, `${family}_sum`, labels)).toBeGreaterThanOrEqual(0);
      checked++;
    }
  }
  return checked;
}

// ---- the app --------------------------------------------------------------------------------------

const dir = tempDir("ccb-metrics-");
let app: TestApp;
let worker: ArchivingWorker;
let store: MetricStore;
let api: string;

/** Numbers that appear in request paths and bodies only: never in /metrics. */
const PATH_JOB_ID = 987_654;
const BATCH_JOB_ID = 55_501_234;
const USER = "metricsuser-xyz";

beforeAll(async () => {
  const dbFile = await freshDatabase(dir);
  const { archive, clusters } = await restArchive(dir);
  const workerWriter = await openTestJobWriter(dbFile);
  // Archiving needs a metric data repository, which this worker lacks: a stopped job fails its first
  // attempt and waits for a retry long after the test, so it stays in the queue.
  worker = new ArchivingWorker({ jobWriter: workerWriter, archive, clusters, logger: silentLogger }, { retryDelaysMs: [600_000] });
  worker.start();
  afterAll(async () => {
    await worker.close(1000);
    await workerWriter.close();
  });
  store = testStore({ now: clock(NOW).now });
  app = await startTestApp(dbFile, { webRoot: false, metricStore: store }, { "disable-authentication": false }, undefined, { archive, clusters, archiving: worker });
  api = await token("slurm", ["api"]);
});

async function scrape(): Promise<{ text: string; exposition: Exposition; response: Response }> {
  const response = await fetch(`${app.url}/metrics`);
  const text = await response.text();
  return { text, exposition: parseExposition(text), response };
}

const send = (method: string, path: string, options: { json?: unknown; body?: string; auth?: boolean } = {}) =>
  fetch(`${app.url}${path}`, {
    method,
    headers: {
      ...(options.auth === false ? {} : { authorization: `Bearer ${api}` }),
      ...(options.json !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  });

describe("GET /metrics", () => {
  it("is served without authentication as Prometheus text, and promtool accepts it", async () => {
    const { response, text, exposition } = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(exposition.types.get("cc_backend_http_requests_total")).toBe("counter");
    expect(exposition.types.get("cc_backend_http_request_duration_seconds")).toBe("histogram");
    const promtool = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (promtool.error) return; // promtool is not installed: the parser above is the check.
    // promtool exits 1 for a parse error, 3 for style hints only (prom-client's default metrics have
    // some, such as gauges named *_total).
    expect(promtool.status, promtool.stderr + promtool.stdout).not.toBe(1);
    expect(promtool.stderr + promtool.stdout).not.toMatch(/error while linting|parsing error/);
  });

  it("counts requests and their latencies by method, route template and status class, without ids or user names", async () => {
    const before = (await scrape()).exposition;
    const healthz = { method: "GET", route: "/healthz", status: "2xx" };
    const healthzBefore = value(before, "cc_backend_http_requests_total", healthz) ?? 0;

    for (let i = 0; i < 3; i++) expect((await send("GET", "/healthz", { auth: false })).status).toBe(200);
    const started = await send("POST", "/api/jobs/start_job/", {
      json: {
        jobId: BATCH_JOB_ID,
        user: USER,
        project: "metricsproj",
        cluster: "testcluster",
        partition: "default",
        walltime: 3600,
        numNodes: 1,
        exclusive: 1,
        monitoringStatus: 1,
        smt: 1,
        resources: [{ hostname: "host123", hwthreads: [0, 1, 2, 3] }],
        startTime: NOW - 600,
      },
    });
    expect(started.status).toBe(201);
    const { id } = (await started.json()) as { id: number };
    expect((await send("POST", `/api/jobs/stop_job/${id}`, { json: { stopTime: NOW, jobState: "completed" } })).status).toBe(200);
    // Refused (no token) and unknown paths: counted under their template or as unmatched.
    expect((await send("POST", `/api/jobs/stop_job/${PATH_JOB_ID}`, { json: { stopTime: NOW }, auth: false })).status).toBe(401);
    expect((await send("GET", `/api/jobs/metrics/${PATH_JOB_ID}`)).status).toBeGreaterThanOrEqual(400);
    expect((await send("GET", `/api/no/such/route/${PATH_JOB_ID}`)).status).toBe(404);
    expect((await send("GET", `/monitoring/job/${PATH_JOB_ID}`, { auth: false })).status).toBe(404);
    expect((await send("POST", `/api/write?cluster=${CLUSTER.name}`, { body: line("cpu_load", "n0001", 1.5, NOW) })).status).toBeLessThan(300);

    const { text, exposition } = await scrape();
    expect(value(exposition, "cc_backend_http_requests_total", healthz)).toBe(healthzBefore + 3);
    expect(value(exposition, "cc_backend_http_request_duration_seconds_count", healthz)).toBe(healthzBefore + 3);
    expect(value(exposition, "cc_backend_http_request_duration_seconds_sum", healthz)).toBeGreaterThan(0);
    expect(value(exposition, "cc_backend_http_request_duration_seconds_bucket", { ...healthz, le: "+Inf" })).toBe(healthzBefore + 3);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "POST", route: "/api/jobs/start_job/", status: "2xx" })).toBe(1);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "POST", route: "/api/jobs/stop_job/:id", status: "2xx" })).toBe(1);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "POST", route: "/api/jobs/stop_job/:id", status: "4xx" })).toBe(1);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "GET", route: "/api/jobs/metrics/:id", status: "4xx" })).toBe(1);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "GET", route: "(unmatched)", status: "4xx" })).toBe(2);
    expect(value(exposition, "cc_backend_http_requests_total", { method: "POST", route: "/api/write", status: "2xx" })).toBe(1);
    // The previous scrape is counted too.
    expect(value(exposition, "cc_backend_http_requests_total", { method: "GET", route: "/metrics", status: "2xx" })).toBeGreaterThanOrEqual(1);
    expect(checkHistograms(exposition)).toBeGreaterThanOrEqual(8);

    // Labels hold templates only: no path segment that is a number, and no id, job id or user anywhere.
    const routes = new Set(exposition.samples.filter((s) => s.name === "cc_backend_http_requests_total").map((s) => s.labels.route!));
    for (const route of routes) expect(route).not.toMatch(/\/\d+(\/|$)/);
    for (const secret of [String(PATH_JOB_ID), String(BATCH_JOB_ID), USER, "slurm", api]) expect(text).not.toContain(secret);
    expect(text).not.toContain(`stop_job/${id}"`);
  });

  it("reports the archiving queue, the metric store, the read pool and the process", async () => {
    // The job stopped above waits in the worker's queue for its retry.
    await expect.poll(() => worker.queueLength).toBe(1);
    let { exposition } = await scrape();
    expect(value(exposition, "cc_backend_archiving_queue_jobs")).toBe(1);
    expect(exposition.types.get("cc_backend_archiving_queue_jobs")).toBe("gauge");

    const stats = store.stats();
    expect(stats.series).toBeGreaterThan(0);
    expect(value(exposition, "cc_backend_metric_store_series")).toBe(stats.series);
    expect(value(exposition, "cc_backend_metric_store_samples")).toBe(stats.samples);
    expect(value(exposition, "cc_backend_metric_store_bytes")).toBe(stats.allocatedBytes);

    // GraphQL reads run on the read pool; the counter follows the pool's own count.
    const reader = app.services.reader!;
    const statementsBefore = value(exposition, "cc_backend_db_read_statements_total")!;
    const graphql = await fetch(`${app.url}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await token("metricsadmin", ["admin"])}` },
      body: JSON.stringify({ query: "{ tags { id name } }" }),
    });
    expect(graphql.status, await graphql.clone().text()).toBe(200);
    expect(((await graphql.json()) as { errors?: unknown }).errors).toBeUndefined();
    ({ exposition } = await scrape());
    expect(reader.statementCount).toBeGreaterThan(statementsBefore);
    expect(value(exposition, "cc_backend_db_read_statements_total")).toBe(reader.statementCount);

    expect(value(exposition, "process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(value(exposition, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(value(exposition, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(value(exposition, "nodejs_eventloop_lag_p99_seconds")).toBeGreaterThanOrEqual(0);
  });
});
