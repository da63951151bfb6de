import { A, useParams, useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, For, Show } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { currentSettings } from "../app/user-settings.js";
import { intSetting, stringSetting, type Settings } from "../config/settings.js";
import type { SystemsClusterConfigQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import {
  NodeMetricPlot,
  ClusterMetricConfigDocument,
  createFreshQuery,
  createWidth,
  initialRange,
  metricThresholds,
  NodeMetricsDocument,
  TimeRangeSelect,
  unitText,
  type TimeRange,
} from "./common.js";

type ClusterConfig = SystemsClusterConfigQuery["clusters"][number];

/** /monitoring/systems/:cluster — one small plot of the selected metric per node of the cluster. */
export default function Systems() {
  const params = useParams<{ cluster: string }>();
  const clusters = createQuery(ClusterMetricConfigDocument, () => ({}));

  return (
    <>
      <h1 class="h4 mb-3">
        <i class="bi bi-hdd-rack me-2" aria-hidden="true" />
        Nodes of cluster “{params.cluster}”
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
                {(cluster) => <SystemsBody cluster={cluster} settings={currentSettings()} />}
              </Show>
            )}
          </QueryView>
    </>
  );
}

function SystemsBody(props: { cluster: ClusterConfig; settings: Settings }) {
  const [search] = useSearchParams<{ from?: string; to?: string; metric?: string }>();
  const metricNames = () => props.cluster.metricConfig.map((m) => m.name);
  const preferred = [search.metric, stringSetting(props.settings, "system_view_selectedMetric", "cpu_load")];
  const [metric, setMetric] = createSignal(preferred.find((m) => m && metricNames().includes(m)) ?? metricNames()[0] ?? "");
  const [range, setRange] = createSignal<TimeRange>(initialRange(search));
  const [hostFilter, setHostFilter] = createSignal("");
  const perRow = () => Math.min(6, intSetting(props.settings, "plot_view_plotsPerRow", 3));
  const [measure, gridWidth] = createWidth(1200);
  const plotWidth = () => Math.max(200, Math.floor((gridWidth() - 16 * (perRow() - 1)) / perRow()) - 18);

  const nodes = createFreshQuery(NodeMetricsDocument, () =>
    metric() ? { cluster: props.cluster.name, metrics: [metric()], from: range().from.toISOString(), to: range().to.toISOString() } : undefined,
  );
  const config = () => props.cluster.metricConfig.find((m) => m.name === metric());

  return (
    <>
      <div class="d-flex flex-wrap gap-2 mb-3 align-items-start">
        <TimeRangeSelect value={range()} onChange={setRange} />
        <div class="input-group w-auto">
          <label class="input-group-text" for="systems-metric">
            <i class="bi bi-graph-up me-1" aria-hidden="true" />
            Metric
          </label>
          <select id="systems-metric" class="form-select" value={metric()} onChange={(e) => setMetric(e.currentTarget.value)}>
            <For each={props.cluster.metricConfig}>
              {(m) => (
                <option value={m.name}>
                  {m.name}
                  {unitText(m.unit) ? ` (${unitText(m.unit)})` : ""}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="input-group w-auto">
          <label class="input-group-text" for="systems-host-filter">
            <i class="bi bi-hdd me-1" aria-hidden="true" />
            Find node
          </label>
          <input id="systems-host-filter" class="form-control" type="search" placeholder="hostname…" value={hostFilter()} onInput={(e) => setHostFilter(e.currentTarget.value)} />
        </div>
      </div>
      <div ref={measure}>
        <QueryView resource={nodes} what="node metrics">
          {() => {
            // The resource itself, not the callback's value: that one stays the first answer.
            const data = () => nodes()!;
            const hosts = createMemo(() => {
              const needle = hostFilter().trim().toLowerCase();
              return data().nodeMetrics.filter((h) => h.host.toLowerCase().includes(needle));
            });
            return (
              <Show
                when={data().nodeMetrics.some((h) => h.metrics.length > 0)}
                fallback={
                  <div class="alert alert-info" role="status" data-testid="systems-empty">
                    No node of cluster “{props.cluster.name}” sent data for <code>{metric()}</code> between {range().from.toLocaleString()} and {range().to.toLocaleString()}.
                  </div>
                }
              >
                <p class="text-body-secondary small" data-testid="node-count">
                  {hosts().length === data().nodeMetrics.length ? `${hosts().length} nodes` : `${hosts().length} of ${data().nodeMetrics.length} nodes`}
                </p>
                <Show
                  when={hosts().length > 0}
                  fallback={
                    <div class="alert alert-secondary" role="status">
                      No node name contains “{hostFilter()}”.
                    </div>
                  }
                >
                  <div class="d-grid gap-3" style={{ "grid-template-columns": `repeat(${perRow()}, minmax(0, 1fr))` }} data-testid="systems-grid">
                    <For each={hosts()}>
                      {(host) => {
                        const entry = () => host.metrics.find((m) => m.name === metric() && m.scope === "node") ?? host.metrics.find((m) => m.name === metric());
                        const limits = () => metricThresholds(config(), host.subCluster);
                        return (
                          <section class="card" data-testid="node-card" aria-label={`Node ${host.host}`}>
                            <div class="card-header py-1 d-flex justify-content-between">
                              <A href={`/monitoring/node/${encodeURIComponent(props.cluster.name)}/${encodeURIComponent(host.host)}`} class="fw-semibold">
                                {host.host}
                              </A>
                              <span class="text-body-secondary small">{host.subCluster}</span>
                            </div>
                            <div class="card-body p-2">
                              <Show
                                when={!limits().removed}
                                fallback={
                                  <div class="alert alert-info mb-0">
                                    Metric <code>{metric()}</code> is disabled for subcluster <code>{host.subCluster}</code>.
                                  </div>
                                }
                              >
                                <NodeMetricPlot entry={entry()} width={plotWidth()} height={180} limits={limits()} empty={<>No data for <code>{metric()}</code> in this time range.</>} />
                              </Show>
                            </div>
                          </section>
                        );
                      }}
                    </For>
                  </div>
                </Show>
              </Show>
            );
          }}
        </QueryView>
      </div>
    </>
  );
}
