import type { AnyVariables, TypedDocumentNode } from "@urql/core";
import { createResource, createSignal, For, onCleanup, Show, type JSX, type Resource } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import { client } from "../graphql/client.js";
import { MetricPlot } from "../plots/MetricPlot.js";

/**
 * Helpers shared by the systems, node and status views: the time-range selector, the node-metrics
 * query, fresh (uncached) queries, container widths and unit texts.
 */

export const NodeMetricsDocument = graphql(`
  query SystemsNodeMetrics($cluster: String!, $nodes: [String!], $metrics: [String!], $from: Time!, $to: Time!) {
    nodeMetrics(cluster: $cluster, nodes: $nodes, metrics: $metrics, from: $from, to: $to) {
      host
      subCluster
      metrics {
        name
        scope
        metric {
          timestep
          unit {
            base
            prefix
          }
          series {
            hostname
            data
            statistics {
              min
              avg
              max
            }
          }
        }
      }
    }
  }
`);

export const ClusterMetricConfigDocument = graphql(`
  query SystemsClusterConfig {
    clusters {
      name
      metricConfig {
        name
        scope
        peak
        alert
        unit {
          base
          prefix
        }
        subClusters {
          name
          peak
          alert
          remove
        }
      }
      subClusters {
        name
        numberOfNodes
      }
    }
  }
`);

/**
 * A query that always asks the server (no cached answer): for views that refresh themselves and for
 * settings that change. `variables` returning undefined means "not yet"; a changing `tick` refetches
 * with the same variables.
 */
export function createFreshQuery<Data, Variables extends AnyVariables>(
  document: TypedDocumentNode<Data, Variables>,
  variables: () => Variables | undefined,
  tick: () => number = () => 0,
): Resource<Data> {
  const [resource] = createResource(
    () => {
      const vars = variables();
      return vars === undefined ? false : { vars, tick: tick() };
    },
    async ({ vars }) => {
      const result = await client.query(document, vars, { requestPolicy: "network-only" }).toPromise();
      if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
      if (!result.data) throw new Error("empty response from server");
      return result.data;
    },
  );
  return resource;
}

export interface Unit {
  base: string;
  prefix?: string | null;
}

export function unitText(unit: Unit | null | undefined): string {
  return unit ? `${unit.prefix ?? ""}${unit.base}` : "";
}

const PREFIX_FACTORS: Record<string, number> = { "": 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Factor from one SI prefix to another: convertPrefix("M", "G") = 0.001. */
export function convertPrefix(from: string | null | undefined, to: string | null | undefined): number {
  const a = PREFIX_FACTORS[(from ?? "").toUpperCase()] ?? 1;
  const b = PREFIX_FACTORS[(to ?? "").toUpperCase()] ?? 1;
  return a / b;
}

/** The width of an element, kept up to date with a ResizeObserver; use as `ref={measure}`. */
export function createWidth(initial = 600): [measure: (el: HTMLElement) => void, width: () => number] {
  const [width, setWidth] = createSignal(initial);
  let observer: ResizeObserver | undefined;
  const measure = (el: HTMLElement) => {
    observer?.disconnect();
    observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0 && w !== width()) setWidth(w);
    });
    observer.observe(el);
    if (el.clientWidth > 0) setWidth(el.clientWidth);
  };
  onCleanup(() => observer?.disconnect());
  return [measure, width];
}

export const TIME_PRESETS: readonly (readonly [label: string, seconds: number])[] = [
  ["Last 30 minutes", 30 * 60],
  ["Last hour", 3600],
  ["Last 2 hours", 2 * 3600],
  ["Last 4 hours", 4 * 3600],
  ["Last 12 hours", 12 * 3600],
  ["Last 24 hours", 24 * 3600],
];

export interface TimeRange {
  from: Date;
  to: Date;
  /** Seconds before now, or undefined for a custom range. */
  preset?: number;
}

export function lastSeconds(seconds: number): TimeRange {
  const to = new Date();
  return { from: new Date(to.getTime() - seconds * 1000), to, preset: seconds };
}

/** The time range of ?from=&to= (ISO or unix seconds), else the last `seconds`. */
export function initialRange(search: { from?: string | string[]; to?: string | string[] }, seconds = 1800): TimeRange {
  const parse = (value: string | string[] | undefined) => {
    const text = Array.isArray(value) ? value[0] : value;
    if (!text) return undefined;
    const date = /^\d+$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
    return Number.isNaN(date.getTime()) ? undefined : date;
  };
  const from = parse(search.from);
  const to = parse(search.to);
  return from && to && from < to ? { from, to } : lastSeconds(seconds);
}

/** A Date as the value of <input type="datetime-local"> (local time, minutes). */
function toLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatDateTime(date: Date): string {
  return date.toLocaleString(undefined, { dateStyle: "short", timeStyle: "short" });
}

/** Last 30 min … 24 h, or a custom range; "Refresh" moves a preset range to now. */
export function TimeRangeSelect(props: { value: TimeRange; onChange: (range: TimeRange) => void }) {
  const [custom, setCustom] = createSignal(props.value.preset === undefined);
  const [fromText, setFromText] = createSignal(toLocalInput(props.value.from));
  const [toText, setToText] = createSignal(toLocalInput(props.value.to));
  const [error, setError] = createSignal("");

  const onSelect = (value: string) => {
    setError("");
    if (value === "custom") {
      setFromText(toLocalInput(props.value.from));
      setToText(toLocalInput(props.value.to));
      setCustom(true);
      return;
    }
    setCustom(false);
    props.onChange(lastSeconds(Number(value)));
  };
  const apply = (event: SubmitEvent) => {
    event.preventDefault();
    const from = new Date(fromText());
    const to = new Date(toText());
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return setError("Enter both a start and an end.");
    if (!(from < to)) return setError("The start must be before the end.");
    setError("");
    props.onChange({ from, to });
  };

  return (
    <form class="d-flex flex-wrap align-items-start gap-2" onSubmit={apply} aria-label="Time range">
      <div class="input-group w-auto">
        <label class="input-group-text" for="time-range-select">
          <i class="bi bi-clock-history me-1" aria-hidden="true" />
          Time
        </label>
        <select id="time-range-select" class="form-select" value={custom() ? "custom" : String(props.value.preset ?? "custom")} onChange={(e) => onSelect(e.currentTarget.value)}>
          <For each={TIME_PRESETS}>{([label, seconds]) => <option value={String(seconds)}>{label}</option>}</For>
          <option value="custom">Custom…</option>
        </select>
        <Show when={!custom()}>
          <button type="button" class="btn btn-outline-secondary" title="Move the range to now" onClick={() => props.value.preset && props.onChange(lastSeconds(props.value.preset))}>
            <i class="bi bi-arrow-clockwise" aria-hidden="true" />
            <span class="visually-hidden">Refresh</span>
          </button>
        </Show>
      </div>
      <Show when={custom()}>
        <div class="input-group w-auto">
          <label class="input-group-text" for="time-range-from">
            from
          </label>
          <input id="time-range-from" class="form-control" type="datetime-local" value={fromText()} onInput={(e) => setFromText(e.currentTarget.value)} />
          <label class="input-group-text" for="time-range-to">
            to
          </label>
          <input id="time-range-to" class="form-control" type="datetime-local" value={toText()} onInput={(e) => setToText(e.currentTarget.value)} />
          <button type="submit" class="btn btn-primary">
            Apply
          </button>
        </div>
        <Show when={error()}>
          <div class="text-danger small align-self-center" role="alert">
            {error()}
          </div>
        </Show>
      </Show>
    </form>
  );
}

/** The per-subcluster thresholds of a metric (cluster.json), and whether it is removed there. */
export function metricThresholds(
  metric: { peak: number; alert: number; subClusters: readonly { name: string; peak?: number | null; alert?: number | null; remove?: boolean | null }[] } | undefined,
  subCluster: string,
): { peak?: number; alert?: number; removed: boolean } {
  if (!metric) return { removed: false };
  const own = metric.subClusters.find((s) => s.name === subCluster);
  return { peak: own?.peak ?? metric.peak, alert: own?.alert ?? metric.alert, removed: !!own?.remove };
}

/** One metric of one node as nodeMetrics returns it (the fields a plot needs). */
export interface NodeMetricEntry {
  metric: { timestep: number; unit?: Unit | null; series?: { hostname: string; data: unknown[] }[] | null };
}

/** A node's metric as a plot, or a message when the range has no data for it. */
export function NodeMetricPlot(props: { entry: NodeMetricEntry | undefined; width: number; height: number; limits: { peak?: number | null; alert?: number | null }; empty: JSX.Element }) {
  return (
    <Show
      when={props.entry}
      fallback={
        <div class="alert alert-warning mb-0" role="status">
          {props.empty}
        </div>
      }
    >
      {(e) => (
        <MetricPlot
          width={props.width}
          height={props.height}
          timestep={e().metric.timestep}
          unit={unitText(e().metric.unit)}
          series={e().metric.series?.map((s) => ({ label: s.hostname, data: s.data as (number | null)[] })) ?? []}
          thresholds={{ peak: props.limits.peak, alert: props.limits.alert }}
        />
      )}
    </Show>
  );
}
