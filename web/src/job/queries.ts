import { graphql } from "../generated/graphql/index.js";
import type { JobViewMetricsQuery, JobViewQuery } from "../generated/graphql/graphql.js";

/** The job, and the configuration of all clusters (metric thresholds, subcluster peaks). */
export const JobViewDocument = graphql(`
  query JobView($id: ID!) {
    job(id: $id) {
      id
      jobId
      user
      project
      cluster
      subCluster
      partition
      startTime
      duration
      walltime
      numNodes
      numHWThreads
      numAcc
      SMT
      exclusive
      arrayJobId
      monitoringStatus
      state
      tags {
        id
        type
        name
      }
      resources {
        hostname
        hwthreads
        accelerators
      }
      metaData
      userData {
        name
        email
      }
      concurrentJobs {
        items {
          id
          jobId
        }
        count
        listQuery
      }
    }
    clusters {
      name
      metricConfig {
        name
        unit {
          base
          prefix
        }
        scope
        aggregation
        timestep
        peak
        normal
        caution
        alert
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
        flopRateScalar {
          value
          unit {
            base
            prefix
          }
        }
        flopRateSimd {
          value
          unit {
            base
            prefix
          }
        }
        memoryBandwidth {
          value
          unit {
            base
            prefix
          }
        }
        topology {
          node
          socket
          core
          memoryDomain
          accelerators {
            id
          }
        }
      }
    }
  }
`);

/** Metric data of a job; `resolution` (seconds between points) thins it out on the server. */
export const JobViewMetricsDocument = graphql(`
  query JobViewMetrics($id: ID!, $metrics: [String!], $scopes: [MetricScope!], $resolution: Int) {
    jobMetrics(id: $id, metrics: $metrics, scopes: $scopes, resolution: $resolution) {
      name
      scope
      metric {
        unit {
          base
          prefix
        }
        timestep
        series {
          hostname
          id
          statistics {
            min
            avg
            max
          }
          data
        }
        statisticsSeries {
          min
          mean
          max
        }
      }
    }
  }
`);

export const JobViewTagsDocument = graphql(`
  query JobViewTags {
    tags {
      id
      type
      name
    }
  }
`);

export const JobViewCreateTagDocument = graphql(`
  mutation JobViewCreateTag($type: String!, $name: String!) {
    createTag(type: $type, name: $name) {
      id
      type
      name
    }
  }
`);

export const JobViewAddTagsDocument = graphql(`
  mutation JobViewAddTags($job: ID!, $tagIds: [ID!]!) {
    addTagsToJob(job: $job, tagIds: $tagIds) {
      id
      type
      name
    }
  }
`);

export const JobViewRemoveTagsDocument = graphql(`
  mutation JobViewRemoveTags($job: ID!, $tagIds: [ID!]!) {
    removeTagsFromJob(job: $job, tagIds: $tagIds) {
      id
      type
      name
    }
  }
`);


export type Job = NonNullable<JobViewQuery["job"]>;
/** The schema's MetricScope scalar is a string ("node", "socket", "core", ...). */
type Scoped<T> = Omit<T, "scope"> & { scope: string };
type RawCluster = JobViewQuery["clusters"][number];
export type MetricConfig = Scoped<RawCluster["metricConfig"][number]>;
export type Cluster = Omit<RawCluster, "metricConfig"> & { metricConfig: MetricConfig[] };
export type SubCluster = Cluster["subClusters"][number];
export type Tag = Job["tags"][number];
export type JobMetricEntry = Scoped<JobViewMetricsQuery["jobMetrics"][number]>;
export type JobMetric = JobMetricEntry["metric"];
export type MetricSeries = NonNullable<JobMetric["series"]>[number];

export const asClusters = (clusters: JobViewQuery["clusters"]) => clusters as Cluster[];
export const asEntries = (entries: JobViewMetricsQuery["jobMetrics"]) => entries as JobMetricEntry[];
