import { createMemo, createSignal, For, Show } from "solid-js";
import { formatValue, unitText } from "./metrics.js";
import type { Job, JobMetricEntry, MetricConfig, MetricSeries } from "./queries.js";

type Stat = "min" | "avg" | "max";
const STATS: Stat[] = ["min", "avg", "max"];

/** min/avg/max of every shown metric per host (node scope), sortable by any column. */
export function StatsTable(props: { job: Job; metrics: string[]; configs: readonly MetricConfig[]; entries: readonly JobMetricEntry[] }) {
  const [sort, setSort] = createSignal<{ metric: string; stat: Stat; descending: boolean } | null>(null);
  const seriesOf = (metric: string, host: string): MetricSeries | undefined =>
    props.entries.find((e) => e.name === metric && e.scope === "node")?.metric.series?.find((s) => s.hostname === host);
  const hosts = createMemo(() => {
    const names = [...new Set(props.job.resources.map((r) => r.hostname))].sort();
    const by = sort();
    if (!by) return names;
    const value = (h: string) => seriesOf(by.metric, h)?.statistics?.[by.stat] ?? Number.NaN;
    return names.sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (Number.isNaN(x)) return 1;
      if (Number.isNaN(y)) return -1;
      return by.descending ? y - x : x - y;
    });
  });
  const toggle = (metric: string, stat: Stat) => {
    const now = sort();
    setSort(now && now.metric === metric && now.stat === stat ? { metric, stat, descending: !now.descending } : { metric, stat, descending: true });
  };
  const unit = (metric: string) => unitText(props.configs.find((c) => c.name === metric)?.unit);

  return (
    <div class="table-responsive">
      <table class="table table-sm table-hover align-middle" data-testid="stats-table">
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              Host
            </th>
            <For each={props.metrics}>
              {(metric) => (
                <th scope="colgroup" colSpan={3} class="text-center border-start">
                  {metric}
                  <Show when={unit(metric)}>
                    <span class="fw-normal text-body-secondary"> [{unit(metric)}]</span>
                  </Show>
                </th>
              )}
            </For>
          </tr>
          <tr>
            <For each={props.metrics}>
              {(metric) => (
                <For each={STATS}>
                  {(stat) => {
                    const active = () => sort()?.metric === metric && sort()?.stat === stat;
                    return (
                      <th scope="col" class={`text-end ${stat === "min" ? "border-start" : ""}`}>
                        <button type="button" class="btn btn-link btn-sm p-0 text-decoration-none text-body" onClick={() => toggle(metric, stat)} aria-label={`Sort by ${metric} ${stat}`}>
                          {stat}
                          <i class={`bi ms-1 ${active() ? (sort()!.descending ? "bi-caret-down-fill" : "bi-caret-up-fill") : "bi-caret-down text-body-tertiary"}`} aria-hidden="true" />
                        </button>
                      </th>
                    );
                  }}
                </For>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For each={hosts()}>
            {(host) => (
              <tr data-host={host}>
                <th scope="row">{host}</th>
                <For each={props.metrics}>
                  {(metric) => {
                    const stats = () => seriesOf(metric, host)?.statistics;
                    return (
                      <Show
                        when={stats()}
                        fallback={
                          <td colSpan={3} class="text-center text-body-secondary fst-italic border-start" data-metric={metric}>
                            No data
                          </td>
                        }
                      >
                        {(s) => (
                          <For each={STATS}>
                            {(stat) => (
                              <td class={`text-end font-monospace ${stat === "min" ? "border-start" : ""}`} data-metric={metric} data-stat={stat} data-value={String(s()[stat])} title={String(s()[stat])}>
                                {formatValue(s()[stat])}
                              </td>
                            )}
                          </For>
                        )}
                      </Show>
                    );
                  }}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
