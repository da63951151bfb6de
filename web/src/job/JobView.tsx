import { useParams } from "@solidjs/router";
import { createMemo, createSignal, For, onCleanup, onMount, Show, type JSX } from "solid-js";
import { useCurrentUser } from "../app/current-user.js";
import { QueryView } from "../app/QueryView.js";
import { createQuery } from "../graphql/createQuery.js";
import { Polar, type PolarAxis } from "../plots/Polar.js";
import { Roofline, type RooflinePoint, type Roofs } from "../plots/Roofline.js";
import { sortTags } from "../tags/TagBadge.js";
import { JobInfo, metaString } from "./JobInfo.js";
import { createMetricLoader } from "./metric-data.js";
import { MetricPanel } from "./MetricPanel.js";
import { isRemoved, jobSeconds, maxOfMaxima, meanOfAverages, POLAR_METRICS, prefixFactor, resolutionFor, thresholdsFor } from "./metrics.js";
import { MetricSelection, readSelection } from "./MetricSelection.js";
import { asClusters, asEntries, JobViewDocument, JobViewMetricsDocument, type Cluster, type Job, type JobMetricEntry, type SubCluster } from "./queries.js";
import { StatsTable } from "./StatsTable.js";
import { TagManagement } from "./TagManagement.js";

/** The width of an element, kept up to date (0 until it is measured). */
function createWidth(): [(el: HTMLElement) => void, () => number] {
  const [width, setWidth] = createSignal(0);
  let observer: ResizeObserver | undefined;
  const ref = (el: HTMLElement) => {
    observer?.disconnect();
    observer = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w !== width()) setWidth(w);
    });
    observer.observe(el);
  };
  onCleanup(() => observer?.disconnect());
  return [ref, width];
}

/** /monitoring/job/:id — everything about one job. */
export default function JobView() {
  const params = useParams();
  // Keyed: another job id (a link to a concurrent job) builds the page anew.
  return (
    <Show when={params.id} keyed>
      {(id) => <JobViewFor id={id} />}
    </Show>
  );
}

function JobViewFor(props: { id: string }) {
  const data = createQuery(JobViewDocument, () => ({ id: props.id }));
  return (
    <section data-testid="job-view">
      <QueryView resource={data} what={`job ${props.id}`}>
        {(d) => (
          <Show
            when={d.job}
            fallback={
              <div class="alert alert-warning" role="alert">
                There is no job with the id {props.id}, or you may not see it.
              </div>
            }
          >
            {(job) => <JobPage job={job()} clusters={asClusters(d.clusters)} />}
          </Show>
        )}
      </QueryView>
    </section>
  );
}

function JobPage(props: { job: Job; clusters: Cluster[] }) {
  const job = props.job;
  const user = useCurrentUser();
  const cluster = props.clusters.find((c) => c.name === job.cluster);
  const subCluster = cluster?.subClusters.find((sc) => sc.name === job.subCluster);
  const configs = cluster?.metricConfig ?? [];
  const available = configs.filter((c) => !isRemoved(c, job.subCluster)).map((c) => c.name);
  const [choice, setChoice] = createSignal<string[] | null>(null);
  const selected = createMemo(() => choice() ?? readSelection(user()?.username, job.cluster, available) ?? available);
  const [tags, setTags] = createSignal(sortTags(job.tags));

  // All metrics of the cluster at node scope, thinned to about TARGET_POINTS points per series.
  const resolution = resolutionFor(jobSeconds(job));
  const metrics = createQuery(JobViewMetricsDocument, () => ({ id: job.id, metrics: available, scopes: ["node"], resolution }));
  const loader = createMetricLoader(job.id, resolution);
  loader.markRequested(available, ["node"]);

  onMount(() => (document.title = `Job ${job.jobId} - ClusterCockpit`));
  onCleanup(() => (document.title = "ClusterCockpit"));

  const [gridRef, gridWidth] = createWidth();
  const [polarRef, polarWidth] = createWidth();
  const [rooflineRef, rooflineWidth] = createWidth();
  const perRow = () => (gridWidth() >= 1400 ? 3 : gridWidth() >= 800 ? 2 : 1);
  const [tab, setTab] = createSignal<"stats" | "script" | "slurm" | "meta">("stats");

  return (
    <>
      <div class="row g-3 mb-3">
        <div class="col-xl-4 col-lg-6">
          <JobInfo job={job} />
        </div>
        <div class="col-xl-4 col-lg-6">
          <div class="card h-100">
            <div class="card-body" ref={polarRef}>
              <h2 class="h6 card-title">Averages and maxima</h2>
              <QueryView resource={metrics} what="metric data">
                {(d) => <PolarCard job={job} cluster={cluster} subCluster={subCluster} entries={asEntries(d.jobMetrics)} width={polarWidth()} />}
              </QueryView>
            </div>
          </div>
        </div>
        <div class="col-xl-4 col-lg-12">
          <div class="card h-100">
            <div class="card-body" ref={rooflineRef}>
              <h2 class="h6 card-title">Roofline</h2>
              <QueryView resource={metrics} what="metric data">
                {(d) => <RooflineCard subCluster={subCluster} entries={asEntries(d.jobMetrics)} width={rooflineWidth()} />}
              </QueryView>
            </div>
          </div>
        </div>
      </div>

      <div class="d-flex flex-wrap gap-3 align-items-start mb-3">
        <div class="flex-grow-1">
          <TagManagement jobId={job.id} tags={tags()} onChange={setTags} />
        </div>
        <ConcurrentJobs job={job} />
        <MetricSelection cluster={job.cluster} username={user()?.username} available={available} selected={selected()} onChange={setChoice} />
      </div>

      <Show when={job.monitoringStatus === 0 || job.monitoringStatus === 2}>
        <div class="alert alert-warning" role="alert">
          {job.monitoringStatus === 0 ? "This job was not monitored." : "Archiving this job failed; its metric data may be incomplete."}
        </div>
      </Show>
      <Show when={!cluster}>
        <div class="alert alert-warning" role="alert">
          The configuration of cluster {job.cluster} is unknown: no thresholds or roofs.
        </div>
      </Show>

      <div ref={gridRef} class="mb-3">
        <QueryView resource={metrics} what="metric data">
          {(d) => (
            <div class="row" data-testid="metric-grid">
              <For each={selected()} fallback={<p class="text-body-secondary">No metrics selected.</p>}>
                {(name) => (
                  <div class={`col-${12 / perRow()}`}>
                    <MetricPanel
                      job={job}
                      name={name}
                      config={configs.find((c) => c.name === name)}
                      subCluster={subCluster}
                      base={asEntries(d.jobMetrics)}
                      loader={loader}
                      width={Math.max(200, Math.floor(gridWidth() / perRow()) - 24)}
                    />
                  </div>
                )}
              </For>
            </div>
          )}
        </QueryView>
      </div>

      <ul class="nav nav-tabs" role="tablist">
        <For
          each={
            [
              ["stats", "Statistics"],
              ["script", "Job script"],
              ["slurm", "Slurm info"],
              ["meta", "Metadata"],
            ] as const
          }
        >
          {([id, label]) => (
            <li class="nav-item" role="presentation">
              <button type="button" role="tab" class={`nav-link ${tab() === id ? "active" : ""}`} aria-selected={tab() === id} onClick={() => setTab(id)}>
                {label}
              </button>
            </li>
          )}
        </For>
      </ul>
      <div class="border border-top-0 rounded-bottom p-2 mb-4">
        <Show when={tab() === "stats"}>
          <QueryView resource={metrics} what="metric data">
            {(d) => <StatsTable job={job} metrics={selected()} configs={configs} entries={asEntries(d.jobMetrics)} />}
          </QueryView>
        </Show>
        <Show when={tab() === "script"}>
          <TextBlock text={metaString(job, "jobScript")} missing="No job script available." testid="job-script" />
        </Show>
        <Show when={tab() === "slurm"}>
          <TextBlock text={metaString(job, "slurmInfo")} missing="No additional Slurm information available." testid="slurm-info" />
        </Show>
        <Show when={tab() === "meta"}>
          <MetaDataTable job={job} />
        </Show>
      </div>
    </>
  );
}

/** Text from the job (scripts, scheduler output): always shown as text, never as markup. */
function TextBlock(props: { text: string | undefined; missing: string; testid: string }) {
  return (
    <Show when={props.text} fallback={<div class="alert alert-warning mb-0">{props.missing}</div>}>
      <pre class="mb-0 p-2 bg-body-tertiary rounded" style={{ "max-height": "40rem", overflow: "auto" }} data-testid={props.testid}>
        <code>{props.text}</code>
      </pre>
    </Show>
  );
}

function MetaDataTable(props: { job: Job }) {
  const entries = () => {
    const meta = props.job.metaData;
    if (!meta || typeof meta !== "object") return [];
    return Object.entries(meta as Record<string, unknown>).filter(([k]) => k !== "jobScript" && k !== "slurmInfo");
  };
  return (
    <Show when={entries().length > 0} fallback={<div class="alert alert-warning mb-0">No further metadata.</div>}>
      <table class="table table-sm mb-0" data-testid="job-metadata">
        <tbody>
          <For each={entries()}>
            {([k, v]) => (
              <tr>
                <th scope="row" class="text-nowrap" style={{ width: "1%" }}>
                  {k}
                </th>
                <td>
                  <pre class="mb-0" style={{ "white-space": "pre-wrap" }}>
                    {typeof v === "string" ? v : JSON.stringify(v, null, 2)}
                  </pre>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

function ConcurrentJobs(props: { job: Job }): JSX.Element {
  const concurrent = () => props.job.concurrentJobs;
  return (
    <Show when={concurrent() && concurrent()!.items.length > 0}>
      <div data-testid="concurrent-jobs" style={{ "max-width": "28rem" }}>
        <span class="text-body-secondary me-1" title="Jobs that shared a node with this one while it ran">
          <i class="bi bi-intersect me-1" aria-hidden="true" />
          {concurrent()!.count ?? concurrent()!.items.length} concurrent jobs:
        </span>
        <For each={concurrent()!.items}>
          {(other) => (
            <a class="me-2" href={`/monitoring/job/${encodeURIComponent(other.id)}`}>
              {other.jobId}
            </a>
          )}
        </For>
        <Show when={concurrent()!.listQuery}>
          <a href={`/monitoring/jobs/?${concurrent()!.listQuery}`} class="text-nowrap">
            see all in job list
          </a>
        </Show>
      </div>
    </Show>
  );
}

function PolarCard(props: { job: Job; cluster: Cluster | undefined; subCluster: SubCluster | undefined; entries: JobMetricEntry[]; width: number }) {
  const axes = createMemo<PolarAxis[]>(() =>
    POLAR_METRICS.flatMap((name) => {
      const config = props.cluster?.metricConfig.find((c) => c.name === name);
      const entry = props.entries.find((e) => e.name === name && e.scope === "node");
      if (!config || !entry || isRemoved(config, props.job.subCluster)) return [];
      const peak = thresholdsFor(config, props.subCluster, "node")?.peak ?? config.peak;
      const avg = meanOfAverages(entry.metric);
      if (!(peak > 0) || !Number.isFinite(avg)) return [];
      return [{ label: name, avg: avg / peak, max: maxOfMaxima(entry.metric) / peak }];
    }),
  );
  const size = () => Math.max(200, Math.min(props.width, 380));
  return (
    <Show when={axes().length >= 3} fallback={<p class="text-body-secondary">Not enough metrics with data and peaks for a polar plot.</p>}>
      <Polar axes={axes()} width={size()} height={Math.min(size(), 320)} />
    </Show>
  );
}

function RooflineCard(props: { subCluster: SubCluster | undefined; entries: JobMetricEntry[]; width: number }) {
  const flops = () => props.entries.find((e) => e.name === "flops_any" && e.scope === "node")?.metric;
  const bandwidth = () => props.entries.find((e) => e.name === "mem_bw" && e.scope === "node")?.metric;
  const points = createMemo<RooflinePoint[]>(() => {
    const f = flops();
    const b = bandwidth();
    if (!f?.series || !b?.series) return [];
    // To GFLOP/s and GB/s whatever the units' prefixes.
    const fScale = prefixFactor(f.unit?.prefix) / 1e9;
    const bScale = prefixFactor(b.unit?.prefix) / 1e9;
    const result: RooflinePoint[] = [];
    for (const fs of f.series) {
      const bs = b.series.find((s) => s.hostname === fs.hostname);
      if (!bs) continue;
      const n = Math.min(fs.data.length, bs.data.length);
      for (let i = 0; i < n; i++) {
        const flop = Number(fs.data[i]) * fScale;
        const bytes = Number(bs.data[i]) * bScale;
        if (flop > 0 && bytes > 0) result.push({ x: flop / bytes, y: flop, t: n > 1 ? i / (n - 1) : 0 });
      }
    }
    return result;
  });
  const roofs = (): Roofs | null => {
    const sc = props.subCluster;
    if (!sc) return null;
    const g = (v: { value: number; unit: { prefix?: string | null } }) => (v.value * prefixFactor(v.unit.prefix)) / 1e9;
    return { scalar: g(sc.flopRateScalar), simd: g(sc.flopRateSimd), bandwidth: g(sc.memoryBandwidth) };
  };
  return (
    <Show when={flops() && bandwidth()} fallback={<p class="text-body-secondary">No flops_any and mem_bw data at node scope for a roofline.</p>}>
      <Roofline points={points()} roofs={roofs()} width={Math.max(240, props.width)} height={300} />
    </Show>
  );
}
