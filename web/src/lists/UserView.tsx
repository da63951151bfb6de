import { useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Show } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import type { JobFilter } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import { Histogram } from "../plots/Histogram.js";
import { ClusterSelect, TimeRangeSelect } from "./FilterBar.js";
import { formatInteger, isValidStartTime, param, startTimeFilter } from "./filters.js";
import { LiveQueryView } from "./LiveQueryView.js";
import { StatisticsTable } from "./StatisticsTable.js";

const UserViewUser = graphql(`
  query UserViewUser($username: String!) {
    user(username: $username) {
      username
      name
      email
    }
  }
`);

const UserViewStatistics = graphql(`
  query UserViewStatistics($filter: [JobFilter!]) {
    jobsStatistics(filter: $filter) {
      ...JobStatisticsFields
    }
  }
`);

const UserViewJobs = graphql(`
  query UserViewJobs($filter: [JobFilter!], $page: PageRequest!) {
    jobs(filter: $filter, page: $page, order: { field: "startTime", order: DESC }) {
      count
      items {
        id
        jobId
        cluster
        subCluster
        project
        startTime
        duration
        numNodes
        numHWThreads
        numAcc
        state
      }
    }
  }
`);

const JOBS_PER_PAGE = 25;

/** One user: who it is, the totals and distributions of its jobs, and the jobs themselves. */
export default function UserView() {
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const username = () => params.id ?? "";
  const cluster = () => param(search.cluster) || undefined;
  const startTime = () => {
    const value = param(search.startTime);
    return isValidStartTime(value) ? value : "all";
  };

  const user = createQuery(UserViewUser, () => ({ username: username() }));
  const key = createMemo(() => JSON.stringify({ username: username(), cluster: cluster(), startTime: startTime() }));
  const filter = createMemo((): JobFilter[] => {
    const { username, cluster, startTime } = JSON.parse(key()) as { username: string; cluster?: string; startTime: string };
    const filters: JobFilter[] = [{ user: { eq: username } }];
    if (cluster) filters.push({ cluster: { eq: cluster } });
    const time = startTimeFilter(startTime);
    if (time) filters.push(time);
    return filters;
  });
  // The page belongs to the filters it was chosen for: new filters start at page 1.
  const [pageState, setPageState] = createSignal({ key: "", page: 1 });
  const page = () => (pageState().key === key() ? pageState().page : 1);
  const setPage = (page: number) => setPageState({ key: key(), page });
  const stats = createQuery(UserViewStatistics, () => ({ filter: filter() }));
  const jobsKey = createMemo(() => `${key()}#${page()}`);
  const jobs = createQuery(UserViewJobs, () => ({ filter: filter(), page: { itemsPerPage: JOBS_PER_PAGE, page: page() } }));
  // The pager stays outside the remounted table (it keeps the keyboard focus): the last count known.
  const [jobCount, setJobCount] = createSignal<number>();
  createEffect(() => {
    if (jobs.state === "ready") setJobCount(jobs()?.jobs.count ?? 0);
  });
  const pages = () => Math.max(1, Math.ceil((jobCount() ?? 0) / JOBS_PER_PAGE));

  return (
    <section>
      <h1 class="h3 mb-3">
        User <span class="font-monospace">{username()}</span>
      </h1>
      <div class="d-flex flex-wrap gap-2 mb-3 align-items-center">
        <ClusterSelect value={cluster()} onChange={(value) => setSearch({ cluster: value }, { replace: true })} />
        <TimeRangeSelect value={startTime()} onChange={(value) => setSearch({ startTime: value }, { replace: true })} />
      </div>
      <div class="row g-3 mb-3">
        <div class="col-12 col-lg-4">
          <LiveQueryView resource={user} key={username()} what="the user">
            {(data) => (
              <table class="table table-sm mb-2" data-testid="user-info">
                <tbody>
                  <tr>
                    <th scope="row">Username</th>
                    <td>{username()}</td>
                  </tr>
                  <tr>
                    <th scope="row">Name</th>
                    <td data-testid="user-name">{data().user?.name || "–"}</td>
                  </tr>
                  <tr>
                    <th scope="row">Email</th>
                    <td data-testid="user-email">
                      <Show when={data().user?.email} fallback="–">
                        {(email) => <a href={`mailto:${email()}`}>{email()}</a>}
                      </Show>
                    </td>
                  </tr>
                </tbody>
              </table>
            )}
          </LiveQueryView>
          <LiveQueryView resource={stats} key={key()} what="the statistics">
            {(data) => {
              const s = () => data().jobsStatistics[0];
              return (
                <StatisticsTable stats={s()} testid="user-stats" />
              );
            }}
          </LiveQueryView>
        </div>
        <LiveQueryView resource={stats} key={key()} what="the distributions">
          {(data) => (
            <>
              <div class="col-12 col-md-6 col-lg-4">
                <h2 class="h6 text-center">Duration distribution</h2>
                <Histogram title="Jobs by duration" testid="hist-duration" data={data().jobsStatistics[0]?.histDuration ?? []} xlabel="Duration [h]" ylabel="Number of jobs" />
              </div>
              <div class="col-12 col-md-6 col-lg-4">
                <h2 class="h6 text-center">Number of nodes distribution</h2>
                <Histogram title="Jobs by number of nodes" testid="hist-nodes" data={data().jobsStatistics[0]?.histNumNodes ?? []} xlabel="Allocated nodes" ylabel="Number of jobs" />
              </div>
            </>
          )}
        </LiveQueryView>
      </div>

      <h2 class="h5">Jobs</h2>
      <LiveQueryView resource={jobs} key={jobsKey()} what="the jobs">
        {(data) => (
          <>
            <p class="text-body-secondary small" data-testid="user-job-count">
              {formatInteger(data().jobs.count ?? 0)} jobs
            </p>
            <div class="table-responsive">
              <table class="table table-sm table-hover" data-testid="user-job-table">
                <thead>
                  <tr>
                    <th scope="col">Job</th>
                    <th scope="col">Cluster</th>
                    <th scope="col">Project</th>
                    <th scope="col">Start</th>
                    <th scope="col" class="text-end">
                      Duration
                    </th>
                    <th scope="col" class="text-end">
                      Nodes
                    </th>
                    <th scope="col" class="text-end">
                      Cores
                    </th>
                    <th scope="col" class="text-end">
                      Accelerators
                    </th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  <For
                    each={data().jobs.items}
                    fallback={
                      <tr>
                        <td colSpan={9} class="fst-italic text-body-secondary">
                          No jobs.
                        </td>
                      </tr>
                    }
                  >
                    {(job) => (
                      <tr>
                        <td>
                          <a href={`/monitoring/job/${encodeURIComponent(job.id)}`}>{job.jobId}</a>
                        </td>
                        <td>
                          {job.cluster}/{job.subCluster}
                        </td>
                        <td>{job.project}</td>
                        <td>{formatTime(job.startTime)}</td>
                        <td class="text-end font-monospace">{formatDuration(job.duration)}</td>
                        <td class="text-end">{job.numNodes}</td>
                        <td class="text-end">{job.numHWThreads}</td>
                        <td class="text-end">{job.numAcc}</td>
                        <td>
                          <span class={`badge ${job.state === "running" ? "text-bg-success" : job.state === "completed" ? "text-bg-secondary" : job.state === "failed" ? "text-bg-danger" : "text-bg-warning"}`}>{job.state}</span>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </>
        )}
      </LiveQueryView>
      <Show when={jobCount() != null}>
        <nav aria-label="Job pages" class="d-flex gap-2 align-items-center mt-2">
          <button type="button" class="btn btn-outline-secondary btn-sm" disabled={page() <= 1} onClick={() => setPage(page() - 1)}>
            Previous
          </button>
          <span>
            Page {page()} of {pages()}
          </span>
          <button type="button" class="btn btn-outline-secondary btn-sm" disabled={page() >= pages()} onClick={() => setPage(page() + 1)}>
            Next
          </button>
        </nav>
      </Show>
    </section>
  );
}

/** 3725 → "1:02:05". */
function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

function formatTime(rfc3339: string): string {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
}
