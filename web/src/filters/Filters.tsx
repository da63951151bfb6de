import { createSignal, For, Match, onCleanup, Show, Switch, type JSX } from "solid-js";
import { createQuery } from "../graphql/createQuery.js";
import {
  ClusterDialog,
  DurationDialog,
  FilterTagsQuery,
  FootprintDialog,
  ResourcesDialog,
  StartTimeDialog,
  StatesDialog,
  TagsDialog,
  type FilterCluster,
} from "./FilterDialogs.js";
import {
  clearFilter,
  formatDurationShort,
  formatRange,
  formatUnixLocal,
  FOOTPRINTS,
  isRangeSet,
  MATCH_LABELS,
  START_TIME_PRESETS,
  TEXT_FIELD_LABELS,
  TEXT_FIELDS,
  type FilterKey,
  type FilterState,
  type StringMatch,
  type TextField,
} from "./filters.js";

type Dialog = "cluster" | "states" | "startTime" | "duration" | "tags" | "resources" | "footprints";

const MENU: { dialog: Dialog; label: string; icon: string }[] = [
  { dialog: "cluster", label: "Cluster/Partition", icon: "cpu" },
  { dialog: "states", label: "Job States", icon: "gear-fill" },
  { dialog: "startTime", label: "Start Time", icon: "calendar-range" },
  { dialog: "duration", label: "Duration", icon: "stopwatch" },
  { dialog: "tags", label: "Tags", icon: "tags" },
  { dialog: "resources", label: "Resources", icon: "hdd-stack" },
  { dialog: "footprints", label: "Footprints", icon: "bar-chart" },
];

interface Pill {
  key: FilterKey;
  dialog?: Dialog;
  icon: string;
  label: JSX.Element;
  /** For the remove button's accessible name. */
  text: string;
}

export interface FiltersProps {
  filters: FilterState;
  onChange: (next: FilterState) => void;
  clusters: FilterCluster[];
  /** A view fixed to one cluster (as cc-backend's user view may be). */
  disableClusterSelection?: boolean;
}

/** The "Filters" menu with a dialog per filter group, and the active filters as removable pills. */
export function Filters(props: FiltersProps) {
  const [dialog, setDialog] = createSignal<Dialog | null>(null);
  const [menuOpen, setMenuOpen] = createSignal(false);
  let menu!: HTMLDivElement;

  const closeOnOutside = (event: MouseEvent) => {
    if (menuOpen() && !menu.contains(event.target as Node)) setMenuOpen(false);
  };
  document.addEventListener("click", closeOnOutside);
  onCleanup(() => document.removeEventListener("click", closeOnOutside));

  const open = (d: Dialog) => {
    setMenuOpen(false);
    setDialog(d);
  };
  const apply = (next: FilterState) => {
    setDialog(null);
    props.onChange(next);
  };
  const dialogProps = () => ({ filters: props.filters, clusters: props.clusters, onApply: apply, onClose: () => setDialog(null) });

  const pills = (): Pill[] => {
    const f = props.filters;
    const list: Pill[] = [];
    if (f.cluster) {
      const text = f.partition ? `${f.cluster} (${f.partition})` : f.cluster;
      list.push({ key: "cluster", dialog: "cluster", icon: "cpu", label: text, text: `Cluster: ${text}` });
    }
    if (f.states.length > 0) list.push({ key: "states", dialog: "states", icon: "gear-fill", label: f.states.join(", "), text: `States: ${f.states.join(", ")}` });
    if (f.startTime.preset) {
      const label = START_TIME_PRESETS[f.startTime.preset].label;
      list.push({ key: "startTime", dialog: "startTime", icon: "calendar-range", label, text: `Start time: ${label}` });
    } else if (f.startTime.from != null || f.startTime.to != null) {
      const label = formatRange(f.startTime, formatUnixLocal);
      list.push({ key: "startTime", dialog: "startTime", icon: "calendar-range", label, text: `Start time: ${label}` });
    }
    if (isRangeSet(f.duration)) {
      const label = formatRange(f.duration, formatDurationShort);
      list.push({ key: "duration", dialog: "duration", icon: "stopwatch", label, text: `Duration: ${label}` });
    }
    if (f.tags.length > 0) list.push({ key: "tags", dialog: "tags", icon: "tags", label: <TagNames ids={f.tags} />, text: "Tags" });
    for (const [key, name] of [
      ["numNodes", "Nodes"],
      ["numHWThreads", "HW threads"],
      ["numAccelerators", "Accelerators"],
    ] as const) {
      if (isRangeSet(f[key])) {
        const label = `${name}: ${formatRange(f[key])}`;
        list.push({ key, dialog: "resources", icon: "hdd-stack", label, text: label });
      }
    }
    if (f.node) list.push({ key: "node", dialog: "resources", icon: "hdd-stack", label: `Node: ${f.node}`, text: `Node: ${f.node}` });
    for (const { field, label } of FOOTPRINTS) {
      const range = f.footprints[field];
      if (isRangeSet(range)) {
        const text = `${label}: ${formatRange(range)}`;
        list.push({ key: field, dialog: "footprints", icon: "bar-chart", label: text, text });
      }
    }
    const textPill = (key: TextField, values: string[], match: StringMatch, icon: string) => {
      const text = `${TEXT_FIELD_LABELS[key]} ${MATCH_LABELS[values.length > 1 ? "in" : match]} ${values.join(", ")}`;
      list.push({ key, icon, label: text, text });
    };
    if (f.user.length > 0) textPill("user", f.user, f.userMatch, "person-fill");
    if (f.project.length > 0) textPill("project", f.project, f.projectMatch, "people-fill");
    if (f.jobId.length > 0) textPill("jobId", f.jobId, f.jobIdMatch, "hash");
    if (f.jobName) textPill("jobName", [f.jobName], "contains", "card-text");
    if (f.arrayJobId != null) textPill("arrayJobId", [String(f.arrayJobId)], "eq", "collection");
    return list;
  };

  return (
    <div class="d-flex flex-wrap align-items-center gap-2" data-testid="filters">
      <div class="dropdown" ref={menu} onKeyDown={(e) => e.key === "Escape" && setMenuOpen(false)}>
        <button type="button" class="btn btn-outline-success dropdown-toggle" aria-expanded={menuOpen()} aria-haspopup="true" onClick={() => setMenuOpen(!menuOpen())}>
          <i class="bi bi-sliders me-1" aria-hidden="true" />
          Filters
        </button>
        <Show when={menuOpen()}>
          <ul class="dropdown-menu show" style={{ position: "absolute", "z-index": 1025 }}>
            <li>
              <h6 class="dropdown-header">Manage filters</h6>
            </li>
            <For each={MENU}>
              {(item) => (
                <li>
                  <button type="button" class="dropdown-item" onClick={() => open(item.dialog)} disabled={item.dialog === "cluster" && props.disableClusterSelection}>
                    <i class={`bi bi-${item.icon} me-2`} aria-hidden="true" />
                    {item.label}
                  </button>
                </li>
              )}
            </For>
            <li>
              <hr class="dropdown-divider" />
            </li>
            <li>
              <h6 class="dropdown-header">Start time quick selection</h6>
            </li>
            <For each={Object.entries(START_TIME_PRESETS) as [keyof typeof START_TIME_PRESETS, { label: string }][]}>
              {([preset, { label }]) => (
                <li>
                  <button
                    type="button"
                    class="dropdown-item"
                    onClick={() => {
                      setMenuOpen(false);
                      props.onChange({ ...structuredClone(props.filters), startTime: { preset, from: null, to: null } });
                    }}
                  >
                    <i class="bi bi-calendar-range me-2" aria-hidden="true" />
                    {label}
                  </button>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </div>

      <For each={pills()}>
        {(pill) => (
          <span class="btn-group btn-group-sm" role="group" data-testid="filter-pill">
            <Show
              when={pill.dialog && !(pill.key === "cluster" && props.disableClusterSelection)}
              fallback={
                <span class="btn btn-outline-secondary rounded-start-pill" style={{ cursor: "default" }}>
                  <i class={`bi bi-${pill.icon} me-1`} aria-hidden="true" />
                  {pill.label}
                </span>
              }
            >
              <button type="button" class="btn btn-outline-secondary rounded-start-pill" title="Change this filter" onClick={() => setDialog(pill.dialog!)}>
                <i class={`bi bi-${pill.icon} me-1`} aria-hidden="true" />
                {pill.label}
              </button>
            </Show>
            <Show when={!(pill.key === "cluster" && props.disableClusterSelection)}>
              <button type="button" class="btn btn-outline-secondary rounded-end-pill" aria-label={`Remove filter ${pill.text}`} title="Remove filter" onClick={() => props.onChange(clearFilter(props.filters, pill.key))}>
                <i class="bi bi-x-lg" aria-hidden="true" />
              </button>
            </Show>
          </span>
        )}
      </For>

      <Switch>
        <Match when={dialog() === "cluster"}>
          <ClusterDialog {...dialogProps()} disableClusterSelection={props.disableClusterSelection} />
        </Match>
        <Match when={dialog() === "states"}>
          <StatesDialog {...dialogProps()} />
        </Match>
        <Match when={dialog() === "startTime"}>
          <StartTimeDialog {...dialogProps()} />
        </Match>
        <Match when={dialog() === "duration"}>
          <DurationDialog {...dialogProps()} />
        </Match>
        <Match when={dialog() === "tags"}>
          <TagsDialog {...dialogProps()} />
        </Match>
        <Match when={dialog() === "resources"}>
          <ResourcesDialog {...dialogProps()} />
        </Match>
        <Match when={dialog() === "footprints"}>
          <FootprintDialog {...dialogProps()} />
        </Match>
      </Switch>
    </div>
  );
}

/** Tag names for a tags pill; ids until the names are loaded (or when a tag does not exist). */
function TagNames(props: { ids: string[] }) {
  const tags = createQuery(FilterTagsQuery, () => ({}));
  const name = (id: string) => {
    const tag = tags.latest?.tags.find((t) => t.id === id);
    return tag ? `${tag.type}: ${tag.name}` : `#${id}`;
  };
  // Not through QueryView: the pill shows ids while loading, and a failed load is no reason to hide it.
  return <>{props.ids.map(name).join(", ")}</>;
}

const MATCHES_FOR: Record<TextField, StringMatch[]> = {
  user: ["contains", "eq", "startsWith", "endsWith", "in"],
  project: ["contains", "eq", "startsWith", "endsWith", "in"],
  jobId: ["eq", "contains", "startsWith", "in"],
  jobName: ["contains"],
  arrayJobId: ["eq"],
};

/**
 * Text search over user, project, job id, job name or array job id, with the match mode
 * (cc-backend's userMatch/projectMatch/jobIdMatch). "is one of" takes a comma-separated list.
 */
export function TextFilter(props: { filters: FilterState; onChange: (next: FilterState) => void; fields?: TextField[] }) {
  const fields = () => props.fields ?? [...TEXT_FIELDS];
  const [field, setField] = createSignal<TextField>(fields()[0]!);
  const [match, setMatch] = createSignal<StringMatch>(MATCHES_FOR[fields()[0]!][0]!);
  const [term, setTerm] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    const text = term().trim();
    if (!text) return;
    const next = structuredClone(props.filters);
    const values = match() === "in" ? text.split(",").map((v) => v.trim()).filter(Boolean) : [text];
    switch (field()) {
      case "user":
        next.user = values;
        next.userMatch = match();
        break;
      case "project":
        next.project = values;
        next.projectMatch = match();
        break;
      case "jobId":
        next.jobId = values;
        next.jobIdMatch = match();
        break;
      case "jobName":
        next.jobName = text;
        break;
      case "arrayJobId":
        if (!/^\d+$/.test(text)) {
          setError("An array job ID is a number.");
          return;
        }
        next.arrayJobId = Number(text);
        break;
    }
    setError(null);
    setTerm("");
    props.onChange(next);
  };

  return (
    <form class="d-flex flex-column" role="search" aria-label="Filter by text" onSubmit={submit}>
      <div class="input-group input-group-sm">
        <select
          class="form-select flex-grow-0 w-auto"
          aria-label="Search field"
          value={field()}
          onChange={(e) => {
            const f = e.currentTarget.value as TextField;
            setField(f);
            setMatch(MATCHES_FOR[f][0]!);
          }}
        >
          <For each={fields()}>{(f) => <option value={f}>{TEXT_FIELD_LABELS[f]}</option>}</For>
        </select>
        <select class="form-select flex-grow-0 w-auto" aria-label="Match" value={match()} disabled={MATCHES_FOR[field()].length < 2} onChange={(e) => setMatch(e.currentTarget.value as StringMatch)}>
          <For each={MATCHES_FOR[field()]}>{(m) => <option value={m}>{MATCH_LABELS[m]}</option>}</For>
        </select>
        <input
          type="search"
          class="form-control"
          aria-label="Search text"
          placeholder={match() === "in" ? "a, b, c" : `filter ${TEXT_FIELD_LABELS[field()].toLowerCase()}…`}
          value={term()}
          onInput={(e) => setTerm(e.currentTarget.value)}
        />
        <button type="submit" class="btn btn-outline-primary">
          <i class="bi bi-search me-1" aria-hidden="true" />
          Filter
        </button>
      </div>
      <Show when={error()}>
        <div class="text-danger small">{error()}</div>
      </Show>
    </form>
  );
}
