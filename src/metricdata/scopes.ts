/**
 * Metric scopes (cc-backend's `schema.MetricScope`) and their order from fine to coarse. Shared by
 * every metric data backend.
 */
export const METRIC_SCOPES = ["node", "socket", "memoryDomain", "core", "hwthread", "accelerator"] as const;
export type MetricScope = (typeof METRIC_SCOPES)[number];

/**
 * cc-backend v1.0's granularities: bigger is coarser. The accelerator is the finest so that
 * `coarser(native, requested)` never turns a CPU metric into an accelerator one.
 */
export const SCOPE_GRANULARITY: Readonly<Record<MetricScope, number>> = {
  node: 10,
  socket: 5,
  memoryDomain: 4,
  core: 3,
  hwthread: 2,
  accelerator: 1,
};

export function isMetricScope(value: unknown): value is MetricScope {
  return typeof value === "string" && Object.hasOwn(SCOPE_GRANULARITY, value);
}

/** The coarser of two scopes: what a backend returns when asked for `requested` of a metric measured at `native`. */
export function coarserScope(native: MetricScope, requested: MetricScope): MetricScope {
  return SCOPE_GRANULARITY[requested] > SCOPE_GRANULARITY[native] ? requested : native;
}
