import type { Prisma } from "../db/generated/prisma/client.js";
import type { AuthUser } from "./user.js";
import { hasAnyRole, hasRole } from "./user.js";

/**
 * Which jobs a user may see — decided here and only here, and composed into every job query:
 * admin, support and api see all; a manager sees the jobs of the projects they manage and their own;
 * everyone else only their own jobs.
 */
export type JobScope = { all: true } | { all: false; users: string[]; projects: string[] };

export function jobScope(user: AuthUser): JobScope {
  if (hasAnyRole(user, ["admin", "support", "api"])) return { all: true };
  if (hasRole(user, "manager")) return { all: false, users: [user.username], projects: user.projects };
  return { all: false, users: [user.username], projects: [] };
}

/** The scope as a Prisma `where` fragment. */
export function jobVisibilityWhere(user: AuthUser): Prisma.JobWhereInput {
  const scope = jobScope(user);
  if (scope.all) return {};
  const or: Prisma.JobWhereInput[] = [{ user: { in: scope.users } }];
  if (scope.projects.length > 0) or.push({ project: { in: scope.projects } });
  return { OR: or };
}

/** The scope as a parameterised SQL condition on table alias `job`, for raw statistics queries. */
export function jobVisibilitySql(user: AuthUser): { sql: string; params: string[] } {
  const scope = jobScope(user);
  if (scope.all) return { sql: "1 = 1", params: [] };
  const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  const parts = [`job.user IN (${marks(scope.users.length)})`];
  if (scope.projects.length > 0) parts.push(`job.project IN (${marks(scope.projects.length)})`);
  return { sql: `(${parts.join(" OR ")})`, params: [...scope.users, ...scope.projects] };
}

/** Whether one job (its user and project) is visible to a user. */
export function canSeeJob(user: AuthUser, job: { user: string; project: string }): boolean {
  const scope = jobScope(user);
  return scope.all || scope.users.includes(job.user) || scope.projects.includes(job.project);
}
