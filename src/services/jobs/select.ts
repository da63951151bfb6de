import { InputError } from "../context.js";
import type { JobSelector } from "./records.js";

/**
 * The job a stop_job or delete_job request body names: `jobId` is required, `cluster` and `startTime`
 * narrow it down (cc-backend: "the field 'jobId' is required", 400).
 */
export function jobSelectorFromBody(body: { jobId?: number; cluster?: string; startTime?: number }): JobSelector {
  if (body.jobId === undefined) throw new InputError("the field 'jobId' is required");
  return {
    jobId: body.jobId,
    ...(body.cluster !== undefined ? { cluster: body.cluster } : {}),
    ...(body.startTime !== undefined ? { startTime: body.startTime } : {}),
  };
}
