import { createResource, createSignal, For, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { MetricPlot } from "../plots/MetricPlot.js";
import { JobInfo, type JobCardData } from "./JobInfo.js";
import { loadJobMetrics, type JobListMetric } from "./metric-loader.js";

/** The metric configuration the plots need (a subset of the `clusters` query). */
export interface PlotCluster {
  name: string;
  metricConfig: {
    name: string;
    peak: number;
    alert: number;
    unit: { prefix?: string | null; base: string };
    subClusters: { name: string; peak?: number | null; alert?: number | null; remove?: boolean | null }[];
  }[];
}

/** Jobs with more nodes than this are drawn as a min/mean/max band, as in cc-backend. */
export const BAND_ABOVE_NODES = 8;
export const INFO_COLUMN_WIDTH = 260;
export const PLOT_HEIGHT = 200;

// One observer for all rows: a row loads its plots once it comes near the viewport.
const watchers = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;
function whenVisible(element: Element, callback: () => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        watchers.get(entry.target)?.();
        watchers.delete(entry.target);
        observer!.unobserve(entry.target);
      }
    },
    { rootMargin: "300px 0px" },
  );
  watchers.set(element, callback);
  observer.observe(element);
  return () => {
    watchers.delete(element);
    observer?.unobserve(element);
  };
}

type Cell =
  | { metric: string; kind: "unavailable" | "removed" }
  | { metric: string; kind: "plot"; peak: number | null; alert: number | null; unit: string };

export function JobRow(props: { job: JobCardData; metrics: string[]; clusters: PlotCluster[]; plotWidth: number; generation: number }) {
  let element!: HTMLDivElement;
  const [visible, setVisible] = createSignal(false);
  onMount(() => onCleanup(whenVisible(element, () => setVisible(true))));

  const monitored = () => props.job.monitoringStatus !== 0 && props.job.monitoringStatus !== 2;
  const cells = (): Cell[] => {
    const cluster = props.clusters.find((c) => c.name === props.job.cluster);
    return props.metrics.map((metric) => {
      const config = cluster?.metricConfig.find((m) => m.name === metric);
      if (!config) return { metric, kind: "unavailable" };
      const sub = config.subClusters.find((s) => s.name === props.job.subCluster);
      if (sub?.remove) return { metric, kind: "removed" };
      const unit = `${config.unit.prefix ?? ""}${config.unit.base}`;
      return { metric, kind: "plot", peak: sub?.peak ?? config.peak, alert: sub?.alert ?? config.alert, unit };
    });
  };
  const plotted = () => cells().filter((c) => c.kind === "plot").map((c) => c.metric);
  const statistics = () => props.job.numNodes > BAND_ABOVE_NODES;
  const elapsed = () => (props.job.state === "running" ? Math.max(0, Date.now() / 1000 - Date.parse(props.job.startTime) / 1000) : props.job.duration);

  const [data] = createResource(
    () =>
      visible() && monitored() && plotted().length > 0
        ? {
            id: props.job.id,
            metrics: plotted(),
            statistics: statistics(),
            // About one point per two pixels; the server keeps data that is coarser already.
            resolution: Math.max(60, Math.ceil(elapsed() / (props.plotWidth / 2) / 60) * 60),
            generation: props.job.state === "running" ? props.generation : 0,
          }
        : false,
    (request) => loadJobMetrics(request),
  );

  return (
    <div role="row" class="d-flex border-bottom py-2" data-testid="job-row" data-job-id={props.job.jobId} ref={element}>
      <div role="cell" class="flex-shrink-0 pe-2" style={{ width: `${INFO_COLUMN_WIDTH}px` }}>
        <JobInfo job={props.job} />
      </div>
      <Show
        when={monitored()}
        fallback={
          <div role="cell" class="flex-grow-1">
            <div class="alert alert-warning mb-0">Not monitored or archiving failed</div>
          </div>
        }
      >
        <Show
          when={visible() && plotted().length > 0}
          fallback={
            <For each={cells()}>
              {(cell) => (
                <div role="cell" class="flex-shrink-0 px-1" style={{ width: `${props.plotWidth}px`, "min-height": `${PLOT_HEIGHT}px` }}>
                  <CellNote cell={cell} cluster={props.job.cluster} subCluster={props.job.subCluster} />
                </div>
              )}
            </For>
          }
        >
          <QueryView resource={data} what={`metrics of job ${props.job.jobId}`}>
            {/* Read the resource itself: the callback's value would stay the first answer on refetch. */}
            {() => (
              <For each={cells()}>
                {(cell) => (
                  <div role="cell" class="flex-shrink-0 px-1" style={{ width: `${props.plotWidth}px`, "min-height": `${PLOT_HEIGHT}px` }}>
                    <Switch fallback={<CellNote cell={cell} cluster={props.job.cluster} subCluster={props.job.subCluster} />}>
                      <Match when={cell.kind === "plot" && cell}>
                        {(plot) => <Plot metric={pick(data() ?? [], plot().metric)} cell={plot()} width={props.plotWidth} />}
                      </Match>
                    </Switch>
                  </div>
                )}
              </For>
            )}
          </QueryView>
        </Show>
      </Show>
    </div>
  );
}

const pick = (metrics: JobListMetric[], name: string) => metrics.find((m) => m.name === name && m.scope === "node") ?? metrics.find((m) => m.name === name);

function CellNote(props: { cell: Cell; cluster: string; subCluster: string }) {
  return (
    <Switch>
      <Match when={props.cell.kind === "unavailable"}>
        <div class="alert alert-secondary small mb-0 py-2">
          No <code>{props.cell.metric}</code> on {props.cluster}
        </div>
      </Match>
      <Match when={props.cell.kind === "removed"}>
        <div class="alert alert-info small mb-0 py-2">
          <code>{props.cell.metric}</code> disabled for subcluster {props.subCluster}
        </div>
      </Match>
    </Switch>
  );
}

function Plot(props: { metric: JobListMetric | undefined; cell: Extract<Cell, { kind: "plot" }>; width: number }) {
  const series = () => {
    const m = props.metric?.metric;
    return m && "series" in m ? (m.series ?? []).map((s) => ({ label: s.hostname + (s.id ? `/${s.id}` : ""), data: s.data as (number | null)[] })) : [];
  };
  const statistics = () => {
    const m = props.metric?.metric;
    const stats = m && "statisticsSeries" in m ? m.statisticsSeries : null;
    return stats ? { min: stats.min as (number | null)[], mean: stats.mean as (number | null)[], max: stats.max as (number | null)[] } : undefined;
  };
  return (
    <Show when={props.metric && (statistics() || series().length > 0)} fallback={<div class="alert alert-warning small mb-0 py-2">No data for <code>{props.cell.metric}</code></div>}>
      <MetricPlot
        timestep={props.metric!.metric.timestep}
        series={series()}
        statistics={statistics()}
        unit={props.cell.unit}
        width={props.width}
        height={PLOT_HEIGHT}
        thresholds={{ peak: props.cell.peak, alert: props.cell.alert }}
      />
    </Show>
  );
}
