import type { Authenticator } from "../auth/auth.js";
import { AuthError } from "../auth/auth.js";
import { TokenError } from "../auth/jwt.js";
import { hasRole, type AuthUser } from "../auth/user.js";
import type { PrismaClient } from "../db/client.js";
import { InputError, UnavailableError } from "./context.js";
import { addUser, deleteUser, findUser, ROLES, type Role, type StoredUser } from "./users.js";

/**
 * User administration as cc-backend's REST API does it (/api/users/, /api/user/{id}, /api/roles/,
 * /api/jwt/). Callers check the admin role; the rules about roles and projects are here.
 */

/** The role names in cc-backend's order (api, user, manager, support, admin). */
export const ROLE_ORDER: Role[] = ["api", "user", "manager", "support", "admin"];

export interface UserListEntry {
  username: string;
  name: string;
  email: string;
  roles: string[];
  projects: string[];
  /** 0 local account, 1 LDAP (cc-backend's AuthSource). */
  via: number;
}

function jsonList(text: string | null): string[] {
  try {
    const value: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

/** All users; with `specialsOnly` those with roles other than just `user` (cc-backend's not-just-user). */
export async function listUsers(prisma: PrismaClient, specialsOnly: boolean): Promise<UserListEntry[]> {
  const users = await prisma.user.findMany({ orderBy: { username: "asc" } });
  return users
    .map((u) => ({ username: u.username, name: u.name ?? "", email: u.email ?? "", roles: jsonList(u.roles), projects: jsonList(u.projects), via: u.ldap }))
    .filter((u) => !specialsOnly || !(u.roles.length === 0 || (u.roles.length === 1 && u.roles[0] === "user")));
}

export interface CreateUserInput {
  username: string;
  password?: string;
  role: string;
  name?: string;
  email?: string;
  project?: string;
}

/** cc-backend's rules: only api users may lack a password; managers need a project, others may not have one. */
export async function createUser(prisma: PrismaClient, input: CreateUserInput): Promise<void> {
  const password = input.password ?? "";
  if (password === "" && input.role !== "api") throw new InputError("Only API users are allowed to have a blank password (login will be impossible)");
  const project = input.project ?? "";
  if (project !== "" && input.role !== "manager") throw new InputError("only managers require a project (can be changed later)");
  if (project === "" && input.role === "manager") throw new InputError("managers require a project to manage (can be changed later)");
  try {
    await addUser(prisma, {
      username: input.username,
      password: password === "" ? undefined : password,
      roles: [input.role],
      projects: project === "" ? [] : [project],
      name: input.name || undefined,
      email: input.email || undefined,
    });
  } catch (error) {
    // cc-backend answers a failed insert (an existing user) with 422.
    if (error instanceof InputError && error.status === 409) throw new InputError(error.message, 422);
    throw error;
  }
}

export async function removeUser(prisma: PrismaClient, username: string): Promise<void> {
  await deleteUser(prisma, username);
}

export type UserChange = { addRole: string } | { removeRole: string } | { addProject: string } | { removeProject: string };

async function existing(prisma: PrismaClient, username: string): Promise<StoredUser> {
  const user = await findUser(prisma, username);
  if (!user) throw new InputError(`user "${username}" does not exist`, 422);
  return user;
}

function validRole(role: string): Role {
  const lower = role.toLowerCase();
  if (!(ROLES as readonly string[]).includes(lower)) throw new InputError(`Supplied role is no valid option : ${role}`, 422);
  return lower as Role;
}

/** POST /api/user/{id}: one role or project added or removed; returns cc-backend's success text. */
export async function updateUser(prisma: PrismaClient, username: string, change: UserChange): Promise<string> {
  const user = await existing(prisma, username);
  const save = (data: { roles?: string[]; projects?: string[] }) =>
    prisma.user.update({
      where: { username },
      data: { ...(data.roles ? { roles: JSON.stringify(data.roles) } : {}), ...(data.projects ? { projects: JSON.stringify(data.projects) } : {}) },
    });
  if ("addRole" in change) {
    const role = validRole(change.addRole);
    if (user.roles.includes(role)) throw new InputError(`User ${username} already has role ${role}`, 422);
    await save({ roles: [...user.roles, role] });
    return "Add Role Success";
  }
  if ("removeRole" in change) {
    const role = validRole(change.removeRole);
    if (!user.roles.includes(role)) throw new InputError(`Role already deleted for user '${username}': ${role}`, 422);
    if (role === "manager" && user.projects.length > 0) {
      throw new InputError(`Cannot remove role 'manager' while user ${username} still has assigned project(s) : ${user.projects.join(", ")}`, 422);
    }
    await save({ roles: user.roles.filter((r) => r !== role) });
    return "Remove Role Success";
  }
  if (!user.roles.includes("manager")) throw new InputError(`user '${username}' is not a manager!`, 422);
  if ("addProject" in change) {
    if (user.projects.includes(change.addProject)) throw new InputError(`user '${username}' already manages project '${change.addProject}'`, 422);
    await save({ projects: [...user.projects, change.addProject] });
    return "Add Project Success";
  }
  if (!user.projects.includes(change.removeProject)) {
    throw new InputError(`user '${username}': Cannot remove project '${change.removeProject}' - Does not match!`, 422);
  }
  await save({ projects: user.projects.filter((p) => p !== change.removeProject) });
  return "Remove Project Success";
}

/** The role names an admin may hand out. */
export function validRoles(user: AuthUser): Role[] {
  if (!hasRole(user, "admin")) throw new AuthError("only admins are allowed to fetch a list of roles", 403);
  return [...ROLE_ORDER];
}

/**
 * /api/jwt/: a token for `username` (default: the caller) with the user's current roles. Only admins
 * sign tokens for others; the user must exist in the database (422 otherwise, as cc-backend).
 */
export async function tokenForUser(prisma: PrismaClient, auth: Authenticator, me: AuthUser, username: string | undefined): Promise<string> {
  const target = username || me.username;
  if (target !== me.username && !hasRole(me, "admin")) throw new AuthError("Only admins are allowed to sign JWTs not for themselves", 403);
  if (!(await findUser(prisma, target))) throw new InputError(`user "${target}" does not exist`, 422);
  try {
    return await auth.tokenFor(target);
  } catch (error) {
    if (error instanceof TokenError) throw new UnavailableError(error.message);
    throw error;
  }
}
