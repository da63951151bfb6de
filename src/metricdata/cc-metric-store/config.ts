/** Client options from a cluster's `metricDataRepository` in config.json (kind "cc-metric-store"). */
import { parseDuration } from "../../config/duration.js";
import type { MetricDataRepository as RepositoryConfig } from "../../config/generated/config-file.js";
import { CcMetricStoreError } from "./http.js";
import type { CcMetricStoreOptions } from "./repository.js";

/** url, token, timeout (a duration, e.g. "120s"; empty or 0: the default) and metricRenamings. */
export function ccMetricStoreOptions(config: RepositoryConfig): Omit<CcMetricStoreOptions, "clusters"> {
  if (!config.url) throw new CcMetricStoreError('a cc-metric-store needs a "url"');
  let timeoutSeconds: number | undefined;
  if (config.timeout !== undefined && config.timeout !== "") {
    try {
      timeoutSeconds = parseDuration(config.timeout) || undefined;
    } catch (error) {
      throw new CcMetricStoreError(`"timeout": ${(error as Error).message}`);
    }
  }
  return { url: config.url, token: config.token, timeoutSeconds, metricRenamings: config.metricRenamings };
}
