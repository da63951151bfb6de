/**
 * GET /metrics: the server's state in Prometheus' text format, for a Prometheus server to scrape.
 *
 * - cc_backend_http_requests_total and cc_backend_http_request_duration_seconds (a histogram), by
 *   method, route and status class. The route is the template the router matched
 *   (/api/jobs/stop_job/:id), never the path a client sent: no job ids or user names in labels, and a
 *   bounded number of series whatever clients request.
 * - the archiving queue, the embedded metric store's size and the read pool's statement count, read
 *   when scraped;
 * - the process (memory, CPU, event loop lag, garbage collection) from prom-client's default metrics.
 *
 * Nothing in it is secret or names a user, so it is served without authentication, like /healthz.
 */
import type Koa from "koa";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { ReadPool } from "../db/read-pool/pool.js";
import type { MetricStore } from "../metricdata/internal/index.js";
import type { ServiceContext } from "../services/context.js";

export interface MetricsSources {
  /** The archiving worker: its queueLength is reported when it has one. */
  archiving?: ServiceContext["archiving"];
  reader?: ReadPool;
  metricStore?: MetricStore;
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** Requests no router matched: static files of the web UI, unknown paths. */
export const UNMATCHED_ROUTE = "(unmatched)";

/** The route label of a request: the router's template, or UNMATCHED_ROUTE. */
export function routeLabel(ctx: Koa.Context): string {
  const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
  if (typeof matched === "string") return matched;
  return matched ? "(pattern)" : UNMATCHED_ROUTE;
}

const statusClass = (status: number) => `${Math.floor(status / 100)}xx`;

/**
 * The process metrics exist once per process (they describe it, not an app), so that several apps in
 * one process (tests) do not each start an event loop monitor.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface ServerMetrics {
  /** Counts and times every request; goes first, so it sees the final status. */
  middleware: Koa.Middleware;
  /** Answers GET /metrics. */
  handler: Koa.Middleware;
  /** The app's own metrics (not the process metrics). */
  registry: Registry;
}

export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  /** Counts the scrapes, so that gauges computed together are computed once per scrape. */
  let scrapes = 0;
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({ name: "cc_backend_http_requests_total", help: "HTTP requests answered, by method, route template and status class.", labelNames, registers: [registry] });
  const latency = new Histogram({
    name: "cc_backend_http_request_duration_seconds",
    help: "Time from receiving an HTTP request until its response was sent, by method, route template and status class.",
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  const archiving = sources.archiving as { queueLength?: unknown } | undefined;
  if (archiving && typeof archiving.queueLength === "number") {
    new Gauge({
      name: "cc_backend_archiving_queue_jobs",
      help: "Stopped jobs in the archiving queue: ready, being archived, or waiting for a retry.",
      registers: [registry],
      collect() {
        this.set(archiving.queueLength as number);
      },
    });
  }

  const store = sources.metricStore;
  if (store) {
    // One pass over the store per scrape (stats() counts the samples), shared by the gauges.
    let stats: ReturnType<MetricStore["stats"]> | undefined;
    let statsScrape = -1;
    const current = () => {
      if (!stats || statsScrape !== scrapes) {
        stats = store.stats();
        statsScrape = scrapes;
      }
      return stats;
    };
    const storeGauge = (name: string, help: string, value: (s: ReturnType<MetricStore["stats"]>) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(value(current()));
        },
      });
    storeGauge("cc_backend_metric_store_series", "Series held by the embedded metric store.", (s) => s.series);
    storeGauge("cc_backend_metric_store_samples", "Samples held by the embedded metric store.", (s) => s.samples);
    storeGauge("cc_backend_metric_store_bytes", "Memory the embedded metric store accounts for its chunks and series.", (s) => s.allocatedBytes);
    storeGauge("cc_backend_metric_store_reserved_bytes", "Memory of the embedded metric store's chunk slabs, free chunks included.", (s) => s.reservedBytes);
  }

  const reader = sources.reader;
  if (reader) {
    let reported = 0;
    new Counter({
      name: "cc_backend_db_read_statements_total",
      help: "SQL statements run by the database read pool.",
      registers: [registry],
      collect() {
        const total = reader.statementCount;
        if (total > reported) this.inc(total - reported);
        reported = total;
      },
    });
  }

  const middleware: Koa.Middleware = async (ctx, next) => {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const labels = { method: METHODS.has(ctx.method) ? ctx.method : "OTHER", route: routeLabel(ctx), status: statusClass(ctx.status) };
      requests.inc(labels);
      latency.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    // Counted once the response is sent (streamed bodies included), or when the client hung up.
    ctx.res.once("finish", record);
    ctx.res.once("close", record);
    await next();
  };

  const handler: Koa.Middleware = async (ctx) => {
    scrapes++;
    const texts = await Promise.all([registry.metrics(), processMetrics().metrics()]);
    ctx.set("Cache-Control", "no-store");
    ctx.set("Content-Type", registry.contentType);
    ctx.body = `${texts.map((text) => text.trimEnd()).join("\n")}\n`;
  };

  return { middleware, handler, registry };
}
