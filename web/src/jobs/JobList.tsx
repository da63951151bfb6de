import { createSignal, ErrorBoundary, For, Show, Suspense } from "solid-js";
import { graphql } from "../generated/graphql/index.js";
import { createQuery } from "../graphql/createQuery.js";
import { formatDuration, formatStartTime } from "./format.js";

const JobListQuery = graphql(`
  query JobList($page: PageRequest!) {
    jobs(page: $page, order: { field: "startTime", order: DESC }) {
      count
      items {
        id
        jobId
        user
        project
        cluster
        subCluster
        startTime
        duration
        numNodes
        state
      }
    }
  }
`);

const ITEMS_PER_PAGE = 50;

/** The job list: newest jobs first, fifty per page. */
export default function JobList() {
  const [page, setPage] = createSignal(1);
  const jobs = createQuery(JobListQuery, () => ({ page: { itemsPerPage: ITEMS_PER_PAGE, page: page() } }));
  const pages = () => Math.max(1, Math.ceil((jobs.latest?.jobs.count ?? 0) / ITEMS_PER_PAGE));

  return (
    <section>
      <h1 class="h3 mb-3">Jobs</h1>
      <ErrorBoundary fallback={(error) => <div class="alert alert-danger" role="alert">Could not load jobs: {String(error.message)}</div>}>
        <Suspense fallback={<div class="spinner-border" role="status" aria-label="Loading jobs" />}>
          <Show when={jobs()}>
            {(data) => (
              <>
                <p class="text-body-secondary" data-testid="job-count">
                  {data().jobs.count ?? 0} jobs
                </p>
                <table class="table table-sm table-hover" data-testid="job-table">
                  <thead>
                    <tr>
                      <th scope="col">Job</th>
                      <th scope="col">User</th>
                      <th scope="col">Project</th>
                      <th scope="col">Cluster</th>
                      <th scope="col">Start</th>
                      <th scope="col">Duration</th>
                      <th scope="col">Nodes</th>
                      <th scope="col">State</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={data().jobs.items} fallback={<tr><td colSpan={8}>No jobs.</td></tr>}>
                      {(job) => (
                        <tr>
                          <td>
                            <a href={`/monitoring/job/${encodeURIComponent(job.id)}`}>{job.jobId}</a>
                          </td>
                          <td>{job.user}</td>
                          <td>{job.project}</td>
                          <td>
                            {job.cluster}/{job.subCluster}
                          </td>
                          <td>{formatStartTime(job.startTime)}</td>
                          <td>{formatDuration(job.duration)}</td>
                          <td>{job.numNodes}</td>
                          <td>
                            <span class="badge text-bg-secondary">{job.state}</span>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
                <nav aria-label="Job list pages" class="d-flex gap-2 align-items-center">
                  <button class="btn btn-outline-secondary btn-sm" disabled={page() <= 1} onClick={() => setPage(page() - 1)}>
                    Previous
                  </button>
                  <span>
                    Page {page()} of {pages()}
                  </span>
                  <button class="btn btn-outline-secondary btn-sm" disabled={page() >= pages()} onClick={() => setPage(page() + 1)}>
                    Next
                  </button>
                </nav>
              </>
            )}
          </Show>
        </Suspense>
      </ErrorBoundary>
    </section>
  );
}
