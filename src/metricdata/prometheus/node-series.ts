/**
 * One metric's node-scope series for a set of hosts: one range query, its answer sorted by host.
 */
import type { Series } from "../../archive/generated/archive-types.js";
import type { PrometheusClient } from "./client.js";
import { hostOfSeries } from "./hosts.js";
import type { MetricPlan } from "./plan.js";
import { evaluationGrid, gridValues, lastEvaluation, seriesStatistics } from "./series.js";
import { renderTemplate } from "./template.js";

export interface NodeSeriesResult {
  query: string;
  /** Host → its series; only hosts with at least one number. */
  byHost: Map<string, Series>;
  /** Hosts the answer had a series for, with or without numbers. */
  answered: Set<string>;
  /** What was odd about the answer, as warning lines. */
  notes: string[];
}

function labelText(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(", ")}}`;
}

/**
 * `hosts` undefined: every host the template's query returns. Throws the client's
 * PrometheusError when there is no answer at all.
 */
export async function loadNodeSeries(
  client: PrometheusClient,
  plan: MetricPlan,
  hosts: readonly string[] | undefined,
  from: number,
  to: number,
  signal?: AbortSignal,
): Promise<NodeSeriesResult> {
  const grid = evaluationGrid(from, to, plan.timestep);
  const query = renderTemplate(plan.template, hosts);
  const answer = await client.queryRange({ query, start: grid.from, end: lastEvaluation(grid), step: plan.timestep }, signal);

  const notes = answer.warnings.map((w) => `"${plan.name}": Prometheus warns: ${w}`);
  const wanted = hosts ? new Set(hosts) : undefined;
  const byHost = new Map<string, Series>();
  const answered = new Set<string>();
  const unmatched: Record<string, string>[] = [];
  const duplicated = new Set<string>();
  for (const row of answer.series) {
    const host = hostOfSeries(row.metric, wanted);
    if (host === undefined) {
      unmatched.push(row.metric);
      continue;
    }
    if (answered.has(host)) {
      duplicated.add(host);
      continue;
    }
    answered.add(host);
    const data = gridValues(grid, row.values);
    if (!data) {
      notes.push(`no samples in the time range for "${plan.name}" (node) on host "${host}"`);
      continue;
    }
    const statistics = seriesStatistics(data)!;
    byHost.set(host, { hostname: host, statistics, data });
  }
  if (unmatched.length > 0) {
    notes.push(`"${plan.name}": ${unmatched.length} series of the answer name no requested host (host labels: hostname, host, exported_instance, instance, node, nodename), e.g. ${labelText(unmatched[0]!)}`);
  }
  for (const host of duplicated) notes.push(`"${plan.name}": several series for host "${host}", the first is used; the template should aggregate by host`);
  return { query, byHost, answered, notes };
}
