import { A, useParams } from "@solidjs/router";
import { createSignal, For, onCleanup, Show, startTransition, type JSX, type Resource } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import type { StatusClusterInfoQuery, StatusNodeLoadQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import { convertPrefix, createFreshQuery, createWidth } from "../systems/common.js";
import { Histogram } from "./Histogram.js";

const ClusterInfoDocument = graphql(`
  query StatusClusterInfo {
    clusters {
      name
      metricConfig {
        name
      }
      subClusters {
        name
        numberOfNodes
        flopRateSimd {
          value
          unit {
            base
            prefix
          }
        }
        memoryBandwidth {
          value
          unit {
            base
            prefix
          }
        }
      }
    }
  }
`);

const NodeLoadDocument = graphql(`
  query StatusNodeLoad($cluster: String!, $metrics: [String!], $from: Time!, $to: Time!) {
    nodeMetrics(cluster: $cluster, metrics: $metrics, from: $from, to: $to) {
      host
      subCluster
      metrics {
        name
        metric {
          unit {
            base
            prefix
          }
          series {
            data
          }
        }
      }
    }
  }
`);

const RunningJobsDocument = graphql(`
  query StatusRunningJobs($cluster: String!, $filter: [JobFilter!]!) {
    allocatedNodes(cluster: $cluster) {
      name
      count
    }
    topUsers: jobsCount(filter: $filter, groupBy: USER, weight: NODE_COUNT, limit: 10) {
      name
      count
    }
    topProjects: jobsCount(filter: $filter, groupBy: PROJECT, weight: NODE_COUNT, limit: 10) {
      name
      count
    }
    stats: jobsStatistics(filter: $filter) {
      histDuration {
        value
        count
      }
      histNumNodes {
        value
        count
      }
    }
  }
`);

type ClusterInfo = StatusClusterInfoQuery["clusters"][number];
type SubClusterInfo = ClusterInfo["subClusters"][number];
type NodeLoad = StatusNodeLoadQuery["nodeMetrics"];

const REFRESH_SECONDS = 60;
/** Node metrics of the last minutes: the newest sample of each node counts as "now". */
const WINDOW_SECONDS = 5 * 60;
const FLOP_METRIC = "flops_any";
const MEMBW_METRIC = "mem_bw";

/** /monitoring/status/:cluster — what the cluster does right now; refreshes itself every minute. */
export default function Status() {
  const params = useParams<{ cluster: string }>();
  const clusters = createQuery(ClusterInfoDocument, () => ({}));
  return (
    <>
      <h1 class="h4 mb-3">
        <i class="bi bi-clipboard-data me-2" aria-hidden="true" />
        Current utilization of cluster “{params.cluster}”
      </h1>
      <QueryView resource={clusters} what="the cluster configuration">
        {(data) => (
          <Show
            when={data.clusters.find((c) => c.name === params.cluster)}
            keyed
            fallback={
              <div class="alert alert-warning" role="alert">
                There is no cluster named “{params.cluster}”.
              </div>
            }
          >
            {(cluster) => <StatusBody cluster={cluster} />}
          </Show>
        )}
      </QueryView>
    </>
  );
}

function StatusBody(props: { cluster: ClusterInfo }) {
  const [now, setNow] = createSignal(Date.now());
  const [auto, setAuto] = createSignal(true);
  // A transition keeps the current numbers on screen while the next ones load.
  const refresh = () => void startTransition(() => setNow(Date.now()));
  const timer = setInterval(() => auto() && refresh(), REFRESH_SECONDS * 1000);
  onCleanup(() => clearInterval(timer));

  const known = () => props.cluster.metricConfig.map((m) => m.name);
  const loadMetrics = () => [FLOP_METRIC, MEMBW_METRIC].filter((m) => known().includes(m));
  const load = createFreshQuery(NodeLoadDocument, () =>
    loadMetrics().length > 0
      ? { cluster: props.cluster.name, metrics: loadMetrics(), from: new Date(now() - WINDOW_SECONDS * 1000).toISOString(), to: new Date(now()).toISOString() }
      : undefined,
  );
  const jobs = createFreshQuery(
    RunningJobsDocument,
    () => ({ cluster: props.cluster.name, filter: [{ state: ["running"] }, { cluster: { eq: props.cluster.name } }] }),
    now,
  );

  return (
    <>
      <div class="d-flex flex-wrap align-items-center gap-3 mb-3">
        <div class="form-check form-switch mb-0">
          <input class="form-check-input" type="checkbox" role="switch" id="status-auto-refresh" checked={auto()} onChange={(e) => setAuto(e.currentTarget.checked)} />
          <label class="form-check-label" for="status-auto-refresh">
            Refresh every {REFRESH_SECONDS} s
          </label>
        </div>
        <button type="button" class="btn btn-sm btn-outline-secondary" onClick={refresh}>
          <i class="bi bi-arrow-clockwise me-1" aria-hidden="true" />
          Refresh now
        </button>
        <span class="text-body-secondary small" data-testid="status-updated">
          As of {new Date(now()).toLocaleTimeString()}
        </span>
      </div>

      <h2 class="h5">Subclusters</h2>
      <div class="row row-cols-1 row-cols-lg-2 g-3 mb-4">
        <For each={props.cluster.subClusters}>
          {(sub) => (
            <div class="col">
              <section class="card h-100" data-testid="subcluster-card" aria-label={`Subcluster ${sub.name}`}>
                <div class="card-header">
                  Subcluster “{sub.name}” <span class="text-body-secondary small">({sub.numberOfNodes} nodes)</span>
                </div>
                <div class="card-body">
                  <table class="table table-borderless table-sm align-middle mb-0">
                    <tbody>
                      <tr>
                        <th scope="row" class="w-25">
                          Allocated nodes
                        </th>
                        <td>
                          <QueryView resource={jobs} what="allocated nodes">
                            {() => {
                              const count = () => jobs()!.allocatedNodes.find((a) => a.name === sub.name)?.count ?? 0;
                              return <Gauge value={count()} max={sub.numberOfNodes} text={`${count()} / ${sub.numberOfNodes} nodes`} label={`Allocated nodes of ${sub.name}`} />;
                            }}
                          </QueryView>
                        </td>
                      </tr>
                      <RateRow title="Flop rate (any)" help="Flops[Any] = 2 × Flops[Double] + Flops[Single]; peak: SIMD flop rate × nodes" sub={sub} metric={FLOP_METRIC} peak={sub.flopRateSimd} load={load} available={loadMetrics().includes(FLOP_METRIC)} />
                      <RateRow title="Memory bandwidth" help="Peak: memory bandwidth × nodes" sub={sub} metric={MEMBW_METRIC} peak={sub.memoryBandwidth} load={load} available={loadMetrics().includes(MEMBW_METRIC)} />
                    </tbody>
                  </table>
                </div>
              </section>
            </div>
          )}
        </For>
      </div>

      <QueryView resource={jobs} what="the running jobs">
        {() => (
          <>
            <div class="row g-4 mb-4">
              <div class="col-12 col-lg-6">
                <TopTable title="Top users" column="User" entries={jobs()!.topUsers} href={(name) => `/monitoring/user/${encodeURIComponent(name)}?cluster=${encodeURIComponent(props.cluster.name)}&state=running`} testid="top-users" />
              </div>
              <div class="col-12 col-lg-6">
                <TopTable
                  title="Top projects"
                  column="Project"
                  entries={jobs()!.topProjects}
                  href={(name) => `/monitoring/jobs/?cluster=${encodeURIComponent(props.cluster.name)}&state=running&project=${encodeURIComponent(name)}&projectMatch=eq`}
                  testid="top-projects"
                />
              </div>
            </div>
            <div class="row g-4">
              <div class="col-12 col-lg-6">
                <HistogramCard title="Running jobs by duration" xlabel="Running for [h]" data={jobs()!.stats[0]?.histDuration ?? []} />
              </div>
              <div class="col-12 col-lg-6">
                <HistogramCard title="Running jobs by number of nodes" xlabel="Nodes" data={jobs()!.stats[0]?.histNumNodes ?? []} />
              </div>
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}

/** A progress bar with its text. */
function Gauge(props: { value: number; max: number; text: string; label: string }) {
  const percent = () => (props.max > 0 ? Math.min(100, (100 * props.value) / props.max) : 0);
  return (
    <div class="d-flex align-items-center gap-3">
      <div class="progress flex-grow-1" style={{ "min-width": "120px" }} role="progressbar" aria-label={props.label} aria-valuenow={Math.round(percent())} aria-valuemin="0" aria-valuemax="100">
        <div class="progress-bar" style={{ width: `${percent()}%` }} />
      </div>
      <span class="text-nowrap">{props.text}</span>
    </div>
  );
}

interface Rate {
  value: number;
  unit: { base: string; prefix?: string | null };
}

/** The newest sample of each node of the subcluster, summed up, in the peak's unit prefix. */
function sumNow(nodes: NodeLoad, subCluster: string, metric: string, prefix: string | null | undefined): { sum: number; nodes: number } {
  let sum = 0;
  let count = 0;
  for (const node of nodes) {
    if (node.subCluster !== subCluster) continue;
    const entry = node.metrics.find((m) => m.name === metric);
    if (!entry) continue;
    let found = false;
    for (const series of entry.metric.series ?? []) {
      const data = series.data as (number | null)[];
      for (let i = data.length - 1; i >= 0; i--) {
        const v = data[i];
        if (typeof v === "number" && Number.isFinite(v)) {
          sum += v * convertPrefix(entry.metric.unit?.prefix, prefix);
          found = true;
          break;
        }
      }
    }
    if (found) count++;
  }
  return { sum, nodes: count };
}

const SI = ["", "K", "M", "G", "T", "P", "E"];

/** 12345 with prefix G and base F/s → "12.3 TF/s". */
export function formatRate(value: number, prefix: string | null | undefined, base: string): string {
  let index = Math.max(0, SI.indexOf((prefix ?? "").toUpperCase()));
  let v = value;
  while (Math.abs(v) >= 1000 && index < SI.length - 1) {
    v /= 1000;
    index++;
  }
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${SI[index]}${base}`;
}

function RateRow(props: { title: string; help: string; sub: SubClusterInfo; metric: string; peak: Rate; load: Resource<StatusNodeLoadQuery>; available: boolean }) {
  const peak = () => props.peak.value * props.sub.numberOfNodes;
  const unit = (value: number) => formatRate(value, props.peak.unit.prefix, props.peak.unit.base);
  return (
    <tr>
      <th scope="row">
        {props.title}
        <i class="bi bi-info-circle ms-1 text-body-secondary" title={props.help} aria-label={props.help} role="img" />
      </th>
      <td>
        <Show when={props.available} fallback={<span class="text-body-secondary small">The cluster has no metric <code>{props.metric}</code>.</span>}>
          <QueryView resource={props.load} what={props.metric}>
            {() => {
              const now = () => sumNow(props.load()!.nodeMetrics, props.sub.name, props.metric, props.peak.unit.prefix);
              return (
                <Show
                  when={now().nodes > 0}
                  fallback={
                    <span class="text-body-secondary small">
                      No <code>{props.metric}</code> data from this subcluster in the last {WINDOW_SECONDS / 60} minutes (peak {unit(peak())}).
                    </span>
                  }
                >
                  <Gauge value={now().sum} max={peak()} label={`${props.title} of ${props.sub.name}`} text={`${unit(now().sum)} / ${unit(peak())} (${now().nodes} node${now().nodes === 1 ? "" : "s"} reporting)`} />
                </Show>
              );
            }}
          </QueryView>
        </Show>
      </td>
    </tr>
  );
}

function TopTable(props: { title: string; column: string; entries: readonly { name: string; count: number }[]; href: (name: string) => string; testid: string }): JSX.Element {
  const sorted = () => [...props.entries].sort((a, b) => b.count - a.count);
  const max = () => Math.max(1, ...props.entries.map((e) => e.count));
  return (
    <section class="card h-100" aria-label={props.title}>
      <div class="card-header">{props.title} (by allocated nodes of running jobs)</div>
      <div class="card-body">
        <Show when={sorted().length > 0} fallback={<p class="text-body-secondary mb-0">No running jobs.</p>}>
          <table class="table table-sm align-middle mb-0" data-testid={props.testid}>
            <thead>
              <tr>
                <th scope="col">{props.column}</th>
                <th scope="col" class="text-end">
                  Nodes
                </th>
                <th scope="col" class="w-50">
                  <span class="visually-hidden">Share</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={sorted()}>
                {(entry) => (
                  <tr>
                    <td>
                      <A href={props.href(entry.name)}>{entry.name}</A>
                    </td>
                    <td class="text-end">{entry.count}</td>
                    <td>
                      <div class="progress" style={{ height: "0.6rem" }} aria-hidden="true">
                        <div class="progress-bar bg-info" style={{ width: `${(100 * entry.count) / max()}%` }} />
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </div>
    </section>
  );
}

function HistogramCard(props: { title: string; xlabel: string; data: readonly { value: number; count: number }[] }) {
  const [measure, width] = createWidth(500);
  return (
    <section class="card h-100" aria-label={props.title}>
      <div class="card-header">{props.title}</div>
      <div class="card-body" ref={measure}>
        <Show when={props.data.length > 0} fallback={<p class="text-body-secondary mb-0">No running jobs.</p>}>
          <Histogram data={props.data} width={width()} height={220} xlabel={props.xlabel} ylabel="Jobs" label={`${props.title}: ${props.data.map((p) => `${p.value}: ${p.count}`).join(", ")}`} />
        </Show>
      </div>
    </section>
  );
}
