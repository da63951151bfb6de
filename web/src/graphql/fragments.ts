import { graphql } from "../generated/graphql/index.js";

/** Every figure of a jobsStatistics entry with both histograms: the user and analysis views show them all. */
export const JobStatisticsFields = graphql(`
  fragment JobStatisticsFields on JobsStatistics {
    totalJobs
    runningJobs
    shortJobs
    totalWalltime
    totalNodeHours
    totalCoreHours
    totalAccHours
    histDuration {
      value
      count
    }
    histNumNodes {
      value
      count
    }
  }
`);
