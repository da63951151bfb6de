import { createSignal } from "solid-js";
import { client } from "../graphql/client.js";
import { key } from "./metrics.js";
import { asEntries, JobViewMetricsDocument, type JobMetricEntry } from "./queries.js";

/** One jobMetrics request; GraphQL or network errors throw. */
export async function fetchJobMetrics(id: string, metrics: string[], scopes: string[], resolution: number | null): Promise<JobMetricEntry[]> {
  const result = await client.query(JobViewMetricsDocument, { id, metrics, scopes, resolution }, { requestPolicy: "network-only" }).toPromise();
  if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
  if (!result.data) throw new Error("empty response from server");
  return asEntries(result.data.jobMetrics);
}

/**
 * Metric data loaded after the first request (other scopes a plot asks for), with what is still on
 * its way and what failed, per metric and scope.
 */
export function createMetricLoader(jobId: string, resolution: number) {
  const [loaded, setLoaded] = createSignal<JobMetricEntry[]>([]);
  const [pending, setPending] = createSignal<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = createSignal<ReadonlyMap<string, string>>(new Map());
  const requested = new Set<string>();

  const load = async (metrics: string[], scopes: string[]) => {
    const keys = metrics.flatMap((m) => scopes.map((s) => key(m, s))).filter((k) => !requested.has(k));
    if (keys.length === 0) return;
    for (const k of keys) requested.add(k);
    setPending((p) => new Set([...p, ...keys]));
    try {
      const entries = await fetchJobMetrics(jobId, metrics, scopes, resolution);
      const fresh = new Set(entries.map((e) => key(e.name, e.scope)));
      setLoaded((old) => [...old.filter((e) => !fresh.has(key(e.name, e.scope))), ...entries]);
    } catch (error) {
      setErrors((old) => new Map([...old, ...keys.map((k) => [k, error instanceof Error ? error.message : String(error)] as const)]));
    } finally {
      setPending((p) => new Set([...p].filter((k) => !keys.includes(k))));
    }
  };

  return {
    /** The entry for a metric at a scope: from the first load (`base`) or loaded since. */
    find(base: readonly JobMetricEntry[], name: string, scope: string): JobMetricEntry | undefined {
      return loaded().find((e) => e.name === name && e.scope === scope) ?? base.find((e) => e.name === name && e.scope === scope);
    },
    isPending: (name: string, scope: string) => pending().has(key(name, scope)),
    errorOf: (name: string, scope: string) => errors().get(key(name, scope)),
    wasRequested: (name: string, scope: string) => requested.has(key(name, scope)),
    /** The first load asked for these already. */
    markRequested(metrics: string[], scopes: string[]) {
      for (const m of metrics) for (const s of scopes) requested.add(key(m, s));
    },
    load,
  };
}

export type MetricLoader = ReturnType<typeof createMetricLoader>;
