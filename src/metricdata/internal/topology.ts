/**
 * Which stored series make up a requested series: from the metric's native scope, the requested
 * scope and the node's topology (cluster.json), a list of selections, each naming the resulting
 * series (scope and id) and the stored series (type and type-ids) it combines. Finer scopes are
 * aggregated to coarser ones along the hardware threads they share (hwthread → core → memoryDomain →
 * socket → node); accelerators only aggregate to the node. Nothing finer than requested, and nothing
 * finer than measured, is ever returned.
 */
import type { Topology } from "../../archive/generated/archive-types.js";
import { coarserScope, type MetricScope } from "../scopes.js";

export interface ScopeSelection {
  /** Scope of the resulting series. */
  scope: MetricScope;
  /** Its id within the node (hwthread number, core/socket/memory domain index, accelerator id); none for node. */
  id?: string;
  /** Where the data is stored. */
  type: MetricScope;
  /** Which stored series to combine; undefined: every series of `type` on the host. */
  typeIds?: string[];
}

/** The scope a backend answers with when asked for `requested` of a metric measured at `native`. */
export function targetScope(native: MetricScope, requested: MetricScope): MetricScope {
  if (native === "accelerator") return requested === "node" ? "node" : "accelerator";
  if (requested === "accelerator") return native;
  return coarserScope(native, requested);
}

type CpuScope = "hwthread" | "core" | "memoryDomain" | "socket";

/** Hardware threads of each unit of a CPU scope, indexed by unit id (for hwthreads: [t] at t). */
function groupsOf(topology: Topology, scope: CpuScope): Map<string, number[]> | string {
  const groups = new Map<string, number[]>();
  if (scope === "hwthread") {
    for (const t of topology.node) groups.set(String(t), [t]);
    return groups;
  }
  const list = topology[scope];
  if (!list) return `the topology has no "${scope}" list`;
  list.forEach((threads, index) => groups.set(String(index), threads));
  return groups;
}

function intersects(a: number[], set: Set<number>): boolean {
  return a.some((t) => set.has(t));
}

/**
 * The selections for one host. `hwthreads` are the job's hardware threads on it (default: all of
 * the topology), `accelerators` its accelerator ids (default: all of the topology). A string is
 * returned when the topology cannot answer (e.g. a core-scope metric without `core` in it).
 */
export function planSelections(
  native: MetricScope,
  requested: MetricScope,
  topology: Topology | undefined,
  hwthreads?: number[],
  accelerators?: string[],
): ScopeSelection[] | string {
  const target = targetScope(native, requested);
  if (native === "node") return [{ scope: "node", type: "node", typeIds: [] }];

  if (native === "accelerator") {
    const ids = accelerators ?? topology?.accelerators?.map((a) => a.id) ?? [];
    if (target === "node") return ids.length === 0 ? [] : [{ scope: "node", type: "accelerator", typeIds: ids }];
    return ids.map((id) => ({ scope: "accelerator", id, type: "accelerator", typeIds: [id] }));
  }

  if (!topology) {
    if (target === "node" && !hwthreads) return [{ scope: "node", type: native }];
    // Hardware threads need no topology to be listed or summed up.
    if (native === "hwthread" && hwthreads && (target === "node" || target === "hwthread")) {
      const ids = hwthreads.map(String);
      return target === "node" ? [{ scope: "node", type: native, typeIds: ids }] : ids.map((id) => ({ scope: target, id, type: native, typeIds: [id] }));
    }
    return `no topology known for the host: cannot map ${native} to ${target}`;
  }
  const threads = new Set(hwthreads ?? topology.node);
  const nativeGroups = groupsOf(topology, native as CpuScope);
  if (typeof nativeGroups === "string") return nativeGroups;
  const touched = [...nativeGroups].filter(([, group]) => intersects(group, threads));

  if (target === "node") return [{ scope: "node", type: native, typeIds: touched.map(([id]) => id) }];
  if (target === native) return touched.map(([id]) => ({ scope: target, id, type: native, typeIds: [id] }));

  const targetGroups = groupsOf(topology, target as CpuScope);
  if (typeof targetGroups === "string") return targetGroups;
  const selections: ScopeSelection[] = [];
  for (const [id, group] of targetGroups) {
    const mine = new Set(group.filter((t) => threads.has(t)));
    if (mine.size === 0) continue;
    const typeIds = touched.filter(([, nativeGroup]) => intersects(nativeGroup, mine)).map(([nativeId]) => nativeId);
    if (typeIds.length > 0) selections.push({ scope: target, id, type: native, typeIds });
  }
  return selections;
}
