import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import { hasRole, useCurrentUser } from "../app/current-user.js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import { createQuery } from "../graphql/createQuery.js";

const HomeQuery = graphql(`
  query HomeClusters {
    clusters {
      name
    }
    jobsStatistics(groupBy: CLUSTER) {
      id
      totalJobs
      runningJobs
    }
  }
`);

const q = encodeURIComponent;

/** The start page, as cc-backend's home.tmpl: each cluster with its running and total jobs, linked to the job list. */
export default function Home() {
  const user = useCurrentUser();
  const staff = () => hasRole(user(), "admin", "support");
  const data = createQuery(HomeQuery, () => ({}));
  return (
    <section>
      <h1 class="h3 mb-3">Clusters</h1>
      <QueryView resource={data} what="clusters">
        {(result) => {
          const stats = (cluster: string) => result.jobsStatistics.find((s) => s.id === cluster);
          return (
            <table class="table table-hover align-middle" data-testid="cluster-table" style={{ "max-width": "1100px" }}>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Running jobs</th>
                  <th scope="col">Total jobs</th>
                  <Show when={staff()}>
                    <th scope="col">
                      <span class="visually-hidden">Views</span>
                    </th>
                  </Show>
                </tr>
              </thead>
              <tbody>
                <For each={result.clusters} fallback={<tr><td colSpan={staff() ? 4 : 3}>No clusters are configured.</td></tr>}>
                  {(cluster) => (
                    <tr data-testid="cluster-row">
                      <th scope="row">{cluster.name}</th>
                      <td>
                        <A href={`/monitoring/jobs/?cluster=${q(cluster.name)}&state=running`} aria-label={`${stats(cluster.name)?.runningJobs ?? 0} running jobs on ${cluster.name}`} data-testid="running-jobs">
                          {stats(cluster.name)?.runningJobs ?? 0} jobs
                        </A>
                      </td>
                      <td>
                        <A href={`/monitoring/jobs/?cluster=${q(cluster.name)}`} aria-label={`${stats(cluster.name)?.totalJobs ?? 0} jobs on ${cluster.name}`} data-testid="total-jobs">
                          {stats(cluster.name)?.totalJobs ?? 0} jobs
                        </A>
                      </td>
                      <Show when={staff()}>
                        <td class="text-nowrap">
                          <A class="btn btn-sm btn-outline-secondary me-1" href={`/monitoring/analysis/${q(cluster.name)}`}>
                            <i class="bi bi-graph-up me-1" aria-hidden="true" />
                            Analysis<span class="visually-hidden"> of {cluster.name}</span>
                          </A>
                          <A class="btn btn-sm btn-outline-secondary me-1" href={`/monitoring/systems/${q(cluster.name)}`}>
                            <i class="bi bi-hdd-rack me-1" aria-hidden="true" />
                            Systems<span class="visually-hidden"> of {cluster.name}</span>
                          </A>
                          <A class="btn btn-sm btn-outline-secondary" href={`/monitoring/status/${q(cluster.name)}`}>
                            <i class="bi bi-clipboard-data me-1" aria-hidden="true" />
                            Status<span class="visually-hidden"> of {cluster.name}</span>
                          </A>
                        </td>
                      </Show>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          );
        }}
      </QueryView>
    </section>
  );
}
