import { graphql } from "../generated/graphql/index.js";
import { client } from "../graphql/client.js";

const AnalysisSaveSetting = graphql(`
  mutation AnalysisSaveSetting($name: String!, $value: String!) {
    updateConfiguration(name: $name, value: $value)
  }
`);

export const HISTOGRAM_METRICS_KEY = "analysis_view_histogramMetrics";
export const SCATTER_METRICS_KEY = "analysis_view_scatterPlotMetrics";

/** cc-backend's ui-defaults for the analysis view. */
export const DEFAULT_HISTOGRAM_METRICS = ["flops_any", "mem_bw", "mem_used"];
export const DEFAULT_SCATTER_METRICS: [string, string][] = [
  ["flops_any", "mem_bw"],
  ["flops_any", "cpu_load"],
  ["cpu_load", "mem_bw"],
];

const storageKey = (name: string) => `cc-backend:${name}`;

/**
 * The last value of a setting saved from this browser. The schema has no query for a user's settings
 * (they are only written, with updateConfiguration), so the browser keeps a copy to read back.
 */
export function loadSetting(name: string): unknown {
  try {
    const text = window.localStorage.getItem(storageKey(name));
    return text == null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** Stores a setting of the user on the server (table `configuration`) and in this browser. */
export async function saveSetting(name: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  try {
    window.localStorage.setItem(storageKey(name), text);
  } catch {
    // No storage (private mode): the server's copy is what counts.
  }
  const result = await client.mutation(AnalysisSaveSetting, { name, value: text }).toPromise();
  if (result.error) throw new Error(result.error.message.replace(/^\[(GraphQL|Network)\] /, ""));
}

/** The histogram metrics to show: saved or default, limited to the cluster's metrics. */
export function initialHistogramMetrics(available: string[]): string[] {
  const saved = loadSetting(HISTOGRAM_METRICS_KEY);
  const list = Array.isArray(saved) && saved.every((m) => typeof m === "string") ? (saved as string[]) : DEFAULT_HISTOGRAM_METRICS;
  return list.filter((m) => available.includes(m));
}

/** The scatter plot pairs to show: saved or default, limited to the cluster's metrics. */
export function initialScatterMetrics(available: string[]): [string, string][] {
  const saved = loadSetting(SCATTER_METRICS_KEY);
  const valid = Array.isArray(saved) && saved.every((p) => Array.isArray(p) && p.length === 2 && p.every((m) => typeof m === "string"));
  const list = valid ? (saved as [string, string][]) : DEFAULT_SCATTER_METRICS;
  return list.filter(([a, b]) => available.includes(a) && available.includes(b));
}
