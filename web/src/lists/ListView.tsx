import { A, useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import type { JobFilter, ListStatisticsQuery } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import { ClusterSelect, TimeRangeSelect } from "./FilterBar.js";
import { LiveQueryView } from "./LiveQueryView.js";
import { formatInteger, isValidStartTime, param, startTimeFilter } from "./filters.js";

const ListStatistics = graphql(`
  query ListStatistics($filter: [JobFilter!], $groupBy: Aggregate!) {
    jobsStatistics(filter: $filter, groupBy: $groupBy) {
      id
      name
      totalJobs
      totalWalltime
      totalCoreHours
      totalAccHours
    }
  }
`);

type Row = ListStatisticsQuery["jobsStatistics"][number];
type Field = "id" | "name" | "totalJobs" | "totalWalltime" | "totalCoreHours" | "totalAccHours";
type Direction = "asc" | "desc";

/** cc-backend's lists look at the last 30 days unless told otherwise. */
const DEFAULT_START_TIME = "last30d";

/**
 * The users or projects with jobs that match the filters, with their totals: sortable by each column,
 * narrowed by a text filter (`?user=`, `?name=` or `?project=` preset it, as cc-backend's search does).
 */
export default function ListView(props: { type: "USER" | "PROJECT" }) {
  const [search, setSearch] = useSearchParams();
  const noun = () => (props.type === "USER" ? "user" : "project");
  const textKey = () => (props.type === "USER" ? "user" : "project");
  const text = () => param(search[textKey()]) ?? (props.type === "USER" ? param(search.name) : undefined) ?? "";
  const cluster = () => param(search.cluster) || undefined;
  const startTime = () => {
    const value = param(search.startTime);
    return isValidStartTime(value) ? value : DEFAULT_START_TIME;
  };
  const [sort, setSort] = createSignal<{ field: Field; direction: Direction }>({ field: "totalJobs", direction: "desc" });

  // Only the server-side filters make a new query; JSON keeps the variables stable between renders.
  const key = createMemo(() => JSON.stringify({ cluster: cluster(), startTime: startTime(), groupBy: props.type }));
  const stats = createQuery(ListStatistics, () => {
    const { cluster, startTime, groupBy } = JSON.parse(key()) as { cluster?: string; startTime: string; groupBy: "USER" | "PROJECT" };
    const filter: JobFilter[] = [];
    if (cluster) filter.push({ cluster: { eq: cluster } });
    const time = startTimeFilter(startTime);
    if (time) filter.push(time);
    return { filter, groupBy };
  });

  const rows = (all: Row[]) => {
    const needle = text().trim().toLowerCase();
    const matching = needle === "" ? all : all.filter((row) => row.id.toLowerCase().includes(needle) || (props.type === "USER" && row.name.toLowerCase().includes(needle)));
    const { field, direction } = sort();
    const sign = direction === "asc" ? 1 : -1;
    return [...matching].sort((a, b) => {
      const x = a[field];
      const y = b[field];
      const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return sign * order || a.id.localeCompare(b.id);
    });
  };

  const columns = (): { field: Field; label: string; numeric: boolean }[] => [
    { field: "id", label: props.type === "USER" ? "Username" : "Project", numeric: false },
    ...(props.type === "USER" ? [{ field: "name" as const, label: "Name", numeric: false }] : []),
    { field: "totalJobs", label: "Total jobs", numeric: true },
    { field: "totalWalltime", label: "Total walltime [h]", numeric: true },
    { field: "totalCoreHours", label: "Total core hours", numeric: true },
    { field: "totalAccHours", label: "Total accelerator hours", numeric: true },
  ];
  const toggle = (field: Field, numeric: boolean) =>
    setSort((current) => (current.field === field ? { field, direction: current.direction === "asc" ? "desc" : "asc" } : { field, direction: numeric ? "desc" : "asc" }));

  const rowLink = (id: string) => {
    if (props.type === "USER") {
      const query = new URLSearchParams();
      if (cluster()) query.set("cluster", cluster()!);
      query.set("startTime", startTime());
      return `/monitoring/user/${encodeURIComponent(id)}?${query}`;
    }
    const query = new URLSearchParams({ project: id, projectMatch: "eq" });
    if (cluster()) query.set("cluster", cluster()!);
    return `/monitoring/jobs/?${query}`;
  };

  const textId = createUniqueId();
  return (
    <section>
      <h1 class="h3 mb-3">{props.type === "USER" ? "Users" : "Projects"}</h1>
      <form class="d-flex flex-wrap gap-2 mb-3 align-items-center" role="search" onSubmit={(e) => e.preventDefault()}>
        <div class="input-group input-group-sm w-auto">
          <label class="input-group-text" for={textId}>
            Search {noun()}s
          </label>
          <input
            id={textId}
            class="form-control form-control-sm"
            type="search"
            placeholder={props.type === "USER" ? "username or name" : "project"}
            value={text()}
            onInput={(e) => setSearch({ [textKey()]: e.currentTarget.value || undefined, name: undefined }, { replace: true })}
          />
        </div>
        <ClusterSelect value={cluster()} onChange={(value) => setSearch({ cluster: value }, { replace: true })} />
        <TimeRangeSelect value={startTime()} onChange={(value) => setSearch({ startTime: value }, { replace: true })} />
      </form>
      <LiveQueryView resource={stats} key={key()} what={`the ${noun()}s`}>
        {(data) => (
          <>
            <p class="text-body-secondary small" data-testid="list-count">
              {rows(data().jobsStatistics).length} of {data().jobsStatistics.length} {noun()}s
            </p>
            <div class="table-responsive">
              <table class="table table-sm table-hover align-middle" data-testid="list-table">
                <thead>
                  <tr>
                    <For each={columns()}>
                      {(column) => (
                        <th
                          scope="col"
                          class={column.numeric ? "text-end" : ""}
                          aria-sort={sort().field === column.field ? (sort().direction === "asc" ? "ascending" : "descending") : "none"}
                        >
                          <button
                            type="button"
                            class="btn btn-link btn-sm p-0 text-decoration-none fw-semibold text-nowrap"
                            classList={{ "text-reset": sort().field !== column.field }}
                            onClick={() => toggle(column.field, column.numeric)}
                          >
                            {column.label}{" "}
                            <i
                              class={`bi ${
                                sort().field !== column.field
                                  ? "bi-arrow-down-up text-body-tertiary"
                                  : column.numeric
                                    ? sort().direction === "asc"
                                      ? "bi-sort-numeric-up"
                                      : "bi-sort-numeric-down-alt"
                                    : sort().direction === "asc"
                                      ? "bi-sort-alpha-down"
                                      : "bi-sort-alpha-down-alt"
                              }`}
                              aria-hidden="true"
                            />
                          </button>
                        </th>
                      )}
                    </For>
                  </tr>
                </thead>
                <tbody>
                  <For
                    each={rows(data().jobsStatistics)}
                    fallback={
                      <tr>
                        <td colSpan={columns().length} class="fst-italic text-body-secondary">
                          No {noun()}s with matching jobs.
                        </td>
                      </tr>
                    }
                  >
                    {(row) => (
                      <tr>
                        <td>
                          <A href={rowLink(row.id)}>{row.id}</A>
                        </td>
                        <Show when={props.type === "USER"}>
                          <td>{row.name}</td>
                        </Show>
                        <td class="text-end font-monospace">{formatInteger(row.totalJobs)}</td>
                        <td class="text-end font-monospace">{formatInteger(row.totalWalltime)}</td>
                        <td class="text-end font-monospace">{formatInteger(row.totalCoreHours)}</td>
                        <td class="text-end font-monospace">{formatInteger(row.totalAccHours)}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </>
        )}
      </LiveQueryView>
    </section>
  );
}
