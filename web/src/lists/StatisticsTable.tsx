import { For } from "solid-js";
import type { JobStatisticsFieldsFragment } from "../generated/graphql/graphql.js";
import { formatInteger } from "./filters.js";

const ROWS: [id: string, label: string, value: (s: JobStatisticsFieldsFragment) => number][] = [
  ["total-jobs", "Total jobs", (s) => s.totalJobs],
  ["running-jobs", "Running jobs", (s) => s.runningJobs],
  ["short-jobs", "Short jobs", (s) => s.shortJobs],
  ["walltime", "Total walltime [h]", (s) => s.totalWalltime],
  ["node-hours", "Total node hours", (s) => s.totalNodeHours],
  ["core-hours", "Total core hours", (s) => s.totalCoreHours],
  ["acc-hours", "Total accelerator hours", (s) => s.totalAccHours],
];

/** The totals of a jobsStatistics entry (zeros when no job matched), for the user and analysis views. */
export function StatisticsTable(props: { stats: JobStatisticsFieldsFragment | undefined; testid: string }) {
  return (
    <table class="table table-sm mb-0" data-testid={props.testid}>
      <tbody>
        <For each={ROWS}>
          {([id, label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td class="text-end font-monospace" data-testid={`stat-${id}`}>
                {formatInteger(props.stats ? value(props.stats) : 0)}
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
