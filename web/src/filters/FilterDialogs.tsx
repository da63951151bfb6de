import { createMemo, createSignal, For, Show, type JSX } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import { createQuery } from "../graphql/createQuery.js";
import {
  ALL_JOB_STATES,
  emptyRange,
  FOOTPRINTS,
  START_TIME_PRESETS,
  type FilterState,
  type FootprintField,
  type Range,
  type StartTimePreset,
} from "./filters.js";
import { Modal } from "./Modal.js";

/** What the filter dialogs need to know about the clusters (a subset of the `clusters` query). */
export interface FilterCluster {
  name: string;
  partitions: string[];
  metricConfig: { name: string; peak: number; unit: { prefix?: string | null; base: string } }[];
  subClusters: { topology: { accelerators?: unknown[] | null } }[];
}

export const FilterTagsQuery = graphql(`
  query FilterTags {
    tags {
      id
      name
      type
    }
  }
`);

interface DialogProps {
  filters: FilterState;
  clusters: FilterCluster[];
  onApply: (next: FilterState) => void;
  onClose: () => void;
}

function Footer(props: { onApply: () => void; onReset: () => void; onClose: () => void; applyDisabled?: boolean }) {
  return (
    <>
      <button type="button" class="btn btn-primary" disabled={props.applyDisabled} onClick={() => props.onApply()}>
        Close &amp; Apply
      </button>
      <button type="button" class="btn btn-outline-danger" onClick={() => props.onReset()}>
        Reset
      </button>
      <button type="button" class="btn btn-outline-secondary" onClick={() => props.onClose()}>
        Cancel
      </button>
    </>
  );
}

const clone = (filters: FilterState) => structuredClone(filters);

function numberOrNull(value: string): number | null {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Two number inputs for a range; empty means open. */
function RangeInputs(props: { label: string; value: Range; onInput: (range: Range) => void; step?: string; min?: number; hint?: JSX.Element }) {
  return (
    <fieldset class="mb-3">
      <legend class="fs-6 fw-semibold mb-1">{props.label}</legend>
      <div class="input-group input-group-sm">
        <span class="input-group-text">from</span>
        <input
          type="number"
          class="form-control"
          aria-label={`${props.label} from`}
          min={props.min ?? 0}
          step={props.step ?? "1"}
          value={props.value.from ?? ""}
          onInput={(e) => props.onInput({ ...props.value, from: numberOrNull(e.currentTarget.value) })}
        />
        <span class="input-group-text">to</span>
        <input
          type="number"
          class="form-control"
          aria-label={`${props.label} to`}
          min={props.min ?? 0}
          step={props.step ?? "1"}
          value={props.value.to ?? ""}
          onInput={(e) => props.onInput({ ...props.value, to: numberOrNull(e.currentTarget.value) })}
        />
      </div>
      <Show when={props.hint}>
        <div class="form-text">{props.hint}</div>
      </Show>
    </fieldset>
  );
}

const rangeValid = (range: Range) => range.from == null || range.to == null || range.from <= range.to;

export function ClusterDialog(props: DialogProps & { disableClusterSelection?: boolean }) {
  const [cluster, setCluster] = createSignal(props.filters.cluster);
  const [partition, setPartition] = createSignal(props.filters.partition);
  const partitions = () => props.clusters.find((c) => c.name === cluster())?.partitions ?? [];
  const apply = (c: string | null, p: string | null) => props.onApply({ ...clone(props.filters), cluster: c, partition: c ? p : null });
  return (
    <Modal
      title="Select cluster and partition"
      onClose={props.onClose}
      footer={<Footer onApply={() => apply(cluster(), partition())} onReset={() => apply(null, null)} onClose={props.onClose} />}
    >
      <label class="form-label" for="filter-cluster">
        Cluster
      </label>
      <select
        id="filter-cluster"
        class="form-select mb-3"
        disabled={props.disableClusterSelection}
        value={cluster() ?? ""}
        onChange={(e) => {
          setCluster(e.currentTarget.value || null);
          setPartition(null);
        }}
      >
        <option value="">Any cluster</option>
        <For each={props.clusters}>{(c) => <option value={c.name}>{c.name}</option>}</For>
      </select>
      <label class="form-label" for="filter-partition">
        Partition
      </label>
      <select id="filter-partition" class="form-select" disabled={!cluster()} value={partition() ?? ""} onChange={(e) => setPartition(e.currentTarget.value || null)}>
        <option value="">Any partition</option>
        <For each={partitions()}>{(p) => <option value={p}>{p}</option>}</For>
      </select>
    </Modal>
  );
}

export function StatesDialog(props: DialogProps) {
  const [states, setStates] = createSignal<string[]>(props.filters.states.length > 0 ? [...props.filters.states] : [...ALL_JOB_STATES]);
  const apply = (selected: string[]) =>
    props.onApply({ ...clone(props.filters), states: selected.length === ALL_JOB_STATES.length ? [] : ALL_JOB_STATES.filter((s) => selected.includes(s)) });
  return (
    <Modal
      title="Select job states"
      onClose={props.onClose}
      footer={<Footer onApply={() => apply(states())} applyDisabled={states().length === 0} onReset={() => apply([...ALL_JOB_STATES])} onClose={props.onClose} />}
    >
      <div class="list-group">
        <For each={ALL_JOB_STATES}>
          {(state) => (
            <label class="list-group-item">
              <input
                class="form-check-input me-2"
                type="checkbox"
                checked={states().includes(state)}
                onChange={(e) => setStates(e.currentTarget.checked ? [...states(), state] : states().filter((s) => s !== state))}
              />
              {state}
            </label>
          )}
        </For>
      </div>
      <div class="mt-2 d-flex gap-2">
        <button type="button" class="btn btn-sm btn-outline-secondary" onClick={() => setStates([...ALL_JOB_STATES])}>
          Select all
        </button>
        <button type="button" class="btn btn-sm btn-outline-secondary" onClick={() => setStates([])}>
          Select none
        </button>
      </div>
    </Modal>
  );
}

const pad = (n: number) => String(n).padStart(2, "0");
/** Unix seconds → the value of a datetime-local input, in local time. */
function toLocalInput(seconds: number | null): string {
  if (seconds == null) return "";
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
function fromLocalInput(value: string): number | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

export function StartTimeDialog(props: DialogProps) {
  const [preset, setPreset] = createSignal<StartTimePreset | null>(props.filters.startTime.preset);
  const [from, setFrom] = createSignal(props.filters.startTime.from);
  const [to, setTo] = createSignal(props.filters.startTime.to);
  const apply = (p: StartTimePreset | null, f: number | null, t: number | null) =>
    props.onApply({ ...clone(props.filters), startTime: p ? { preset: p, from: null, to: null } : { preset: null, from: f, to: t } });
  return (
    <Modal
      title="Select start time"
      onClose={props.onClose}
      footer={
        <Footer
          onApply={() => apply(preset(), from(), to())}
          applyDisabled={!preset() && from() != null && to() != null && from()! > to()!}
          onReset={() => apply(null, null, null)}
          onClose={props.onClose}
        />
      }
    >
      <fieldset class="mb-3">
        <legend class="fs-6 fw-semibold">Quick selection</legend>
        <div class="d-flex flex-wrap gap-2">
          <For each={Object.entries(START_TIME_PRESETS) as [StartTimePreset, { label: string }][]}>
            {([key, { label }]) => (
              <button type="button" class="btn btn-sm" classList={{ "btn-primary": preset() === key, "btn-outline-primary": preset() !== key }} aria-pressed={preset() === key} onClick={() => setPreset(preset() === key ? null : key)}>
                {label}
              </button>
            )}
          </For>
        </div>
      </fieldset>
      <fieldset disabled={!!preset()}>
        <legend class="fs-6 fw-semibold">Range</legend>
        <label class="form-label" for="filter-start-from">
          From
        </label>
        <input id="filter-start-from" type="datetime-local" class="form-control mb-2" value={toLocalInput(from())} onInput={(e) => setFrom(fromLocalInput(e.currentTarget.value))} />
        <label class="form-label" for="filter-start-to">
          To
        </label>
        <input id="filter-start-to" type="datetime-local" class="form-control" value={toLocalInput(to())} onInput={(e) => setTo(fromLocalInput(e.currentTarget.value))} />
      </fieldset>
    </Modal>
  );
}

/** Hours and minutes inputs for one end of a duration range (seconds). */
function DurationEnd(props: { label: string; value: number | null; onInput: (seconds: number | null) => void }) {
  const hours = () => (props.value == null ? "" : String(Math.floor(props.value / 3600)));
  const minutes = () => (props.value == null ? "" : String(Math.floor((props.value % 3600) / 60)));
  const set = (h: string, m: string) => {
    if (h.trim() === "" && m.trim() === "") return props.onInput(null);
    props.onInput(Math.max(0, (Number(h) || 0) * 3600 + (Number(m) || 0) * 60));
  };
  return (
    <fieldset class="mb-3">
      <legend class="fs-6 fw-semibold mb-1">{props.label}</legend>
      <div class="input-group input-group-sm">
        <input type="number" min="0" class="form-control" aria-label={`${props.label} hours`} value={hours()} onInput={(e) => set(e.currentTarget.value, minutes())} />
        <span class="input-group-text">h</span>
        <input type="number" min="0" max="59" class="form-control" aria-label={`${props.label} minutes`} value={minutes()} onInput={(e) => set(hours(), e.currentTarget.value)} />
        <span class="input-group-text">m</span>
      </div>
    </fieldset>
  );
}

export function DurationDialog(props: DialogProps) {
  const [range, setRange] = createSignal<Range>({ ...props.filters.duration });
  return (
    <Modal
      title="Select duration"
      onClose={props.onClose}
      footer={
        <Footer
          onApply={() => props.onApply({ ...clone(props.filters), duration: range() })}
          applyDisabled={!rangeValid(range())}
          onReset={() => props.onApply({ ...clone(props.filters), duration: emptyRange() })}
          onClose={props.onClose}
        />
      }
    >
      <DurationEnd label="At least" value={range().from} onInput={(from) => setRange({ ...range(), from })} />
      <DurationEnd label="At most" value={range().to} onInput={(to) => setRange({ ...range(), to })} />
      <p class="form-text mb-0">Leave an end empty for an open range.</p>
    </Modal>
  );
}

export function TagsDialog(props: DialogProps) {
  const tags = createQuery(FilterTagsQuery, () => ({}));
  const [selected, setSelected] = createSignal<string[]>([...props.filters.tags]);
  const [search, setSearch] = createSignal("");
  return (
    <Modal
      title="Select tags"
      onClose={props.onClose}
      footer={
        <Footer onApply={() => props.onApply({ ...clone(props.filters), tags: selected() })} onReset={() => props.onApply({ ...clone(props.filters), tags: [] })} onClose={props.onClose} />
      }
    >
      <input type="search" class="form-control form-control-sm mb-2" placeholder="Search tags" aria-label="Search tags" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
      <QueryView resource={tags} what="tags">
        {(data) => {
          const visible = createMemo(() => {
            const term = search().trim().toLowerCase();
            return data.tags.filter((t) => !term || t.name.toLowerCase().includes(term) || t.type.toLowerCase().includes(term));
          });
          return (
            <div class="list-group" style={{ "max-height": "50vh", "overflow-y": "auto" }}>
              <For each={visible()} fallback={<p class="text-body-secondary mb-0">No tags.</p>}>
                {(tag) => (
                  <label class="list-group-item">
                    <input
                      class="form-check-input me-2"
                      type="checkbox"
                      checked={selected().includes(tag.id)}
                      onChange={(e) => setSelected(e.currentTarget.checked ? [...selected(), tag.id] : selected().filter((id) => id !== tag.id))}
                    />
                    <span class="badge text-bg-info me-1">{tag.type}</span>
                    {tag.name}
                  </label>
                )}
              </For>
            </div>
          );
        }}
      </QueryView>
    </Modal>
  );
}

export function ResourcesDialog(props: DialogProps) {
  const [numNodes, setNumNodes] = createSignal<Range>({ ...props.filters.numNodes });
  const [numHWThreads, setNumHWThreads] = createSignal<Range>({ ...props.filters.numHWThreads });
  const [numAccelerators, setNumAccelerators] = createSignal<Range>({ ...props.filters.numAccelerators });
  const [node, setNode] = createSignal(props.filters.node ?? "");
  const scope = () => props.clusters.filter((c) => !props.filters.cluster || c.name === props.filters.cluster);
  const maxAccelerators = () => Math.max(0, ...scope().flatMap((c) => c.subClusters.map((sc) => sc.topology.accelerators?.length ?? 0)));
  const valid = () => rangeValid(numNodes()) && rangeValid(numHWThreads()) && rangeValid(numAccelerators());
  return (
    <Modal
      title="Select resources"
      onClose={props.onClose}
      footer={
        <Footer
          applyDisabled={!valid()}
          onApply={() =>
            props.onApply({ ...clone(props.filters), numNodes: numNodes(), numHWThreads: numHWThreads(), numAccelerators: numAccelerators(), node: node().trim() || null })
          }
          onReset={() => props.onApply({ ...clone(props.filters), numNodes: emptyRange(), numHWThreads: emptyRange(), numAccelerators: emptyRange(), node: null })}
          onClose={props.onClose}
        />
      }
    >
      <label class="form-label fw-semibold" for="filter-node">
        Node name contains
      </label>
      <input id="filter-node" type="text" class="form-control form-control-sm mb-3" value={node()} onInput={(e) => setNode(e.currentTarget.value)} />
      <RangeInputs label="Number of nodes" min={1} value={numNodes()} onInput={setNumNodes} />
      <RangeInputs label="Number of HW threads" min={1} value={numHWThreads()} onInput={setNumHWThreads} />
      <RangeInputs
        label="Number of accelerators"
        value={numAccelerators()}
        onInput={setNumAccelerators}
        hint={maxAccelerators() > 0 ? `Up to ${maxAccelerators()} per node.` : "No accelerators on the selected cluster."}
      />
    </Modal>
  );
}

export function FootprintDialog(props: DialogProps) {
  const initial = () => Object.fromEntries(FOOTPRINTS.map(({ field }) => [field, { ...(props.filters.footprints[field] ?? emptyRange()) }])) as Record<FootprintField, Range>;
  const [ranges, setRanges] = createSignal(initial());
  const scope = () => props.clusters.filter((c) => !props.filters.cluster || c.name === props.filters.cluster);
  const peakOf = (metric: string) => {
    const configs = scope().flatMap((c) => c.metricConfig.filter((m) => m.name === metric));
    if (configs.length === 0) return undefined;
    const unit = configs[0]!.unit;
    return `peak ${Math.max(...configs.map((m) => m.peak))} ${unit.prefix ?? ""}${unit.base}`;
  };
  const apply = (all: Record<FootprintField, Range>) => {
    const footprints: FilterState["footprints"] = {};
    for (const { field } of FOOTPRINTS) if (all[field].from != null || all[field].to != null) footprints[field] = all[field];
    props.onApply({ ...clone(props.filters), footprints });
  };
  return (
    <Modal
      title="Filter by footprint (finished jobs)"
      onClose={props.onClose}
      footer={
        <Footer
          applyDisabled={!FOOTPRINTS.every(({ field }) => rangeValid(ranges()[field]))}
          onApply={() => apply(ranges())}
          onReset={() => apply(Object.fromEntries(FOOTPRINTS.map(({ field }) => [field, emptyRange()])) as Record<FootprintField, Range>)}
          onClose={props.onClose}
        />
      }
    >
      <For each={FOOTPRINTS}>
        {({ field, label, metric }) => (
          <RangeInputs label={label} step="any" value={ranges()[field]} onInput={(range) => setRanges({ ...ranges(), [field]: range })} hint={peakOf(metric)} />
        )}
      </For>
    </Modal>
  );
}
