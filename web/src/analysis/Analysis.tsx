import { A, useParams, useSearchParams } from "@solidjs/router";
import { createMemo, createSignal, createUniqueId, For, Show, type Accessor } from "solid-js";
import { QueryView } from "../app/QueryView.js";
import { graphql } from "../generated/graphql/index.js";
import type { AnalysisClusterQuery, JobFilter } from "../generated/graphql/graphql.js";
import { createQuery } from "../graphql/createQuery.js";
import { TimeRangeSelect } from "../lists/FilterBar.js";
import { LiveQueryView } from "../lists/LiveQueryView.js";
import { StatisticsTable } from "../lists/StatisticsTable.js";
import { formatInteger, isValidStartTime, param, startTimeFilter } from "../lists/filters.js";
import { Heatmap } from "../plots/Heatmap.js";
import { binValues, Histogram } from "../plots/Histogram.js";
import { Scatter } from "../plots/Scatter.js";
import { PlotSelection } from "./PlotSelection.js";
import { HISTOGRAM_METRICS_KEY, initialHistogramMetrics, initialScatterMetrics, saveSetting, SCATTER_METRICS_KEY } from "./settings.js";

const AnalysisCluster = graphql(`
  query AnalysisCluster {
    clusters {
      name
      metricConfig {
        name
        unit {
          base
          prefix
        }
      }
      subClusters {
        name
        flopRateScalar {
          value
        }
        flopRateSimd {
          value
        }
        memoryBandwidth {
          value
        }
      }
    }
  }
`);

const AnalysisStatistics = graphql(`
  query AnalysisStatistics($filter: [JobFilter!]!) {
    stats: jobsStatistics(filter: $filter) {
      ...JobStatisticsFields
    }
    topUsers: jobsCount(filter: $filter, groupBy: USER, weight: NODE_HOURS, limit: 10) {
      name
      count
    }
  }
`);

const AnalysisRoofline = graphql(`
  query AnalysisRoofline($filter: [JobFilter!]!, $rows: Int!, $cols: Int!, $minX: Float!, $minY: Float!, $maxX: Float!, $maxY: Float!) {
    rooflineHeatmap(filter: $filter, rows: $rows, cols: $cols, minX: $minX, minY: $minY, maxX: $maxX, maxY: $maxY)
  }
`);

const AnalysisFootprints = graphql(`
  query AnalysisFootprints($filter: [JobFilter!], $metrics: [String!]!) {
    jobsFootprints(filter: $filter, metrics: $metrics) {
      nodehours
      metrics {
        metric
        data
      }
    }
  }
`);

type ClusterInfo = AnalysisClusterQuery["clusters"][number];

/** As cc-backend's analysis view: the jobs of the last 6 hours unless told otherwise. */
const DEFAULT_START_TIME = "last6h";
const ROOFLINE = { rows: 50, cols: 50, minX: 0.01, minY: 1, maxX: 1000 };
const BINS = 50;

/**
 * The analysis of a cluster's jobs under a filter (start time, user, project): totals, top users,
 * distributions, the roofline heatmap, and per-job averages of chosen metrics as histograms and
 * scatter plots.
 */
export default function Analysis() {
  const params = useParams();
  const [search, setSearch] = useSearchParams();
  const clusterName = () => params.cluster ?? "";
  const startTime = () => {
    const value = param(search.startTime);
    return isValidStartTime(value) ? value : DEFAULT_START_TIME;
  };
  const user = () => param(search.user)?.trim() || undefined;
  const project = () => param(search.project)?.trim() || undefined;

  // One key for the filter: every query below uses the same "now" for relative time ranges.
  const key = createMemo(() => JSON.stringify({ cluster: clusterName(), startTime: startTime(), user: user(), project: project() }));
  const filter = createMemo((): JobFilter[] => {
    const f = JSON.parse(key()) as { cluster: string; startTime: string; user?: string; project?: string };
    const filters: JobFilter[] = [{ cluster: { eq: f.cluster } }];
    const time = startTimeFilter(f.startTime);
    if (time) filters.push(time);
    if (f.user) filters.push({ user: { contains: f.user } });
    if (f.project) filters.push({ project: { contains: f.project } });
    return filters;
  });
  const clusters = createQuery(AnalysisCluster, () => ({}));

  const userId = createUniqueId();
  const projectId = createUniqueId();
  const onFilter = (event: SubmitEvent) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim() || undefined;
    setSearch({ user: value("user"), project: value("project") }, { replace: true });
  };

  return (
    <section>
      <h1 class="h3 mb-3">
        Analysis of <span class="font-monospace">{clusterName()}</span>
      </h1>
      <form class="d-flex flex-wrap gap-2 mb-3 align-items-center" onSubmit={onFilter} data-testid="analysis-filter">
        <TimeRangeSelect value={startTime()} onChange={(value) => setSearch({ startTime: value }, { replace: true })} />
        <div class="input-group input-group-sm w-auto">
          <label class="input-group-text" for={userId}>
            User
          </label>
          <input id={userId} name="user" class="form-control form-control-sm" type="search" placeholder="username contains" value={user() ?? ""} />
        </div>
        <div class="input-group input-group-sm w-auto">
          <label class="input-group-text" for={projectId}>
            Project
          </label>
          <input id={projectId} name="project" class="form-control form-control-sm" type="search" placeholder="project contains" value={project() ?? ""} />
        </div>
        <button type="submit" class="btn btn-sm btn-primary">
          <i class="bi bi-funnel me-1" aria-hidden="true" />
          Apply
        </button>
      </form>
      <QueryView resource={clusters} what="the clusters">
        {(data) => (
          <Show
            when={data.clusters.find((c) => c.name === clusterName())}
            keyed
            fallback={
              <div class="alert alert-warning" role="alert">
                There is no cluster named “{clusterName()}”.
              </div>
            }
          >
            {(cluster) => <ClusterAnalysis cluster={cluster} filter={filter} filterKey={key} />}
          </Show>
        )}
      </QueryView>
    </section>
  );
}

function unitOf(cluster: ClusterInfo, metric: string): string {
  const unit = cluster.metricConfig.find((m) => m.name === metric)?.unit;
  const text = `${unit?.prefix ?? ""}${unit?.base ?? ""}`;
  return text ? ` [${text}]` : "";
}

/** NullableFloat values: numbers, or null for a job without the metric. */
const numbers = (values: readonly unknown[]): (number | null)[] => values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : null));

const tooManyJobs = (error: unknown) => error instanceof Error && /too many jobs/i.test(error.message);

function ClusterAnalysis(props: { cluster: ClusterInfo; filter: Accessor<JobFilter[]>; filterKey: Accessor<string> }) {
  const available = props.cluster.metricConfig.map((m) => m.name);
  const [histogramMetrics, setHistogramMetrics] = createSignal(initialHistogramMetrics(available));
  const [scatterMetrics, setScatterMetrics] = createSignal(initialScatterMetrics(available));
  const [saveError, setSaveError] = createSignal<string>();
  const save = (name: string, value: unknown) => {
    setSaveError(undefined);
    saveSetting(name, value).catch((error: unknown) => setSaveError(error instanceof Error ? error.message : String(error)));
  };

  const maxY = Math.max(10, ...props.cluster.subClusters.map((s) => s.flopRateSimd.value));
  const roofs = props.cluster.subClusters.map((s) => ({ name: s.name, flopRateScalar: s.flopRateScalar.value, flopRateSimd: s.flopRateSimd.value, memoryBandwidth: s.memoryBandwidth.value }));

  const stats = createQuery(AnalysisStatistics, () => ({ filter: props.filter() }));
  const roofline = createQuery(AnalysisRoofline, () => ({ filter: props.filter(), ...ROOFLINE, maxY }));
  const metricsKey = createMemo(() => JSON.stringify([...new Set([...histogramMetrics(), ...scatterMetrics().flat()])]));
  const footprintsKey = createMemo(() => `${props.filterKey()}#${metricsKey()}`);
  const footprints = createQuery(AnalysisFootprints, () => ({ filter: props.filter(), metrics: JSON.parse(metricsKey()) as string[] }));

  const userLink = (name: string) => {
    const { startTime } = JSON.parse(props.filterKey()) as { startTime: string };
    return `/monitoring/user/${encodeURIComponent(name)}?${new URLSearchParams({ cluster: props.cluster.name, startTime })}`;
  };

  return (
    <>
      <LiveQueryView resource={stats} key={props.filterKey()} what="the statistics">
        {(data) => {
          const s = () => data().stats[0];
          const maxHours = () => Math.max(1, ...data().topUsers.map((u) => u.count));
          return (
            <div class="row g-3 mb-3">
              <div class="col-12 col-md-4">
                <h2 class="h6">Statistics</h2>
                <StatisticsTable stats={s()} testid="analysis-stats" />
              </div>
              <div class="col-12 col-md-8">
                <h2 class="h6">Top users by node hours</h2>
                <table class="table table-sm align-middle mb-0" data-testid="top-users">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">User</th>
                      <th scope="col" class="text-end">
                        Node hours
                      </th>
                      <th scope="col" class="w-50">
                        <span class="visually-hidden">Share of the top user's node hours</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For
                      each={data().topUsers}
                      fallback={
                        <tr>
                          <td colSpan={4} class="fst-italic text-body-secondary">
                            No jobs match the filter.
                          </td>
                        </tr>
                      }
                    >
                      {(u, i) => (
                        <tr>
                          <td>{i() + 1}</td>
                          <td>
                            <A href={userLink(u.name)}>{u.name}</A>
                          </td>
                          <td class="text-end font-monospace">{formatInteger(u.count)}</td>
                          <td>
                            <div class="progress" style={{ height: "0.6rem" }} aria-hidden="true">
                              <div class="progress-bar" style={{ width: `${(u.count / maxHours()) * 100}%` }} />
                            </div>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
              <div class="col-12 col-md-6">
                <h2 class="h6 text-center">Duration distribution</h2>
                <Histogram title="Jobs by duration" testid="hist-duration" data={s()?.histDuration ?? []} xlabel="Duration [h]" ylabel="Number of jobs" />
              </div>
              <div class="col-12 col-md-6">
                <h2 class="h6 text-center">Number of nodes distribution</h2>
                <Histogram title="Jobs by number of nodes" testid="hist-nodes" data={s()?.histNumNodes ?? []} xlabel="Allocated nodes" ylabel="Number of jobs" />
              </div>
            </div>
          );
        }}
      </LiveQueryView>

      <Show when={(tooManyJobs(footprints.error) && !footprints.loading) || (tooManyJobs(roofline.error) && !roofline.loading)}>
        <div class="alert alert-warning" role="status" data-testid="too-many-jobs">
          <i class="bi bi-funnel me-1" aria-hidden="true" />
          The roofline heatmap and the per-job averages are computed for at most 500 jobs. Narrow the filter: a shorter start-time range, or one user or project.
        </div>
      </Show>

      <div class="row g-3 mb-3">
        <div class="col-12 col-lg-6">
          <h2 class="h6">Roofline heatmap</h2>
          <LiveQueryView resource={roofline} key={props.filterKey()} what="the roofline heatmap">
            {(data) => (
              <Heatmap
                title={`Roofline heatmap of the jobs on ${props.cluster.name}`}
                testid="roofline-heatmap"
                tiles={data().rooflineHeatmap}
                minX={ROOFLINE.minX}
                maxX={ROOFLINE.maxX}
                minY={ROOFLINE.minY}
                maxY={maxY}
                roofs={roofs}
                height={320}
              />
            )}
          </LiveQueryView>
        </div>
        <div class="col-12 col-lg-6">
          <h2 class="h6">Plots of per-job averages</h2>
          <PlotSelection
            available={available}
            histogramMetrics={histogramMetrics()}
            scatterMetrics={scatterMetrics()}
            onHistogramMetrics={(metrics) => {
              setHistogramMetrics(metrics);
              save(HISTOGRAM_METRICS_KEY, metrics);
            }}
            onScatterMetrics={(pairs) => {
              setScatterMetrics(pairs);
              save(SCATTER_METRICS_KEY, pairs);
            }}
          />
          <Show when={saveError()}>
            <div class="alert alert-warning small py-1 px-2 mt-2" role="status">
              The selection applies here but could not be saved: {saveError()}
            </div>
          </Show>
          <p class="small text-body-secondary mt-2 mb-0">
            The histograms show how the averages of the matching jobs are distributed, each job weighted by its node hours. In the scatter plots each circle is one job,
            its area proportional to the job's node hours; darker areas mean several jobs with similar averages.
          </p>
        </div>
      </div>

      <LiveQueryView resource={footprints} key={footprintsKey()} what="the job footprints">
        {(data) => {
          const values = (metric: string) => numbers(data().jobsFootprints?.metrics.find((m) => m.metric === metric)?.data ?? []);
          const weights = createMemo(() => numbers(data().jobsFootprints?.nodehours ?? []));
          return (
            <>
              <p class="small text-body-secondary" data-testid="footprint-count">
                Averages of {formatInteger(weights().length)} jobs
              </p>
              <div class="row g-3 mb-3">
                <For each={histogramMetrics()}>
                  {(metric) => {
                    const binned = createMemo(() => binValues(values(metric), weights(), BINS));
                    return (
                      <div class="col-12 col-md-6 col-xl-4">
                        <h3 class="h6 text-center">Average distribution of {metric}</h3>
                        <Histogram
                          title={`Node hours by average ${metric}`}
                          testid="metric-histogram"
                          data={binned().points}
                          range={binned().range}
                          xlabel={`${metric} average${unitOf(props.cluster, metric)}`}
                          ylabel="Node hours [h]"
                        />
                      </div>
                    );
                  }}
                </For>
              </div>
              <div class="row g-3 mb-3">
                <For each={scatterMetrics()}>
                  {([a, b]) => (
                    <div class="col-12 col-md-6 col-xl-4">
                      <h3 class="h6 text-center">
                        {a} / {b}
                      </h3>
                      <Scatter
                        title={`Average ${b} against average ${a} per job`}
                        testid="scatter-plot"
                        x={values(a)}
                        y={values(b)}
                        size={weights()}
                        sizeLabel="node hours"
                        xlabel={`${a}${unitOf(props.cluster, a)}`}
                        ylabel={`${b}${unitOf(props.cluster, b)}`}
                      />
                    </div>
                  )}
                </For>
              </div>
            </>
          );
        }}
      </LiveQueryView>
    </>
  );
}
