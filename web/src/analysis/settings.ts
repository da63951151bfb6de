import { setting } from "../app/user-settings.js";

export const HISTOGRAM_METRICS_KEY = "analysis_view_histogramMetrics";
export const SCATTER_METRICS_KEY = "analysis_view_scatterPlotMetrics";

/** cc-backend's ui-defaults for the analysis view. */
export const DEFAULT_HISTOGRAM_METRICS = ["flops_any", "mem_bw", "mem_used"];
export const DEFAULT_SCATTER_METRICS: [string, string][] = [
  ["flops_any", "mem_bw"],
  ["flops_any", "cpu_load"],
  ["cpu_load", "mem_bw"],
];

export { saveSetting } from "../app/user-settings.js";

/** The histogram metrics to show: saved or default, limited to the cluster's metrics. */
export function initialHistogramMetrics(available: string[]): string[] {
  const saved = setting(HISTOGRAM_METRICS_KEY);
  const list = Array.isArray(saved) && saved.every((m) => typeof m === "string") ? (saved as string[]) : DEFAULT_HISTOGRAM_METRICS;
  return list.filter((m) => available.includes(m));
}

/** The scatter plot pairs to show: saved or default, limited to the cluster's metrics. */
export function initialScatterMetrics(available: string[]): [string, string][] {
  const saved = setting(SCATTER_METRICS_KEY);
  const valid = Array.isArray(saved) && saved.every((p) => Array.isArray(p) && p.length === 2 && p.every((m) => typeof m === "string"));
  const list = valid ? (saved as [string, string][]) : DEFAULT_SCATTER_METRICS;
  return list.filter(([a, b]) => available.includes(a) && available.includes(b));
}
