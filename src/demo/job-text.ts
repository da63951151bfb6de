import type { JobMetaData } from "../archive/generated/archive-types.js";
import type { PlacedJob } from "./allocate.js";
import { integer, pick, type Random } from "./random.js";

const pad = (n: number) => String(n).padStart(2, "0");

/** Slurm's [D-]HH:MM:SS. */
function slurmDuration(seconds: number): string {
  const days = Math.floor(seconds / 86400);
  const rest = seconds % 86400;
  const hms = `${pad(Math.floor(rest / 3600))}:${pad(Math.floor((rest % 3600) / 60))}:${pad(rest % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** UTC, as scontrol would print it on a server running in UTC; never the local time zone. */
function slurmTime(unix: number): string {
  return new Date(unix * 1000).toISOString().slice(0, 19);
}

function exitCode(job: PlacedJob): string {
  switch (job.jobState) {
    case "completed":
      return "0:0";
    case "cancelled":
    case "timeout":
      return "0:15";
    case "out_of_memory":
      return "0:125";
    default:
      return `${job.behaviour === "failing" ? 1 : 2}:0`;
  }
}

function jobScript(job: PlacedJob, jobName: string, tasksPerNode: number): string {
  const lines = ["#!/bin/bash -l", `#SBATCH --job-name=${jobName}`, `#SBATCH --nodes=${job.numNodes}`];
  if (job.cluster === "alex") lines.push(`#SBATCH --gres=gpu:${job.subCluster}:${job.gpusPerNode}`, `#SBATCH --partition=${job.partition}`);
  else lines.push(`#SBATCH --ntasks-per-node=${tasksPerNode}`, ...(job.subCluster === "spr1tb" ? ["#SBATCH --partition=spr1tb"] : []));
  lines.push(`#SBATCH --time=${slurmDuration(job.walltime)}`);
  if (job.arrayJobId) lines.push("#SBATCH --array=1-100%10");
  lines.push("#SBATCH --export=NONE", "", "unset SLURM_EXPORT_ENV", "", `module load ${job.app.module}`);
  if (job.cluster === "fritz" && job.numNodes > 1) lines.push("export OMP_NUM_THREADS=1");
  lines.push("", job.app.command, "");
  return lines.join("\n");
}

function slurmInfo(job: PlacedJob, jobName: string, tasks: number): string {
  const end = job.startTime + job.duration;
  const nodes = job.resources.map((r) => r.hostname).join(",");
  return [
    `JobId=${job.jobId} JobName=${jobName}`,
    `UserId=${job.user.name} GroupId=${job.user.project} Account=${job.user.project} QOS=normal`,
    `JobState=${job.jobState.toUpperCase()} ExitCode=${exitCode(job)}`,
    `RunTime=${slurmDuration(job.duration)} TimeLimit=${slurmDuration(job.walltime)}`,
    `SubmitTime=${slurmTime(job.startTime - (job.startTime % 977))} StartTime=${slurmTime(job.startTime)} EndTime=${slurmTime(end)}`,
    `Partition=${job.partition} NodeList=${nodes}`,
    `NumNodes=${job.numNodes} NumCPUs=${job.numHwthreads} NumTasks=${tasks}${job.numAcc ? ` TRES=gres/gpu=${job.numAcc}` : ""}`,
    `WorkDir=/home/hpc/${job.user.project}/${job.user.name}/${job.app.name}`,
    "",
  ].join("\n");
}

export function jobMetaData(random: Random, job: PlacedJob): JobMetaData {
  const jobName = job.arrayJobId ? `${job.app.jobNames[0]}_array` : `${pick(random, job.app.jobNames)}${random() < 0.5 ? `_${integer(random, 1, 40)}` : ""}`;
  const tasksPerNode = job.cluster === "alex" ? job.gpusPerNode : job.numHwthreads / job.numNodes;
  return { jobName, jobScript: jobScript(job, jobName, tasksPerNode), slurmInfo: slurmInfo(job, jobName, tasksPerNode * job.numNodes) };
}
