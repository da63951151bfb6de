import { describe, expect, it } from "vitest";
import { generateJobs } from "../../bench/lib/generate-jobs.ts";

describe("benchmark data generator", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = [...generateJobs(500, 42)];
    expect([...generateJobs(500, 42)]).toEqual(a);
    expect([...generateJobs(500, 43)]).not.toEqual(a);
  });

  it("produces cc-backend-shaped jobs with the floor's distributions", () => {
    const jobs = [...generateJobs(20_000, 42)];
    const share = (predicate: (j: (typeof jobs)[number]) => boolean) => jobs.filter(predicate).length / jobs.length;
    expect(share((j) => j.jobState === "running")).toBeCloseTo(0.02, 2);
    expect(share((j) => j.numNodes === 1)).toBeGreaterThan(0.75);
    expect(share((j) => j.cluster === "fritz")).toBeCloseTo(0.349, 1);
    // Zipf users: the heaviest user has about an eighth of all jobs.
    const perUser = new Map<string, number>();
    for (const j of jobs) perUser.set(j.user, (perUser.get(j.user) ?? 0) + 1);
    expect(Math.max(...perUser.values()) / jobs.length).toBeGreaterThan(0.08);
    for (const j of jobs) {
      expect(JSON.parse(j.resources)).toHaveLength(j.numNodes);
      expect(j.walltime).toBeGreaterThanOrEqual(j.duration);
      if (j.jobState === "running") expect(j.duration).toBe(0);
    }
    // Unique (jobId, cluster, startTime), as the database requires.
    expect(new Set(jobs.map((j) => `${j.jobId}/${j.cluster}/${j.startTime}`)).size).toBe(jobs.length);
  });
});
