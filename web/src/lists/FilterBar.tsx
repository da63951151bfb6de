import { createUniqueId, For, Show } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import { createQuery } from "../graphql/createQuery.js";
import { dateToUnix, TIME_RANGES, unixToDate } from "./filters.js";

const ListsClusterNames = graphql(`
  query ListsClusterNames {
    clusters {
      name
    }
  }
`);

/** All clusters or one; the cluster names come from the server. */
export function ClusterSelect(props: { value: string | undefined; onChange: (cluster: string | undefined) => void }) {
  const id = createUniqueId();
  const clusters = createQuery(ListsClusterNames, () => ({}));
  return (
    <div class="input-group input-group-sm w-auto">
      <label class="input-group-text" for={id}>
        Cluster
      </label>
      <QueryView resource={clusters} what="clusters">
        {(data) => (
          <select id={id} class="form-select form-select-sm" value={props.value ?? ""} onChange={(e) => props.onChange(e.currentTarget.value || undefined)}>
            <option value="">All clusters</option>
            <For each={data.clusters}>{(cluster) => <option value={cluster.name}>{cluster.name}</option>}</For>
          </select>
        )}
      </QueryView>
    </div>
  );
}

/** Start-time range: a quick selection or a custom range of days ("from-to" in unix seconds). */
export function TimeRangeSelect(props: { value: string; onChange: (value: string) => void }) {
  const id = createUniqueId();
  const custom = () => /^\d+-\d+$/.exec(props.value);
  const from = () => Number(custom()?.[0].split("-")[0]);
  const to = () => Number(custom()?.[0].split("-")[1]);
  const onSelect = (value: string) => {
    if (value !== "custom") return props.onChange(value);
    const now = Math.floor(Date.now() / 1000);
    props.onChange(`${dateToUnix(unixToDate(now - 7 * 86400))}-${dateToUnix(unixToDate(now), true)}`);
  };
  const onDate = (which: "from" | "to", date: string) => {
    const seconds = dateToUnix(date, which === "to");
    if (seconds == null) return;
    props.onChange(which === "from" ? `${seconds}-${to()}` : `${from()}-${seconds}`);
  };
  return (
    <div class="input-group input-group-sm w-auto">
      <label class="input-group-text" for={id}>
        Start time
      </label>
      <select id={id} class="form-select form-select-sm" value={custom() ? "custom" : props.value} onChange={(e) => onSelect(e.currentTarget.value)}>
        <For each={TIME_RANGES}>{(range) => <option value={range.key}>{range.label}</option>}</For>
        <option value="custom">Custom range…</option>
      </select>
      <Show when={custom()}>
        <input class="form-control form-control-sm" type="date" aria-label="Start time from" value={unixToDate(from())} onChange={(e) => onDate("from", e.currentTarget.value)} />
        <input class="form-control form-control-sm" type="date" aria-label="Start time to" value={unixToDate(to())} onChange={(e) => onDate("to", e.currentTarget.value)} />
      </Show>
    </div>
  );
}
