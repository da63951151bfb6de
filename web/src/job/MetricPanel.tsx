import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { MetricPlot, type PlotSeries } from "../plots/MetricPlot.js";
import { fetchJobMetrics, type MetricLoader } from "./metric-data.js";
import { cleanData, levelOf, MAX_LINES, meanOfAverages, resolutionFor, scopesOf, thresholdsFor, unitText } from "./metrics.js";
import type { Job, JobMetric, JobMetricEntry, MetricConfig, SubCluster } from "./queries.js";

const BACKGROUND = { normal: "transparent", caution: "rgba(255, 153, 0, 0.15)", alert: "rgba(220, 53, 69, 0.15)" } as const;

export interface MetricPanelProps {
  job: Job;
  name: string;
  config: MetricConfig | undefined;
  subCluster: SubCluster | undefined;
  base: readonly JobMetricEntry[];
  loader: MetricLoader;
  width: number;
}

/**
 * One metric of the job: scope and host selection, the plot (a band for many series), threshold
 * colouring, and drag-zoom that loads finer data for the zoomed range when the shown data are thinned.
 */
export function MetricPanel(props: MetricPanelProps) {
  const scopes = () => {
    const all = new Set(scopesOf(props.config, props.job));
    for (const e of props.base) if (e.name === props.name) all.add(e.scope);
    return [...all];
  };
  const initialScope = () => (props.base.some((e) => e.name === props.name && e.scope === "node") ? "node" : (props.base.find((e) => e.name === props.name)?.scope ?? "node"));
  const [scope, setScope] = createSignal(initialScope());
  const [host, setHost] = createSignal("");
  const [xRange, setXRange] = createSignal<[number, number] | null>(null);
  const [zoomed, setZoomed] = createSignal<{ scope: string; metric: JobMetric } | null>(null);
  const [zoomLoading, setZoomLoading] = createSignal(false);
  const [zoomError, setZoomError] = createSignal<string | null>(null);
  let zoomRequest = 0;

  const entry = () => props.loader.find(props.base, props.name, scope());
  const metric = (): JobMetric | undefined => {
    const z = zoomed();
    return z && z.scope === scope() ? z.metric : entry()?.metric;
  };

  // A scope that the first load did not bring is loaded when selected.
  createEffect(() => {
    const s = scope();
    if (!entry() && !props.loader.wasRequested(props.name, s)) void props.loader.load([props.name], [s]);
  });
  // Another scope or host: the zoom starts over.
  createEffect(on([scope], () => resetZoom(), { defer: true }));

  function resetZoom() {
    zoomRequest++;
    setXRange(null);
    setZoomed(null);
    setZoomLoading(false);
    setZoomError(null);
  }

  // Called (deferred) from uPlot's mouse handler, so that the plot is not rebuilt while it handles the event.
  async function onZoom(from: number, to: number) {
    if (!(to > from)) return;
    setXRange([Math.max(0, from), to]);
    const current = metric();
    if (!current) return;
    const native = props.config?.timestep ?? 0;
    const wanted = resolutionFor(to - from);
    // Finer data exist only when the shown data are thinned out and the zoomed range wants more points.
    if (current.timestep <= native || wanted >= current.timestep) return;
    const request = ++zoomRequest;
    const forScope = scope();
    setZoomLoading(true);
    setZoomError(null);
    try {
      const entries = await fetchJobMetrics(props.job.id, [props.name], [forScope], wanted);
      if (request !== zoomRequest) return;
      const found = entries.find((e) => e.name === props.name && e.scope === forScope);
      if (found) setZoomed({ scope: forScope, metric: found.metric });
    } catch (error) {
      if (request === zoomRequest) setZoomError(error instanceof Error ? error.message : String(error));
    } finally {
      if (request === zoomRequest) setZoomLoading(false);
    }
  }

  const hosts = () => props.job.resources.map((r) => r.hostname);
  const shownSeries = createMemo(() => (metric()?.series ?? []).filter((s) => !host() || s.hostname === host()));
  const useBand = () => !host() && shownSeries().length > MAX_LINES && !!metric()?.statisticsSeries;
  const plotSeries = createMemo<PlotSeries[]>(() => {
    const several = new Set(shownSeries().map((s) => s.hostname)).size > 1;
    return shownSeries().map((s) => ({
      label: scope() === "node" || s.id == null ? s.hostname : several ? `${s.hostname}:${s.id}` : `${scope()} ${s.id}`,
      data: cleanData(s.data),
    }));
  });
  const statistics = createMemo(() => {
    const stats = metric()?.statisticsSeries;
    if (!useBand() || !stats) return undefined;
    return { min: cleanData(stats.min), mean: cleanData(stats.mean), max: cleanData(stats.max) };
  });
  const thresholds = () => (props.config ? thresholdsFor(props.config, props.subCluster, scope()) : null);
  const level = () => levelOf(meanOfAverages(metric() ? { ...metric()!, series: shownSeries() } : undefined), thresholds());
  const unit = () => unitText(props.config?.unit ?? metric()?.unit);

  return (
    <div class="mb-3" data-testid="metric-panel" data-metric={props.name}>
      <div class="input-group input-group-sm mb-1">
        <span class="input-group-text fw-semibold" style={{ "min-width": "10rem" }}>
          {props.name}
          <Show when={unit()}>
            <span class="fw-normal ms-1">({unit()})</span>
          </Show>
        </span>
        <select class="form-select" aria-label={`Scope of ${props.name}`} value={scope()} onChange={(e) => setScope(e.currentTarget.value)}>
          <For each={scopes()}>{(s) => <option value={s}>{s}</option>}</For>
        </select>
        <Show when={hosts().length > 1}>
          <select class="form-select" aria-label={`Host of ${props.name}`} value={host()} onChange={(e) => setHost(e.currentTarget.value)}>
            <option value="">All hosts</option>
            <For each={hosts()}>{(h) => <option value={h}>{h}</option>}</For>
          </select>
        </Show>
        <Show when={xRange()}>
          <button type="button" class="btn btn-outline-secondary" onClick={resetZoom} title="Show the whole job">
            <i class="bi bi-zoom-out" aria-hidden="true" /> Reset zoom
          </button>
        </Show>
      </div>
      <Show when={zoomLoading()}>
        <div class="small text-body-secondary" role="status">
          <span class="spinner-border spinner-border-sm me-1" aria-hidden="true" />
          Loading finer data…
        </div>
      </Show>
      <Show when={zoomError()}>
        <div class="alert alert-danger py-1 small" role="alert">
          Could not load finer data: {zoomError()}
        </div>
      </Show>
      <Show
        when={metric()}
        fallback={
          <Show
            when={props.loader.isPending(props.name, scope())}
            fallback={
              <div class={`alert ${props.loader.errorOf(props.name, scope()) ? "alert-danger" : "alert-warning"} small`} role="alert">
                {props.loader.errorOf(props.name, scope()) ? `Could not load ${props.name} (${scope()}): ${props.loader.errorOf(props.name, scope())}` : `No data for ${props.name} at scope ${scope()}.`}
              </div>
            }
          >
            <div class="spinner-border spinner-border-sm text-secondary" role="status" aria-label={`Loading ${props.name}`} />
          </Show>
        }
      >
        {(m) => (
          <Show when={plotSeries().length > 0} fallback={<div class="alert alert-warning small">No series for {props.name}{host() ? ` on ${host()}` : ""}.</div>}>
            <div
              class="rounded"
              style={{ "background-color": BACKGROUND[level()] }}
              data-level={level()}
              data-timestep={m().timestep}
              data-points={Math.max(0, ...(statistics() ? [statistics()!.mean.length] : plotSeries().map((s) => s.data.length)))}
            >
              <MetricPlot
                timestep={m().timestep}
                series={plotSeries()}
                statistics={statistics()}
                unit={unit()}
                width={props.width}
                height={260}
                thresholds={{ peak: thresholds()?.peak, alert: thresholds()?.alert }}
                onZoom={(from, to) => setTimeout(() => void onZoom(from, to), 0)}
                xRange={xRange()}
              />
            </div>
          </Show>
        )}
      </Show>
    </div>
  );
}
