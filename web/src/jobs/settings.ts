import { graphql } from "../generated/graphql/index.js";

/** The job list's start: the clusters' metric configuration (the user's settings came with the user). */
export const JobListInitQuery = graphql(`
  query JobListInit {
    clusters {
      name
      partitions
      metricConfig {
        name
        scope
        timestep
        peak
        normal
        caution
        alert
        unit {
          prefix
          base
        }
        subClusters {
          name
          peak
          normal
          caution
          alert
          remove
        }
      }
      subClusters {
        name
        topology {
          accelerators {
            id
          }
        }
      }
    }
  }
`);

import type { Settings } from "../app/user-settings.js";
export { saveSetting, type Settings } from "../app/user-settings.js";

export function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
}

export function positiveInt(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
}

export const METRICS_SETTING = "plot_list_selectedMetrics";
export const PER_PAGE_SETTING = "plot_list_jobsPerPage";
export const PAGING_SETTING = "job_list_usePaging";

/** cc-backend's per-cluster metric selection key, with the general one as fallback. */
export function selectedMetrics(settings: Settings, cluster: string | null): string[] {
  return (cluster ? stringList(settings[`${METRICS_SETTING}:${cluster}`]) : undefined) ?? stringList(settings[METRICS_SETTING]) ?? [];
}
