import type { JobTag } from "../archive/generated/archive-types.js";
import type { PlacedJob } from "./allocate.js";
import type { Levels } from "./behaviours.js";
import type { Random } from "./random.js";

/**
 * Tags on about 15 % of the jobs, as support staff and taggers would set them: the application, a
 * job class, and issues that the statistics actually show.
 */
export function jobTags(random: Random, job: PlacedJob, levels: Levels): JobTag[] {
  const tags: JobTag[] = [];
  if (random() < 0.08) tags.push({ type: "app", name: job.app.name.replace(/-gpu$/, "") });
  if (random() < 0.03) tags.push({ type: "jobClass", name: job.numNodes >= 16 ? "large-scale" : job.duration < 900 ? "debug" : "production" });
  const issue =
    job.behaviour === "memory" ? "memory-bound"
    : job.behaviour === "idle" ? "idle"
    : job.behaviour === "gpu-idle" ? "gpu-unused"
    : job.jobState === "out_of_memory" ? "out-of-memory"
    : levels.load < 0.5 && job.cluster === "fritz" ? "low-load"
    : undefined;
  if (issue && random() < 0.15) tags.push({ type: "issue", name: issue });
  return tags;
}
