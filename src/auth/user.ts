import type { Role } from "../services/users.js";

/** Who is making a request, as every service sees it. */
export interface AuthUser {
  username: string;
  roles: Role[];
  /** Projects a manager manages. */
  projects: string[];
  name?: string | null;
  email?: string | null;
  /** How the user proved who they are. "anonymous": authentication is disabled in config.json. */
  via: "session" | "token" | "anonymous";
}

/** With `disable-authentication`, cc-backend serves everything to everyone; so does this user. */
export const ANONYMOUS: AuthUser = { username: "anonymous", roles: [], projects: [], via: "anonymous" };

export function hasRole(user: AuthUser | undefined, role: Role): boolean {
  if (!user) return false;
  return user.via === "anonymous" || user.roles.includes(role);
}

export function hasAnyRole(user: AuthUser | undefined, roles: Role[]): boolean {
  return roles.some((role) => hasRole(user, role));
}
