import { CombinedError, stringifyDocument } from "@urql/core";
import { graphql } from "../generated/graphql/index.js";
import type { JobListSeriesFragment, JobListStatsFragment } from "../generated/graphql/graphql.js";
import { client } from "../graphql/client.js";

/**
 * Metric data for the job list's plots. Rows ask as they scroll into view; the asks of a short
 * moment are sent together — one GraphQL request with one aliased `jobMetrics` per job, at most
 * BATCH_SIZE jobs each and MAX_IN_FLIGHT requests at a time — so a page never becomes one giant
 * query nor fifty separate ones. Results are cached per job and metric: re-rendered rows, and a
 * metric selection that only adds a metric, load nothing twice.
 */

const SeriesFragment = graphql(`
  fragment JobListSeries on JobMetricWithName {
    name
    scope
    metric {
      timestep
      unit {
        prefix
        base
      }
      series {
        hostname
        id
        data
      }
    }
  }
`);

const StatsFragment = graphql(`
  fragment JobListStats on JobMetricWithName {
    name
    scope
    metric {
      timestep
      unit {
        prefix
        base
      }
      statisticsSeries {
        min
        mean
        max
      }
    }
  }
`);

export type JobListMetric = JobListSeriesFragment | JobListStatsFragment;

export interface MetricRequest {
  /** The job's database id. */
  id: string;
  metrics: string[];
  /** min/mean/max instead of one series per node (jobs with many nodes). */
  statistics: boolean;
  /** Seconds between points wanted. */
  resolution: number;
  /** Part of the cache key: a new generation loads again (refresh of running jobs). */
  generation: number;
}

const BATCH_SIZE = 6;
const MAX_IN_FLIGHT = 2;
const DELAY_MS = 30;
const CACHE_LIMIT = 2000;

interface Pending {
  key: string;
  request: MetricRequest;
  metric: string;
  resolve: (value: JobListMetric[]) => void;
  reject: (error: Error) => void;
}

const cache = new Map<string, Promise<JobListMetric[]>>();
let queue: Pending[] = [];
let inFlight = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

const cacheKey = (r: MetricRequest, metric: string) => `${r.id}|${r.statistics ? "s" : "n"}|${r.resolution}|${r.generation}|${metric}`;

/** The data of the requested metrics of one job (node scope), in no particular order. */
export async function loadJobMetrics(request: MetricRequest): Promise<JobListMetric[]> {
  const parts = request.metrics.map((metric) => {
    const key = cacheKey(request, metric);
    let promise = cache.get(key);
    if (!promise) {
      promise = new Promise<JobListMetric[]>((resolve, reject) => queue.push({ key, request, metric, resolve, reject }));
      cache.set(key, promise);
      // A failed load is not kept: the next render may try again.
      promise.catch(() => cache.get(key) === promise && cache.delete(key));
      if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
      schedule();
    }
    return promise;
  });
  return (await Promise.all(parts)).flat();
}

function schedule(): void {
  if (timer !== undefined || queue.length === 0 || inFlight >= MAX_IN_FLIGHT) return;
  timer = setTimeout(() => {
    timer = undefined;
    while (queue.length > 0 && inFlight < MAX_IN_FLIGHT) void send(takeBatch());
  }, DELAY_MS);
}

/** The pending metrics of up to BATCH_SIZE jobs (one alias per job and shape). */
function takeBatch(): Map<string, Pending[]> {
  const groups = new Map<string, Pending[]>();
  const rest: Pending[] = [];
  for (const pending of queue) {
    const group = `${pending.request.id}|${pending.request.statistics}|${pending.request.resolution}|${pending.request.generation}`;
    const existing = groups.get(group);
    if (existing) existing.push(pending);
    else if (groups.size < BATCH_SIZE) groups.set(group, [pending]);
    else rest.push(pending);
  }
  queue = rest;
  return groups;
}

async function send(groups: Map<string, Pending[]>): Promise<void> {
  inFlight++;
  const entries = [...groups.values()];
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const fields: string[] = [];
  let needSeries = false;
  let needStats = false;
  entries.forEach((pendings, i) => {
    const { request } = pendings[0]!;
    variables[`id${i}`] = request.id;
    variables[`m${i}`] = pendings.map((p) => p.metric);
    variables[`r${i}`] = request.resolution;
    declarations.push(`$id${i}: ID!, $m${i}: [String!], $r${i}: Int`);
    fields.push(`j${i}: jobMetrics(id: $id${i}, metrics: $m${i}, scopes: [node], resolution: $r${i}) { ...${request.statistics ? "JobListStats" : "JobListSeries"} }`);
    if (request.statistics) needStats = true;
    else needSeries = true;
  });
  const fragments = [needSeries ? stringifyDocument(SeriesFragment) : "", needStats ? stringifyDocument(StatsFragment) : ""].join("\n");
  const query = `query JobListMetricsBatch(${declarations.join(", ")}) {\n${fields.join("\n")}\n}\n${fragments}`;
  try {
    const result = await client.query<Record<string, JobListMetric[] | null>>(query, variables, { requestPolicy: "network-only" }).toPromise();
    if (!result.data && result.error && entries.length > 1) {
      // jobMetrics is non-null: one job's error voids the whole answer. Fail that job, ask again for the others.
      const failing = new Set(result.error.graphQLErrors.map((e) => e.path?.[0]).filter((p) => typeof p === "string"));
      if (failing.size > 0 && failing.size < entries.length) {
        entries.forEach((pendings, i) => {
          if (failing.has(`j${i}`)) for (const p of pendings) p.reject(errorFor(result.error, `j${i}`));
          else queue.unshift(...pendings);
        });
        return;
      }
    }
    entries.forEach((pendings, i) => {
      const alias = `j${i}`;
      const data = result.data?.[alias];
      if (data) {
        for (const p of pendings) p.resolve(data.filter((m) => m.name === p.metric));
        return;
      }
      const error = errorFor(result.error, alias);
      for (const p of pendings) p.reject(error);
    });
  } catch (error) {
    for (const pendings of entries) for (const p of pendings) p.reject(error instanceof Error ? error : new Error(String(error)));
  } finally {
    inFlight--;
    schedule();
  }
}

/** The error of one alias (GraphQL errors carry their path), or the request's error. */
function errorFor(error: CombinedError | undefined, alias: string): Error {
  if (!error) return new Error("no data returned");
  const own = error.graphQLErrors.find((e) => e.path?.[0] === alias);
  if (own) return new Error(own.message);
  if (error.networkError) return new Error(error.networkError.message);
  return new Error(error.graphQLErrors[0]?.message ?? error.message.replace(/^\[(GraphQL|Network)\] /, ""));
}
