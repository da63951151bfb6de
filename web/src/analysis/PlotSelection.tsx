import { createSignal, createUniqueId, For, Show } from "solid-js";

export interface PlotSelectionProps {
  available: string[];
  histogramMetrics: string[];
  scatterMetrics: [string, string][];
  onHistogramMetrics: (metrics: string[]) => void;
  onScatterMetrics: (pairs: [string, string][]) => void;
}

/** Which metrics get a histogram, and which metric pairs a scatter plot (cc-backend's PlotSelection). */
export function PlotSelection(props: PlotSelectionProps) {
  const [x, setX] = createSignal("");
  const [y, setY] = createSignal("");
  const xId = createUniqueId();
  const yId = createUniqueId();

  const toggle = (metric: string, on: boolean) => {
    const selected = new Set(props.histogramMetrics);
    if (on) selected.add(metric);
    else selected.delete(metric);
    // Keep the cluster's order of metrics.
    props.onHistogramMetrics(props.available.filter((m) => selected.has(m)));
  };
  const add = (event: SubmitEvent) => {
    event.preventDefault();
    if (!x() || !y()) return;
    if (!props.scatterMetrics.some(([a, b]) => a === x() && b === y())) props.onScatterMetrics([...props.scatterMetrics, [x(), y()]]);
    setX("");
    setY("");
  };

  return (
    <div class="d-flex flex-wrap gap-2 align-items-start">
      <details class="border rounded px-2 py-1" data-testid="histogram-selection">
        <summary class="small fw-semibold">
          <i class="bi bi-bar-chart me-1" aria-hidden="true" />
          Metrics in histograms ({props.histogramMetrics.length})
        </summary>
        <fieldset class="mt-2">
          <legend class="visually-hidden">Metrics in histograms</legend>
          <div class="d-flex flex-wrap gap-3" style={{ "max-width": "36rem" }}>
            <For each={props.available}>
              {(metric) => {
                const id = createUniqueId();
                return (
                  <div class="form-check">
                    <input class="form-check-input" type="checkbox" id={id} checked={props.histogramMetrics.includes(metric)} onChange={(e) => toggle(metric, e.currentTarget.checked)} />
                    <label class="form-check-label small" for={id}>
                      {metric}
                    </label>
                  </div>
                );
              }}
            </For>
          </div>
        </fieldset>
      </details>
      <details class="border rounded px-2 py-1" data-testid="scatter-selection">
        <summary class="small fw-semibold">
          <i class="bi bi-grid-3x3 me-1" aria-hidden="true" />
          Metric pairs in scatter plots ({props.scatterMetrics.length})
        </summary>
        <ul class="list-group list-group-flush my-2" style={{ "max-width": "28rem" }}>
          <For each={props.scatterMetrics} fallback={<li class="list-group-item small fst-italic">No scatter plots.</li>}>
            {([a, b]) => (
              <li class="list-group-item d-flex justify-content-between align-items-center small py-1">
                <span>
                  <b>{a}</b> / <b>{b}</b>
                </span>
                <button
                  type="button"
                  class="btn btn-outline-danger btn-sm py-0"
                  aria-label={`Remove scatter plot ${a} / ${b}`}
                  onClick={() => props.onScatterMetrics(props.scatterMetrics.filter(([p, q]) => p !== a || q !== b))}
                >
                  <i class="bi bi-x" aria-hidden="true" />
                </button>
              </li>
            )}
          </For>
        </ul>
        <form class="input-group input-group-sm mb-2" onSubmit={add}>
          <label class="visually-hidden" for={xId}>
            Metric for the x axis
          </label>
          <select id={xId} class="form-select" value={x()} onChange={(e) => setX(e.currentTarget.value)}>
            <option value="">x axis…</option>
            <For each={props.available}>{(metric) => <option value={metric}>{metric}</option>}</For>
          </select>
          <label class="visually-hidden" for={yId}>
            Metric for the y axis
          </label>
          <select id={yId} class="form-select" value={y()} onChange={(e) => setY(e.currentTarget.value)}>
            <option value="">y axis…</option>
            <For each={props.available}>{(metric) => <option value={metric}>{metric}</option>}</For>
          </select>
          <button type="submit" class="btn btn-outline-primary" disabled={!x() || !y()}>
            Add plot
          </button>
        </form>
        <Show when={props.available.length === 0}>
          <p class="small text-body-secondary">The cluster has no metrics.</p>
        </Show>
      </details>
    </div>
  );
}
