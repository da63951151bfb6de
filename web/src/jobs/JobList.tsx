import "./job-list.css";
import { useLocation, useNavigate } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, onMount, Show, startTransition } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { Filters, TextFilter } from "../filters/Filters.js";
import { filtersFromSearch, filtersToGraphql, filtersToSearch, type FilterState } from "../filters/filters.js";
import { graphql } from "../generated/graphql/index.js";
import type { JobFilter, JobListInitQuery as InitData, SortDirectionEnum } from "../generated/graphql/graphql.js";
import { client } from "../graphql/client.js";
import { createQuery } from "../graphql/createQuery.js";
import { INFO_COLUMN_WIDTH, JobRow } from "./JobRow.js";
import { availableMetrics, MetricSelection } from "./MetricSelection.js";
import { Pagination } from "./Pagination.js";
import { currentSettings } from "../app/user-settings.js";
import { JobListInitQuery, METRICS_SETTING, PAGING_SETTING, PER_PAGE_SETTING, positiveInt, saveSetting, selectedMetrics, type Settings } from "./settings.js";

const JobListJobsQuery = graphql(`
  query JobListJobs($filter: [JobFilter!], $order: OrderByInput, $page: PageRequest) {
    jobs(filter: $filter, order: $order, page: $page) {
      count
      items {
        id
        jobId
        user
        userData {
          name
        }
        project
        cluster
        subCluster
        partition
        startTime
        duration
        walltime
        numNodes
        numHWThreads
        numAcc
        exclusive
        arrayJobId
        state
        monitoringStatus
        metaData
        resources {
          hostname
        }
        tags {
          id
          type
          name
        }
      }
    }
  }
`);

/** The columns cc-backend's job list sorts by (SortSelection.svelte), and the rest of the job table's. */
export const SORT_FIELDS = [
  { field: "startTime", label: "Start time" },
  { field: "duration", label: "Duration" },
  { field: "numNodes", label: "Nodes" },
  { field: "numHWThreads", label: "HW threads" },
  { field: "numAcc", label: "Accelerators" },
  { field: "walltime", label: "Walltime" },
  { field: "flopsAnyAvg", label: "FLOPs (avg.)" },
  { field: "memBwAvg", label: "Mem. bandwidth (avg.)" },
  { field: "loadAvg", label: "Load (avg.)" },
  { field: "memUsedMax", label: "Mem. used (max.)" },
] as const;

export interface Sorting {
  field: string;
  order: SortDirectionEnum;
}
const DEFAULT_SORTING: Sorting = { field: "startTime", order: "DESC" };

const REFRESH_INTERVALS = [
  { seconds: 0, label: "No periodic reload" },
  { seconds: 30, label: "Every 30 seconds" },
  { seconds: 60, label: "Every minute" },
  { seconds: 120, label: "Every 2 minutes" },
];

function sortingFromSearch(search: string): Sorting {
  const params = new URLSearchParams(search);
  const field = params.get("sort");
  const order = params.get("order")?.toUpperCase();
  return {
    field: SORT_FIELDS.some((f) => f.field === field) ? field! : DEFAULT_SORTING.field,
    order: order === "ASC" || order === "DESC" ? order : DEFAULT_SORTING.order,
  };
}

/** The job list (/monitoring/jobs/): filters in the URL, sorting, paging or continuous scroll, a row of plots per job. */
export default function JobList() {
  const init = createQuery(JobListInitQuery, () => ({}));
  return (
    <section>
      <h1 class="visually-hidden">Jobs</h1>
      <QueryView resource={init} what="job list settings">
        {(data) => <JobListPage init={data} />}
      </QueryView>
    </section>
  );
}

type Cluster = InitData["clusters"][number];

function JobListPage(props: { init: InitData }) {
  const location = useLocation();
  const navigate = useNavigate();
  const clusters = (): Cluster[] => props.init.clusters;
  const [settings, setSettings] = createSignal<Settings>(currentSettings());
  const [saveError, setSaveError] = createSignal<string | null>(null);

  const filters = createMemo(() => filtersFromSearch(location.search), undefined, { equals: (a, b) => JSON.stringify(a) === JSON.stringify(b) });
  const sorting = createMemo(() => sortingFromSearch(location.search), undefined, { equals: (a, b) => a.field === b.field && a.order === b.order });
  const go = (next: FilterState, sort: Sorting) => {
    const params = filtersToSearch(next);
    if (sort.field !== DEFAULT_SORTING.field || sort.order !== DEFAULT_SORTING.order) {
      params.append("sort", sort.field);
      params.append("order", sort.order.toLowerCase());
    }
    const query = params.toString();
    navigate(`${location.pathname}${query ? `?${query}` : ""}`);
  };
  const setFilters = (next: FilterState) => go(next, sorting());
  const setSorting = (next: Sorting) => go(filters(), next);

  const save = (name: string, value: unknown) => {
    setSettings({ ...settings(), [name]: value });
    saveSetting(name, value).then(
      () => setSaveError(null),
      (error: Error) => setSaveError(`Could not save setting ${name}: ${error.message}`),
    );
  };

  // Metrics: per cluster when the list is filtered to one (plot_list_selectedMetrics:<cluster>).
  const metrics = createMemo(() => {
    const available = availableMetrics(clusters(), filters().cluster);
    return selectedMetrics(settings(), filters().cluster).filter((m) => available.includes(m));
  });
  const [selectingMetrics, setSelectingMetrics] = createSignal(false);

  const itemsPerPage = () => positiveInt(settings()[PER_PAGE_SETTING]) ?? 50;
  const continuous = () => settings()[PAGING_SETTING] === false;
  const [page, setPage] = createSignal(1);
  const [loadedPages, setLoadedPages] = createSignal(1);
  const [lastLoaded, setLastLoaded] = createSignal(0);
  const [count, setCount] = createSignal<number | null>(null);

  // Reloads: the tick is part of every query's key; in a transition the old rows stay until the new arrive.
  const [tick, setTick] = createSignal(0);
  const reload = () => void startTransition(() => setTick((t) => t + 1));
  const [interval, setIntervalSeconds] = createSignal(0);
  createEffect(() => {
    const seconds = interval();
    if (seconds <= 0) return;
    const id = setInterval(reload, seconds * 1000);
    onCleanup(() => clearInterval(id));
  });

  const graphqlFilter = createMemo((): JobFilter[] => {
    void tick();
    const list = filtersToGraphql(filters());
    const minRunningFor = positiveInt(settings().plot_list_hideShortRunningJobs);
    if (minRunningFor) list.push({ minRunningFor });
    return list;
  });

  // A new filter, sorting or page size starts at the first page.
  createEffect(
    on(
      [filters, sorting, itemsPerPage, continuous],
      () => {
        setPage(1);
        setLoadedPages(1);
        setLastLoaded(0);
        setCount(null);
      },
      { defer: true },
    ),
  );

  const pages = () => (continuous() ? Array.from({ length: loadedPages() }, (_, i) => i + 1) : [page()]);
  const hasMore = () => count() != null && loadedPages() * itemsPerPage() < count()!;
  const loadMore = () => {
    if (continuous() && hasMore() && lastLoaded() >= loadedPages()) setLoadedPages(loadedPages() + 1);
  };

  let sentinel!: HTMLDivElement;
  let table!: HTMLDivElement;
  const [width, setWidth] = createSignal(1200);
  onMount(() => {
    const scroll = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore(), { rootMargin: "400px 0px" });
    scroll.observe(sentinel);
    const resize = new ResizeObserver(() => setWidth(Math.floor(table.clientWidth / 10) * 10));
    resize.observe(table);
    setWidth(Math.floor(table.clientWidth / 10) * 10);
    onCleanup(() => {
      scroll.disconnect();
      resize.disconnect();
    });
  });
  // A page arrived while the sentinel is still in view (short pages): keep loading.
  createEffect(
    on(lastLoaded, () => {
      if (!continuous() || !sentinel) return;
      const rect = sentinel.getBoundingClientRect();
      if (rect.top < window.innerHeight + 400) loadMore();
    }),
  );

  const plotWidth = () => Math.max(140, Math.floor((width() - INFO_COLUMN_WIDTH) / Math.max(1, metrics().length)) - 4);
  const unitOf = (metric: string) => {
    const units = new Set<string>();
    for (const c of clusters()) {
      if (filters().cluster && c.name !== filters().cluster) continue;
      const m = c.metricConfig.find((mc) => mc.name === metric);
      if (m) units.add(`${m.unit.prefix ?? ""}${m.unit.base}`);
    }
    return [...units].join(", ");
  };

  return (
    <>
      <div class="d-flex flex-wrap align-items-start gap-2 mb-2">
        <div class="me-auto">
          <Filters filters={filters()} onChange={setFilters} clusters={clusters()} />
        </div>
        <TextFilter filters={filters()} onChange={setFilters} />
      </div>
      <div class="d-flex flex-wrap align-items-center gap-2 mb-2" role="toolbar" aria-label="Job list options">
        <div class="input-group input-group-sm w-auto">
          <label class="input-group-text" for="jobs-sort">
            <i class="bi bi-sort-down me-1" aria-hidden="true" />
            Sort by
          </label>
          <select id="jobs-sort" class="form-select" value={sorting().field} onChange={(e) => setSorting({ ...sorting(), field: e.currentTarget.value })}>
            <For each={SORT_FIELDS}>{(f) => <option value={f.field}>{f.label}</option>}</For>
          </select>
          <button
            type="button"
            class="btn btn-outline-secondary"
            data-testid="sort-order"
            aria-label={sorting().order === "DESC" ? "Descending, switch to ascending" : "Ascending, switch to descending"}
            title={sorting().order === "DESC" ? "Descending" : "Ascending"}
            onClick={() => setSorting({ ...sorting(), order: sorting().order === "DESC" ? "ASC" : "DESC" })}
          >
            <i class={`bi bi-sort-${sorting().order === "DESC" ? "down" : "up"}`} aria-hidden="true" />
            {sorting().order === "DESC" ? " desc" : " asc"}
          </button>
        </div>
        <button type="button" class="btn btn-sm btn-outline-primary" onClick={() => setSelectingMetrics(true)}>
          <i class="bi bi-graph-up me-1" aria-hidden="true" />
          Metrics
        </button>
        <span class="badge text-bg-light border fs-6 fw-normal" aria-live="polite">
          <Show when={count() != null} fallback={<>Loading…</>}>
            <span data-testid="job-count">{count()} jobs</span>
          </Show>
        </span>
        <div class="input-group input-group-sm w-auto ms-auto">
          <button type="button" class="btn btn-outline-secondary" onClick={reload} disabled={interval() > 0}>
            <i class="bi bi-arrow-clockwise me-1" aria-hidden="true" />
            Reload
          </button>
          <select class="form-select" aria-label="Periodic reload" value={interval()} onChange={(e) => setIntervalSeconds(Number(e.currentTarget.value))}>
            <For each={REFRESH_INTERVALS}>{(r) => <option value={r.seconds}>{r.label}</option>}</For>
          </select>
        </div>
      </div>
      <Show when={saveError()}>
        <div class="alert alert-warning alert-dismissible py-2" role="alert">
          {saveError()}
          <button type="button" class="btn-close" aria-label="Dismiss" onClick={() => setSaveError(null)} />
        </div>
      </Show>

      <div role="table" class="cc-job-table" aria-label="Jobs" aria-rowcount={count() != null ? count()! + 1 : undefined} data-testid="job-table" ref={table}>
        <div role="rowgroup" class="position-sticky top-0 bg-body border-bottom border-dark-subtle" style={{ "z-index": 3 }}>
          <div role="row" class="d-flex fw-semibold py-1">
            <div role="columnheader" class="flex-shrink-0" style={{ width: `${INFO_COLUMN_WIDTH}px` }}>
              Job info
            </div>
            <For each={metrics()}>
              {(metric) => (
                <div role="columnheader" class="flex-shrink-0 text-center text-truncate" style={{ width: `${plotWidth()}px` }} data-testid="metric-header">
                  {metric}
                  <Show when={unitOf(metric)}>
                    <span class="fw-normal text-body-secondary"> ({unitOf(metric)})</span>
                  </Show>
                </div>
              )}
            </For>
          </div>
        </div>
        <For each={pages()}>
          {(p) => (
            <JobChunk
              page={p}
              itemsPerPage={itemsPerPage()}
              filter={graphqlFilter()}
              sorting={sorting()}
              tick={tick()}
              metrics={metrics()}
              clusters={clusters()}
              plotWidth={plotWidth()}
              onLoaded={(total) => {
                setCount(total);
                setLastLoaded((n) => Math.max(n, p));
              }}
            />
          )}
        </For>
      </div>
      <div ref={sentinel} aria-hidden="true" />
      <Show when={continuous() && hasMore()}>
        <div class="text-center my-2">
          <button type="button" class="btn btn-sm btn-outline-secondary" disabled={lastLoaded() < loadedPages()} onClick={loadMore}>
            Load more jobs
          </button>
        </div>
      </Show>
      <Pagination
        page={page()}
        itemsPerPage={itemsPerPage()}
        total={count() ?? 0}
        continuous={continuous()}
        onPage={(p) => {
          setPage(p);
          table.scrollIntoView({ block: "start" });
        }}
        onItemsPerPage={(n) => save(PER_PAGE_SETTING, n)}
        onContinuous={(on) => save(PAGING_SETTING, !on)}
      />

      <Show when={selectingMetrics()}>
        <MetricSelection
          clusters={clusters()}
          cluster={filters().cluster}
          selected={metrics()}
          onClose={() => setSelectingMetrics(false)}
          onApply={(selected) => {
            setSelectingMetrics(false);
            save(filters().cluster ? `${METRICS_SETTING}:${filters().cluster}` : METRICS_SETTING, selected);
          }}
        />
      </Show>
    </>
  );
}

/** One page of jobs: its own query, loading and error state (continuous scroll appends these). */
function JobChunk(props: {
  page: number;
  itemsPerPage: number;
  filter: JobFilter[];
  sorting: Sorting;
  tick: number;
  metrics: string[];
  clusters: Cluster[];
  plotWidth: number;
  onLoaded: (count: number) => void;
}) {
  const [jobs] = createResource(
    () => ({ filter: props.filter, order: props.sorting, page: { itemsPerPage: props.itemsPerPage, page: props.page }, tick: props.tick }),
    async ({ tick: _tick, ...variables }) => {
      const result = await client.query(JobListJobsQuery, variables, { requestPolicy: "network-only" }).toPromise();
      if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
      if (!result.data) throw new Error("empty response from server");
      return result.data;
    },
  );
  createEffect(() => {
    if (jobs.state === "ready") props.onLoaded(jobs.latest.jobs.count ?? 0);
  });
  return (
    <div role="rowgroup" data-testid="job-page">
      <QueryView resource={jobs} what="jobs">
        {/* Read the resource itself, not the callback's value: that stays the first page's on refetch. */}
        {() => (
          <For
            each={jobs()?.jobs.items ?? []}
            fallback={
              <Show when={props.page === 1}>
                <div role="row" class="py-3 text-body-secondary">
                  <span role="cell">No jobs found.</span>
                </div>
              </Show>
            }
          >
            {(job) => <JobRow job={job} metrics={props.metrics} clusters={props.clusters} plotWidth={props.plotWidth} generation={props.tick} />}
          </For>
        )}
      </QueryView>
    </div>
  );
}
