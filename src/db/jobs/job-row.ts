/**
 * One row of the `job` table as plain values, in the column order of cc-backend's schema. Used where
 * rows move in bulk past Prisma (archive import, benchmarks), so that one list of columns serves all.
 */
export interface JobRow {
  jobId: number;
  cluster: string;
  subCluster: string;
  startTime: number;
  user: string;
  project: string;
  partition: string | null;
  arrayJobId: number | null;
  duration: number;
  walltime: number;
  jobState: string;
  metaData: string | null;
  resources: string;
  numNodes: number;
  numHWThreads: number | null;
  numAcc: number | null;
  smt: number;
  exclusive: number;
  monitoringStatus: number;
  memUsedMax: number;
  flopsAnyAvg: number;
  memBwAvg: number;
  loadAvg: number;
  netBwAvg: number;
  netDataVolTotal: number;
  fileBwAvg: number;
  fileDataVolTotal: number;
}

/** Column name in the database for every JobRow field. */
export const JOB_COLUMNS: Record<keyof JobRow, string> = {
  jobId: "job_id",
  cluster: "cluster",
  subCluster: "subcluster",
  startTime: "start_time",
  user: "user",
  project: "project",
  partition: "partition",
  arrayJobId: "array_job_id",
  duration: "duration",
  walltime: "walltime",
  jobState: "job_state",
  metaData: "meta_data",
  resources: "resources",
  numNodes: "num_nodes",
  numHWThreads: "num_hwthreads",
  numAcc: "num_acc",
  smt: "smt",
  exclusive: "exclusive",
  monitoringStatus: "monitoring_status",
  memUsedMax: "mem_used_max",
  flopsAnyAvg: "flops_any_avg",
  memBwAvg: "mem_bw_avg",
  loadAvg: "load_avg",
  netBwAvg: "net_bw_avg",
  netDataVolTotal: "net_data_vol_total",
  fileBwAvg: "file_bw_avg",
  fileDataVolTotal: "file_data_vol_total",
};

export const JOB_FIELDS = Object.keys(JOB_COLUMNS) as (keyof JobRow)[];

/** The monitoring_status values of cc-backend. */
export const MONITORING = { disabled: 0, runningOrArchiving: 1, archivingFailed: 2, archived: 3 } as const;

/** The states the job table's CHECK constraint allows (cc-backend schema version 4 and later). */
export const JOB_STATES = ["running", "completed", "failed", "cancelled", "stopped", "timeout", "preempted", "out_of_memory"] as const;
export type JobState = (typeof JOB_STATES)[number];

export function isJobState(value: unknown): value is JobState {
  return typeof value === "string" && (JOB_STATES as readonly string[]).includes(value);
}
