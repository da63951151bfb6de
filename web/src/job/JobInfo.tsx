import { Show, type JSX } from "solid-js";
import type { Job } from "./queries.js";

/** 3725 → "1:02:05" (hours may exceed 24). */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

export function formatTime(rfc3339: string): string {
  const date = new Date(rfc3339);
  return Number.isNaN(date.getTime()) ? rfc3339 : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** A string of the job's metaData (jobName, jobScript, ...), or undefined. */
export function metaString(job: Job, field: string): string | undefined {
  const meta = job.metaData;
  if (!meta || typeof meta !== "object") return undefined;
  const value = (meta as Record<string, unknown>)[field];
  return typeof value === "string" && value !== "" ? value : undefined;
}

const STATE_CLASS: Record<string, string> = {
  running: "text-bg-success",
  completed: "text-bg-primary",
  failed: "text-bg-danger",
  timeout: "text-bg-warning",
  cancelled: "text-bg-secondary",
  out_of_memory: "text-bg-danger",
};

function Row(props: { label: string; children: JSX.Element }) {
  return (
    <>
      <dt class="col-sm-4 text-body-secondary fw-normal">{props.label}</dt>
      <dd class="col-sm-8 mb-1">{props.children}</dd>
    </>
  );
}

/** Who ran the job where and when, with how many resources. */
export function JobInfo(props: { job: Job }) {
  const job = () => props.job;
  const jobName = () => metaString(job(), "jobName");
  const hostList = () => job().resources.map((r) => r.hostname);
  return (
    <div class="card h-100" data-testid="job-info">
      <div class="card-body">
        <h1 class="h4 card-title mb-1">
          Job <span data-testid="job-id">{job().jobId}</span>
          <span class={`badge ms-2 fs-6 align-middle ${STATE_CLASS[job().state] ?? "text-bg-secondary"}`} data-testid="job-state">
            {job().state}
          </span>
        </h1>
        <Show when={jobName()}>
          <p class="text-body-secondary mb-2 text-truncate" title={jobName()} data-testid="job-name">
            {jobName()}
          </p>
        </Show>
        <dl class="row mb-0 small">
          <Row label="User">
            <i class="bi bi-person-fill me-1" aria-hidden="true" />
            <a href={`/monitoring/user/${encodeURIComponent(job().user)}`} data-testid="job-user">
              {job().user}
            </a>
            <Show when={job().userData?.name}>
              <span class="ms-1">({job().userData!.name})</span>
            </Show>
            <Show when={job().userData?.email}>
              <a class="ms-1" href={`mailto:${job().userData!.email}`} title={job().userData!.email}>
                <i class="bi bi-envelope" aria-label="e-mail" />
              </a>
            </Show>
          </Row>
          <Row label="Project">
            <i class="bi bi-people-fill me-1" aria-hidden="true" />
            <a href={`/monitoring/jobs/?project=${encodeURIComponent(job().project)}&projectMatch=eq`}>{job().project}</a>
          </Row>
          <Row label="Cluster">
            {job().cluster} / {job().subCluster}
            <Show when={job().partition}>
              <span class="text-body-secondary"> (partition {job().partition})</span>
            </Show>
          </Row>
          <Row label="Start">{formatTime(job().startTime)}</Row>
          <Row label="Duration">
            <span data-testid="job-duration">{formatDuration(job().duration)}</span>
            <Show when={job().walltime > 0}>
              <span class="text-body-secondary"> of walltime {formatDuration(job().walltime)}</span>
            </Show>
          </Row>
          <Row label="Resources">
            <span data-testid="job-resources">
              <Show when={job().numNodes === 1} fallback={<>{job().numNodes} nodes</>}>
                node {hostList()[0]}
              </Show>
              <Show when={job().numHWThreads > 0}>, {job().numHWThreads} hwthreads</Show>
              <Show when={job().numAcc > 0}>, {job().numAcc} accelerators</Show>
            </span>
            <br />
            <span class="text-body-secondary">
              {job().exclusive === 1 ? "exclusive" : job().exclusive === 2 ? "shared (jobs of the same user)" : "shared"}, SMT {job().SMT}
            </span>
          </Row>
          <Show when={job().arrayJobId > 0}>
            <Row label="Array job">
              <a href={`/monitoring/jobs/?arrayJobId=${job().arrayJobId}&cluster=${encodeURIComponent(job().cluster)}`}>#{job().arrayJobId}</a>
            </Row>
          </Show>
          <Show when={job().numNodes > 1}>
            <Row label="Hosts">
              <span class="font-monospace" style={{ "word-break": "break-word" }}>
                {hostList().join(", ")}
              </span>
            </Row>
          </Show>
        </dl>
      </div>
    </div>
  );
}
