/**
 * Store options from config.json: the `metricDataRepository` of every cluster with kind "internal"
 * (the default). One store serves all of them, so differing values are combined: the longest
 * `retention-in-memory`, the shortest `checkpoint-interval` and the largest `memory-cap-mb`.
 */
import type { ClusterConfig as ArchiveClusterConfig } from "../../archive/generated/archive-types.js";
import { parseDuration } from "../../config/duration.js";
import type { MetricDataRepository } from "../../config/generated/config-file.js";
import type { OpenMetricStoreOptions } from "./open.js";

export const DEFAULT_RETENTION_SECONDS = 48 * 3600;
export const DEFAULT_CHECKPOINT_INTERVAL_SECONDS = 300;

export interface InternalStoreConfig {
  options: Omit<OpenMetricStoreOptions, "logger" | "now">;
  /** Clusters whose metric data the store holds. */
  clusters: string[];
  /** Differing values that were combined. */
  warnings: string[];
}

/**
 * @param configured config.json's clusters (name and metricDataRepository)
 * @param archiveClusters their cluster.json (metrics and timesteps)
 * @param checkpointDir where checkpoints go (e.g. ./var/checkpoints); undefined: memory only
 */
export function internalStoreConfig(
  configured: { name: string; metricDataRepository?: MetricDataRepository }[],
  archiveClusters: ArchiveClusterConfig[],
  checkpointDir: string | undefined,
): InternalStoreConfig {
  const internal = configured.filter((c) => (c.metricDataRepository?.kind ?? "internal") === "internal");
  const names = new Set(internal.map((c) => c.name));
  const warnings: string[] = [];
  const pick = (key: "retention-in-memory" | "checkpoint-interval", fallback: number, combine: (a: number, b: number) => number): number => {
    const values = internal.map((c) => c.metricDataRepository?.[key]).filter((v): v is string => v !== undefined && v !== "").map(parseDuration);
    if (new Set(values).size > 1) warnings.push(`clusters use different "${key}" values; the store uses ${combine === Math.max ? "the longest" : "the shortest"}`);
    return values.length > 0 ? values.reduce((a, b) => combine(a, b)) : fallback;
  };
  const retentionSeconds = pick("retention-in-memory", DEFAULT_RETENTION_SECONDS, Math.max);
  const checkpointIntervalSeconds = pick("checkpoint-interval", DEFAULT_CHECKPOINT_INTERVAL_SECONDS, Math.min);
  const caps = internal.map((c) => c.metricDataRepository?.["memory-cap-mb"]).filter((v): v is number => v !== undefined);
  if (new Set(caps).size > 1) warnings.push('clusters use different "memory-cap-mb" values; the store uses the largest');
  const capMb = caps.length > 0 ? Math.max(...caps) : 0;
  return {
    options: {
      clusters: archiveClusters.filter((c) => names.has(c.name)),
      retentionSeconds: retentionSeconds > 0 ? retentionSeconds : DEFAULT_RETENTION_SECONDS,
      checkpointIntervalSeconds: checkpointIntervalSeconds > 0 ? checkpointIntervalSeconds : DEFAULT_CHECKPOINT_INTERVAL_SECONDS,
      memoryCapBytes: capMb * 1024 * 1024,
      checkpointDir,
    },
    clusters: [...names],
    warnings,
  };
}
