import { For, Show } from "solid-js";
import { formatDuration, formatStartTime } from "./format.js";

export interface JobCardData {
  id: string;
  jobId: number;
  cluster: string;
  subCluster: string;
  partition: string;
  user: string;
  userData?: { name: string } | null;
  project: string;
  startTime: string;
  duration: number;
  walltime: number;
  numNodes: number;
  numHWThreads: number;
  numAcc: number;
  exclusive: number;
  arrayJobId: number;
  state: string;
  monitoringStatus: number;
  resources: { hostname: string }[];
  tags: { id: string; type: string; name: string }[];
  metaData?: unknown;
}

const STATE_CLASS: Record<string, string> = {
  running: "text-bg-success",
  completed: "text-bg-secondary",
  failed: "text-bg-danger",
  out_of_memory: "text-bg-danger",
  timeout: "text-bg-danger",
  cancelled: "text-bg-warning",
  stopped: "text-bg-warning",
  preempted: "text-bg-warning",
};

export function StateBadge(props: { state: string }) {
  return (
    <span class={`badge ${STATE_CLASS[props.state] ?? "text-bg-dark"}`} data-testid="job-state">
      {props.state}
    </span>
  );
}

function jobName(metaData: unknown): string | undefined {
  if (!metaData || typeof metaData !== "object") return undefined;
  const name = (metaData as Record<string, unknown>).jobName;
  return typeof name === "string" && name !== "" ? name : undefined;
}

const q = encodeURIComponent;

/** The left column of a job list row: who, what, where, when — every value as text, never markup. */
export function JobInfo(props: { job: JobCardData }) {
  const job = () => props.job;
  return (
    <div class="small" data-testid="job-info">
      <div class="mb-1">
        <a class="fw-bold" href={`/monitoring/job/${q(job().id)}`} data-testid="job-link">
          {job().jobId}
        </a>{" "}
        <span class="text-body-secondary">
          ({job().cluster}/{job().subCluster})
        </span>{" "}
        <StateBadge state={job().state} />
        <Show when={jobName(job().metaData)}>
          {(name) => (
            <div class="text-truncate" title={name()} style={{ "max-width": "230px" }}>
              {name()}
            </div>
          )}
        </Show>
        <Show when={job().arrayJobId > 0}>
          <div>
            Array job:{" "}
            <a href={`/monitoring/jobs/?arrayJobId=${job().arrayJobId}&cluster=${q(job().cluster)}`}>#{job().arrayJobId}</a>
          </div>
        </Show>
      </div>
      <div class="mb-1">
        <i class="bi bi-person-fill me-1" aria-hidden="true" />
        <span class="visually-hidden">User: </span>
        <a class="fst-italic" href={`/monitoring/user/${q(job().user)}`} data-testid="job-user">
          {job().user}
        </a>
        <Show when={job().userData?.name}>
          <span class="text-body-secondary"> ({job().userData!.name})</span>
        </Show>
        <Show when={job().project && job().project !== "no project"}>
          <br />
          <i class="bi bi-people-fill me-1" aria-hidden="true" />
          <span class="visually-hidden">Project: </span>
          <a class="fst-italic" href={`/monitoring/jobs/?project=${q(job().project)}&projectMatch=eq`}>
            {job().project}
          </a>
        </Show>
      </div>
      <div class="mb-1">
        <Show when={job().numNodes === 1 && job().resources[0]} fallback={<>{job().numNodes} nodes</>}>
          {job().resources[0]!.hostname}
        </Show>
        <i class="bi bi-pc-horizontal ms-1" aria-hidden="true" title="nodes" />
        <Show when={job().exclusive !== 1}> (shared)</Show>
        <Show when={job().numHWThreads > 0}>
          , {job().numHWThreads} <i class="bi bi-cpu" aria-hidden="true" />
          <span class="visually-hidden">HW threads</span>
        </Show>
        <Show when={job().numAcc > 0}>
          , {job().numAcc} <i class="bi bi-gpu-card" aria-hidden="true" />
          <span class="visually-hidden">accelerators</span>
        </Show>
        <span class="text-body-secondary"> · {job().partition}</span>
      </div>
      <div class="mb-1">
        Start: <span class="fw-semibold">{formatStartTime(job().startTime)}</span>
        <br />
        Duration: <span class="fw-semibold">{formatDuration(job().duration)}</span>
        <Show when={job().walltime > 0}>
          <br />
          Walltime: <span class="fw-semibold">{formatDuration(job().walltime)}</span>
        </Show>
      </div>
      <Show when={job().tags.length > 0}>
        <div class="d-flex flex-wrap gap-1">
          <For each={job().tags}>
            {(tag) => (
              <a class="badge rounded-pill text-bg-info text-decoration-none" href={`/monitoring/jobs/?tag=${q(tag.id)}`} data-testid="job-tag">
                {tag.type}: {tag.name}
              </a>
            )}
          </For>
        </div>
      </Show>
    </div>
  );
}
