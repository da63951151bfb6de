/**
 * Which queries answer a metric at a scope on a host. The selection of stored series is the embedded
 * store's (internal/topology.ts), so both backends answer the same request with the same series;
 * here each selection becomes a query: series that are returned as they are go into one query with
 * `aggreg: false` (one result per type-id, as cc-backend does), each series that combines several
 * stored ones into a query with `aggreg: true`.
 */
import type { Topology } from "../../archive/generated/archive-types.js";
import { planSelections, targetScope, type ScopeSelection } from "../internal/topology.js";
import type { WarningList } from "../repository.js";
import type { MetricScope } from "../scopes.js";
import type { CcmsApiQuery } from "./protocol.js";
import type { StoreMetric } from "./metrics.js";

export interface PlannedQuery {
  query: CcmsApiQuery;
  metric: StoreMetric;
  /** Scope of the resulting series. */
  scope: MetricScope;
  host: string;
  /** The series id of each result entry in order; undefined for node scope. */
  ids: (string | undefined)[];
}

/** The distinct scopes a metric is answered at, for the requested ones (default node). */
export function targetScopes(native: MetricScope, requested: MetricScope[] | undefined): MetricScope[] {
  return [...new Set((requested ?? ["node"]).map((scope) => targetScope(native, scope)))];
}

function asIs(s: ScopeSelection): boolean {
  return s.id !== undefined && s.type === s.scope && s.typeIds?.length === 1 && s.typeIds[0] === s.id;
}

/**
 * The queries for one host. `hwthreads` and `accelerators` are the job's share of the node
 * (undefined: the whole node). What the topology cannot answer becomes a warning.
 */
export function planHost(
  metric: StoreMetric,
  target: MetricScope,
  host: string,
  topology: Topology | undefined,
  warnings: WarningList,
  hwthreads?: number[],
  accelerators?: string[],
): PlannedQuery[] {
  const selections = planSelections(metric.scope, target, topology, hwthreads, accelerators);
  if (typeof selections === "string") {
    warnings.add(`"${metric.name}" on host "${host}": ${selections}`);
    return [];
  }
  const base = { metric, scope: target, host };
  if (selections.length > 0 && selections.every(asIs)) {
    const ids = selections.map((s) => s.id!);
    return [{ ...base, ids, query: { metric: metric.remote, host, aggreg: false, type: selections[0]!.type, "type-ids": ids } }];
  }
  const planned: PlannedQuery[] = [];
  for (const s of selections) {
    // Node data, or every series of the host: the store combines all it has under the host.
    if (s.type === "node" || s.typeIds === undefined) {
      planned.push({ ...base, ids: [s.id], query: { metric: metric.remote, host, aggreg: false } });
    } else if (s.typeIds.length === 0) {
      warnings.add(`"${metric.name}" (${target}) on host "${host}": none of the job's hardware threads is in the node's topology`);
    } else {
      planned.push({ ...base, ids: [s.id], query: { metric: metric.remote, host, aggreg: true, type: s.type, "type-ids": s.typeIds } });
    }
  }
  return planned;
}
