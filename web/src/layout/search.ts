/**
 * The navbar search, as cc-backend's: `jobId:`, `jobName:`, `projectId:`, `username:` and `name:`
 * prefixes; without one, a number is a job id and other text a job name (or, for staff, a user).
 * Returns where to go, or undefined for an empty search.
 */
export function searchTarget(input: string, staff: boolean): string | undefined {
  const text = input.trim();
  if (text === "") return undefined;
  const match = /^(jobId|jobName|projectId|username|name)\s*:\s*(.*)$/i.exec(text);
  const q = (value: string) => encodeURIComponent(value.trim());
  if (match) {
    const [, prefix, value] = match;
    switch (prefix!.toLowerCase()) {
      case "jobid":
        return `/monitoring/jobs/?jobId=${q(value!)}`;
      case "jobname":
        return `/monitoring/jobs/?jobName=${q(value!)}`;
      case "projectid":
        return `/monitoring/jobs/?projectMatch=eq&project=${q(value!)}`;
      case "username":
        return staff ? `/monitoring/users/?user=${q(value!)}` : `/monitoring/jobs/?user=${q(value!)}`;
      default:
        return `/monitoring/users/?name=${q(value!)}`;
    }
  }
  if (/^\d+$/.test(text)) return `/monitoring/jobs/?jobId=${q(text)}`;
  return `/monitoring/jobs/?jobName=${q(text)}`;
}
