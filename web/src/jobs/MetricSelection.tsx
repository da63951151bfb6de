import { createSignal, For } from "solid-js";
import { Modal } from "../filters/Modal.js";

export interface SelectionCluster {
  name: string;
  metricConfig: { name: string; subClusters: { name: string; remove?: boolean | null }[] }[];
  subClusters: { name: string }[];
}

/** Every metric of the cluster (or of all clusters), the selected ones first in their order. */
export function availableMetrics(clusters: SelectionCluster[], cluster: string | null): string[] {
  const names: string[] = [];
  for (const c of clusters) if (!cluster || c.name === cluster) for (const m of c.metricConfig) if (!names.includes(m.name)) names.push(m.name);
  return names;
}

/**
 * Which metrics the job list plots, and in which order (as cc-backend's MetricSelection, with
 * up/down buttons instead of drag and drop so it works from the keyboard).
 */
export function MetricSelection(props: { clusters: SelectionCluster[]; cluster: string | null; selected: string[]; onApply: (metrics: string[]) => void; onClose: () => void }) {
  const all = availableMetrics(props.clusters, props.cluster);
  const [order, setOrder] = createSignal([...props.selected.filter((m) => all.includes(m)), ...all.filter((m) => !props.selected.includes(m))]);
  const [checked, setChecked] = createSignal(new Set(props.selected.filter((m) => all.includes(m))));

  const where = (metric: string) => {
    if (!props.cluster) return props.clusters.filter((c) => c.metricConfig.some((m) => m.name === metric)).map((c) => c.name).join(", ");
    const cluster = props.clusters.find((c) => c.name === props.cluster);
    const config = cluster?.metricConfig.find((m) => m.name === metric);
    if (!cluster || !config) return "";
    return cluster.subClusters.filter((sc) => !config.subClusters.some((s) => s.name === sc.name && s.remove)).map((sc) => sc.name).join(", ");
  };
  const move = (index: number, by: number) => {
    const next = [...order()];
    const target = index + by;
    if (target < 0 || target >= next.length) return;
    [next[index], next[target]] = [next[target]!, next[index]!];
    setOrder(next);
  };
  const toggle = (metric: string, on: boolean) => {
    const next = new Set(checked());
    if (on) next.add(metric);
    else next.delete(metric);
    setChecked(next);
  };

  return (
    <Modal
      title={`Metrics to plot${props.cluster ? ` on ${props.cluster}` : ""}`}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn-primary" onClick={() => props.onApply(order().filter((m) => checked().has(m)))}>
            Close &amp; Apply
          </button>
          <button type="button" class="btn btn-outline-secondary" onClick={() => props.onClose()}>
            Cancel
          </button>
        </>
      }
    >
      <p class="small text-body-secondary">Where each metric is available is shown on the right.</p>
      <ul class="list-group" data-testid="metric-selection">
        <For each={order()}>
          {(metric, index) => (
            <li class="list-group-item d-flex align-items-center gap-2">
              <input class="form-check-input m-0" type="checkbox" id={`metric-select-${metric}`} checked={checked().has(metric)} onChange={(e) => toggle(metric, e.currentTarget.checked)} />
              <label class="form-check-label flex-grow-1" for={`metric-select-${metric}`}>
                {metric}
              </label>
              <span class="small text-body-secondary">{where(metric)}</span>
              <div class="btn-group btn-group-sm">
                <button type="button" class="btn btn-outline-secondary" aria-label={`Move ${metric} up`} disabled={index() === 0} onClick={() => move(index(), -1)}>
                  <i class="bi bi-arrow-up" aria-hidden="true" />
                </button>
                <button type="button" class="btn btn-outline-secondary" aria-label={`Move ${metric} down`} disabled={index() === order().length - 1} onClick={() => move(index(), 1)}>
                  <i class="bi bi-arrow-down" aria-hidden="true" />
                </button>
              </div>
            </li>
          )}
        </For>
      </ul>
    </Modal>
  );
}
