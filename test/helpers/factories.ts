import type { PrismaClient } from "../../src/db/client.ts";
import type { Prisma } from "../../src/db/generated/prisma/client.ts";

let nextJobId = 1000;

/** A finished job with plausible values; override what the test cares about. */
export function jobData(overrides: Partial<Prisma.JobUncheckedCreateInput> = {}): Prisma.JobUncheckedCreateInput {
  const jobId = nextJobId++;
  return {
    jobId: BigInt(jobId),
    cluster: "fritz",
    subCluster: "main",
    startTime: BigInt(1_700_000_000 + jobId * 60),
    user: "alice",
    project: "proj1",
    partition: "singlenode",
    duration: 3600,
    walltime: 86400,
    jobState: "completed",
    metaData: JSON.stringify({ jobName: `job-${jobId}` }),
    resources: JSON.stringify([{ hostname: `f${String(jobId % 1000).padStart(4, "0")}` }]),
    numNodes: 1,
    numHWThreads: 72,
    numAcc: 0,
    ...overrides,
  };
}

export async function createJobs(prisma: PrismaClient, count: number, overrides: Partial<Prisma.JobUncheckedCreateInput> = {}) {
  const rows = Array.from({ length: count }, () => jobData(overrides));
  await prisma.job.createMany({ data: rows });
  return rows;
}
