import { A, useParams, useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { currentSettings } from "../app/user-settings.js";
import { intSetting, type Settings } from "../config/settings.js";
import { graphql } from "../generated/graphql/index.js";
import type { SystemsClusterConfigQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import {
  NodeMetricPlot,
  ClusterMetricConfigDocument,
  createFreshQuery,
  createWidth,
  formatDateTime,
  initialRange,
  metricThresholds,
  NodeMetricsDocument,
  TimeRangeSelect,
  unitText,
  type TimeRange,
} from "./common.js";

type ClusterConfig = SystemsClusterConfigQuery["clusters"][number];

const NodeJobsDocument = graphql(`
  query SystemsNodeJobs($filter: [JobFilter!], $page: PageRequest, $order: OrderByInput) {
    jobs(filter: $filter, page: $page, order: $order) {
      count
      items {
        id
        jobId
        user
        project
        startTime
        duration
        state
        numNodes
      }
    }
  }
`);

/** At most this many jobs started before the range's end are looked at for overlap with it. */
const JOB_LIMIT = 200;

/** /monitoring/node/:cluster/:hostname — every metric of one node, and the jobs on it. */
export default function NodeView() {
  const params = useParams<{ cluster: string; hostname: string }>();
  const clusters = createQuery(ClusterMetricConfigDocument, () => ({}));

  return (
    <>
      <h1 class="h4 mb-3">
        <i class="bi bi-hdd me-2" aria-hidden="true" />
        Node {params.hostname} <span class="text-body-secondary">({params.cluster})</span>
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
                {(cluster) => <NodeBody cluster={cluster} hostname={params.hostname} settings={currentSettings()} />}
              </Show>
            )}
          </QueryView>
    </>
  );
}

function NodeBody(props: { cluster: ClusterConfig; hostname: string; settings: Settings }) {
  const [search] = useSearchParams<{ from?: string; to?: string }>();
  const [range, setRange] = createSignal<TimeRange>(initialRange(search));
  const perRow = () => Math.min(6, intSetting(props.settings, "plot_view_plotsPerRow", 3));
  const [measure, gridWidth] = createWidth(1200);
  const plotWidth = () => Math.max(200, Math.floor((gridWidth() - 16 * (perRow() - 1)) / perRow()) - 18);

  const metrics = createFreshQuery(NodeMetricsDocument, () => ({
    cluster: props.cluster.name,
    nodes: [props.hostname],
    from: range().from.toISOString(),
    to: range().to.toISOString(),
  }));
  const jobs = createFreshQuery(NodeJobsDocument, () => ({
    filter: [{ cluster: { eq: props.cluster.name } }, { node: { eq: props.hostname } }, { startTime: { to: range().to.toISOString() } }],
    page: { itemsPerPage: JOB_LIMIT, page: 1 },
    order: { field: "startTime", order: "DESC" as const },
  }));
  const sortedConfig = () => [...props.cluster.metricConfig].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <div class="d-flex flex-wrap gap-2 mb-3 align-items-start">
        <TimeRangeSelect value={range()} onChange={setRange} />
        <A class="btn btn-outline-secondary" href={`/monitoring/systems/${encodeURIComponent(props.cluster.name)}`}>
          <i class="bi bi-hdd-rack me-1" aria-hidden="true" />
          All nodes of {props.cluster.name}
        </A>
      </div>

      <h2 class="h5">Jobs on this node</h2>
      <div class="mb-4">
        <QueryView resource={jobs} what="the jobs of this node">
          {() => {
            const from = () => range().from.getTime() / 1000;
            // Started before the range's end (server filter) and not finished before its start.
            const overlapping = createMemo(() =>
              jobs()!.jobs.items.filter((job) => job.state === "running" || Date.parse(job.startTime) / 1000 + job.duration >= from()),
            );
            const running = () => overlapping().filter((job) => job.state === "running").length;
            return (
              <Show
                when={overlapping().length > 0}
                fallback={
                  <p class="text-body-secondary" data-testid="node-jobs-empty">
                    No job ran on this node in the selected time range.
                  </p>
                }
              >
                <p class="small mb-1" data-testid="node-jobs-summary">
                  {overlapping().length} job{overlapping().length === 1 ? "" : "s"} in the time range, {running()} running now.
                </p>
                <div class="table-responsive">
                  <table class="table table-sm table-hover align-middle" data-testid="node-jobs">
                    <thead>
                      <tr>
                        <th scope="col">Job ID</th>
                        <th scope="col">User</th>
                        <th scope="col">Project</th>
                        <th scope="col">Start</th>
                        <th scope="col">Duration</th>
                        <th scope="col">Nodes</th>
                        <th scope="col">State</th>
                      </tr>
                    </thead>
                    <tbody>
                      <For each={overlapping()}>
                        {(job) => (
                          <tr>
                            <td>
                              <A href={`/monitoring/job/${encodeURIComponent(job.id)}`}>{job.jobId}</A>
                            </td>
                            <td>
                              <A href={`/monitoring/user/${encodeURIComponent(job.user)}`}>{job.user}</A>
                            </td>
                            <td>{job.project}</td>
                            <td>{formatDateTime(new Date(job.startTime))}</td>
                            <td>{job.state === "running" ? formatHours(Date.now() / 1000 - Date.parse(job.startTime) / 1000) : formatHours(job.duration)}</td>
                            <td>{job.numNodes}</td>
                            <td>
                              <span class={`badge ${job.state === "running" ? "text-bg-success" : "text-bg-secondary"}`}>{job.state}</span>
                            </td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              </Show>
            );
          }}
        </QueryView>
      </div>

      <h2 class="h5">Metrics</h2>
      <div ref={measure}>
        <QueryView resource={metrics} what="node metrics">
          {() => {
            const node = () => metrics()!.nodeMetrics.find((n) => n.host === props.hostname);
            return (
              <Show
                when={node() && node()!.metrics.length > 0}
                fallback={
                  <div class="alert alert-info" role="status" data-testid="node-empty">
                    Node “{props.hostname}” sent no metric data between {range().from.toLocaleString()} and {range().to.toLocaleString()}.
                  </div>
                }
              >
                <div class="d-grid gap-3" style={{ "grid-template-columns": `repeat(${perRow()}, minmax(0, 1fr))` }} data-testid="node-metrics">
                  <For each={sortedConfig()}>
                    {(config) => {
                      const entry = () => node()!.metrics.find((m) => m.name === config.name && m.scope === "node") ?? node()!.metrics.find((m) => m.name === config.name);
                      const limits = () => metricThresholds(config, node()!.subCluster);
                      return (
                        <section class="card" data-testid="metric-card" aria-label={`Metric ${config.name}`}>
                          <div class="card-header py-1">
                            <span class="fw-semibold">{config.name}</span>
                            <Show when={unitText(config.unit)}>
                              <span class="text-body-secondary"> ({unitText(config.unit)})</span>
                            </Show>
                          </div>
                          <div class="card-body p-2">
                            <Show
                              when={!limits().removed}
                              fallback={
                                <div class="alert alert-info mb-0">
                                  Disabled for subcluster <code>{node()!.subCluster}</code>.
                                </div>
                              }
                            >
                              <NodeMetricPlot entry={entry()} width={plotWidth()} height={200} limits={limits()} empty={<>No data in this time range.</>} />
                            </Show>
                          </div>
                        </section>
                      );
                    }}
                  </For>
                </div>
              </Show>
            );
          }}
        </QueryView>
      </div>
    </>
  );
}

function formatHours(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}h ${String(m).padStart(2, "0")}m`;
}
