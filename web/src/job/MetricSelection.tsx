import { createSignal, For, Show } from "solid-js";
import { saveSetting, setting } from "../app/user-settings.js";

/** The user setting of cc-backend for the metrics of the job view, per cluster. */
export function selectionKey(cluster: string): string {
  return `job_view_selectedMetrics:${cluster}`;
}

export function readSelection(_username: string | undefined, cluster: string, available: readonly string[]): string[] | null {
  const stored = setting(selectionKey(cluster));
  if (!Array.isArray(stored)) return null;
  const known = stored.filter((m): m is string => typeof m === "string" && available.includes(m));
  return known.length > 0 ? known : null;
}

function saveSelection(_username: string | undefined, cluster: string, metrics: string[]): Promise<void> {
  return saveSetting(selectionKey(cluster), metrics);
}

/** A button opening a list of the cluster's metrics to choose those shown (order of cluster.json). */
export function MetricSelection(props: { cluster: string; username: string | undefined; available: string[]; selected: string[]; onChange: (metrics: string[]) => void }) {
  const [open, setOpen] = createSignal(false);
  const [draft, setDraft] = createSignal<ReadonlySet<string>>(new Set());
  const [error, setError] = createSignal<string | null>(null);

  const toggleOpen = () => {
    if (!open()) setDraft(new Set(props.selected));
    setOpen(!open());
  };
  const flip = (metric: string, on: boolean) => {
    const next = new Set(draft());
    if (on) next.add(metric);
    else next.delete(metric);
    setDraft(next);
  };
  const apply = () => {
    const metrics = props.available.filter((m) => draft().has(m));
    props.onChange(metrics);
    setOpen(false);
    setError(null);
    saveSelection(props.username, props.cluster, metrics).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <div class="position-relative">
      <button type="button" class="btn btn-outline-secondary btn-sm" aria-expanded={open()} onClick={toggleOpen}>
        <i class="bi bi-graph-up me-1" aria-hidden="true" />
        Metrics ({props.selected.length}/{props.available.length})
      </button>
      <Show when={error()}>
        <div class="text-danger small" role="alert">
          Selection not saved: {error()}
        </div>
      </Show>
      <Show when={open()}>
        <div class="card position-absolute shadow z-3 mt-1" style={{ "min-width": "16rem" }} data-testid="metric-selection">
          <div class="card-body py-2">
            <div class="d-flex gap-2 mb-2">
              <button type="button" class="btn btn-link btn-sm p-0" onClick={() => setDraft(new Set(props.available))}>
                all
              </button>
              <button type="button" class="btn btn-link btn-sm p-0" onClick={() => setDraft(new Set())}>
                none
              </button>
            </div>
            <div style={{ "max-height": "20rem", "overflow-y": "auto" }}>
              <For each={props.available}>
                {(metric) => (
                  <div class="form-check">
                    <input class="form-check-input" type="checkbox" id={`metric-${metric}`} checked={draft().has(metric)} onChange={(e) => flip(metric, e.currentTarget.checked)} />
                    <label class="form-check-label" for={`metric-${metric}`}>
                      {metric}
                    </label>
                  </div>
                )}
              </For>
            </div>
            <div class="d-flex gap-2 mt-2">
              <button type="button" class="btn btn-primary btn-sm" onClick={apply}>
                Apply
              </button>
              <button type="button" class="btn btn-outline-secondary btn-sm" onClick={() => setOpen(false)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      </Show>
    </div>
  );
}
