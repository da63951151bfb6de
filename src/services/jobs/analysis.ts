/**
 * The analysis view's per-job figures over a filtered set of jobs: footprints (per-job averages of
 * chosen metrics, and node hours) and the roofline heatmap. Both read metric data per job, so the set
 * is capped as in cc-backend.
 */
import type { Job } from "../../db/generated/prisma/client.js";
import { InputError, type RequestContext } from "../context.js";
import type { JobFilter } from "./filter.js";
import { loadJobMetricData, knownMetrics } from "./metric-data.js";
import { listJobs } from "./query.js";
import { MONITORING } from "./records.js";

export const MAX_JOBS_FOR_ANALYSIS = 500;

type Filters = readonly (JobFilter | null | undefined)[] | null | undefined;

async function jobsForAnalysis(ctx: RequestContext, filters: Filters): Promise<Job[]> {
  const { items } = await listJobs(ctx, { filters, page: { itemsPerPage: MAX_JOBS_FOR_ANALYSIS + 1, page: 1 } });
  if (items.length > MAX_JOBS_FOR_ANALYSIS) throw new InputError(`too many jobs matched (max: ${MAX_JOBS_FOR_ANALYSIS}); narrow the filter`);
  // Jobs without (usable) metric data are left out, as in cc-backend.
  return items.filter((job) => job.monitoringStatus !== MONITORING.disabled && job.monitoringStatus !== MONITORING.archivingFailed);
}

/** Footprint columns that hold a metric's job average once a job is archived. */
const AVERAGE_COLUMNS: Partial<Record<string, keyof Job>> = {
  flops_any: "flopsAnyAvg",
  mem_bw: "memBwAvg",
  cpu_load: "loadAvg",
  net_bw: "netBwAvg",
  file_bw: "fileBwAvg",
};

export interface Footprints {
  nodehours: (number | null)[];
  metrics: { metric: string; data: (number | null)[] }[];
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Per job the average of each metric (archived: footprint column or meta.json; running: the repository). */
async function jobAverages(ctx: RequestContext, job: Job, metrics: string[]): Promise<(number | null)[]> {
  const archived = job.jobState !== "running" && job.monitoringStatus === MONITORING.archived;
  const fromColumns = metrics.map((m) => (archived && AVERAGE_COLUMNS[m] ? (job[AVERAGE_COLUMNS[m]!] as number) : undefined));
  const missing = metrics.filter((_, i) => fromColumns[i] === undefined);
  let fromData: Record<string, number | null> = {};
  if (missing.length > 0) {
    if (archived && ctx.archive) {
      try {
        const meta = await ctx.archive.loadMeta({ jobId: Number(job.jobId), cluster: job.cluster, startTime: Number(job.startTime) });
        fromData = Object.fromEntries(missing.map((m) => [m, meta.statistics?.[m]?.avg ?? null]));
      } catch (error) {
        ctx.logger.warn({ err: error, job: job.id }, "statistics of an archived job could not be read");
      }
    } else {
      const repository = ctx.metricData?.forCluster(job.cluster);
      if (repository) {
        const { data } = await repository.loadStats(
          { cluster: job.cluster, subCluster: job.subCluster, startTime: Number(job.startTime), duration: job.jobState === "running" ? 0 : job.duration, resources: JSON.parse(job.resources) as never, numAcc: job.numAcc ?? 0 },
          missing,
        );
        fromData = Object.fromEntries(missing.map((m) => [m, mean(Object.values(data[m] ?? {}).map((s) => s.avg).filter(Number.isFinite))]));
      }
    }
  }
  return metrics.map((m, i) => fromColumns[i] ?? fromData[m] ?? null);
}

export async function jobsFootprints(ctx: RequestContext, filters: Filters, metrics: readonly string[]): Promise<Footprints> {
  const jobs = await jobsForAnalysis(ctx, filters);
  for (const cluster of new Set(jobs.map((j) => j.cluster))) knownMetrics(ctx, cluster, metrics, "refuse");
  const perJob = await Promise.all(jobs.map((job) => jobAverages(ctx, job, [...metrics])));
  return {
    // Node hours of each job (cc-backend v1.0 computed node-minutes here under this name).
    nodehours: jobs.map((job) => (job.duration / 3600) * job.numNodes),
    metrics: metrics.map((metric, i) => ({ metric, data: perJob.map((values) => values[i] ?? null) })),
  };
}

export interface HeatmapRequest {
  rows: number;
  cols: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

export const MAX_HEATMAP_CELLS = 1_000_000;

/**
 * rooflineHeatmap: how many node samples fall into each cell of a log-log grid of arithmetic intensity
 * (flops_any / mem_bw, x) against performance (flops_any, y); rows from low to high performance.
 */
export async function rooflineHeatmap(ctx: RequestContext, filters: Filters, request: HeatmapRequest): Promise<number[][]> {
  const { rows, cols } = request;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1 || rows * cols > MAX_HEATMAP_CELLS) {
    throw new InputError(`rows and cols must be positive integers with rows × cols ≤ ${MAX_HEATMAP_CELLS}`);
  }
  const bounds = [request.minX, request.minY, request.maxX, request.maxY];
  if (!bounds.every((b) => Number.isFinite(b) && b > 0) || request.minX >= request.maxX || request.minY >= request.maxY) {
    throw new InputError("minX < maxX and minY < maxY must be positive numbers (the axes are logarithmic)");
  }
  const [minX, minY, maxX, maxY] = bounds.map(Math.log10) as [number, number, number, number];
  const tiles = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  const jobs = await jobsForAnalysis(ctx, filters);
  for (const job of jobs) {
    const { data } = await loadJobMetricData(ctx, job, ["flops_any", "mem_bw"], ["node"], { unknownMetrics: "ignore" });
    const flops = data.find((d) => d.name === "flops_any" && d.scope === "node")?.metric.series ?? [];
    const membw = data.find((d) => d.name === "mem_bw" && d.scope === "node")?.metric.series ?? [];
    for (const [n, flopsSeries] of flops.entries()) {
      const membwSeries = membw.find((s) => s.hostname === flopsSeries.hostname) ?? membw[n];
      if (!membwSeries) continue;
      const length = Math.min(flopsSeries.data.length, membwSeries.data.length);
      for (let i = 0; i < length; i++) {
        const f = flopsSeries.data[i];
        const m = membwSeries.data[i];
        if (f == null || m == null || f <= 0 || m <= 0) continue;
        const x = Math.log10(f / m);
        const y = Math.log10(f);
        if (!(x >= minX && x < maxX && y >= minY && y <= maxY)) continue;
        const col = Math.floor(((x - minX) / (maxX - minX)) * cols);
        const row = Math.floor(((y - minY) / (maxY - minY)) * rows);
        if (col >= 0 && col < cols && row >= 0 && row < rows) tiles[row]![col]!++;
      }
    }
  }
  return tiles;
}
