import bcrypt from "bcryptjs";
import type { PrismaClient } from "../db/client.js";
import { InputError } from "./context.js";

export const ROLES = ["admin", "support", "manager", "api", "user"] as const;
export type Role = (typeof ROLES)[number];

export interface NewUser {
  username: string;
  password?: string;
  roles: string[];
  projects?: string[];
  name?: string;
  email?: string;
  /** 0 = local account, 1 = from LDAP. */
  ldap?: number;
}

/** cc-backend uses bcrypt's default cost; its `$2a$` hashes and our `$2b$` ones verify either way. */
const BCRYPT_COST = 10;

function checkUsername(username: string): void {
  if (username.length === 0 || username.length > 255 || /[\s:]/.test(username)) {
    throw new InputError(`invalid username "${username}": 1 to 255 characters, no spaces or colons`);
  }
}

export function checkRoles(roles: string[]): Role[] {
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new InputError(`unknown role "${unknown[0]}" (valid: ${ROLES.join(", ")})`);
  return [...new Set(roles)] as Role[];
}

export async function addUser(prisma: PrismaClient, user: NewUser): Promise<void> {
  checkUsername(user.username);
  const roles = checkRoles(user.roles);
  if (user.password !== undefined && user.password.length === 0) throw new InputError("password must not be empty");
  const existing = await prisma.user.findUnique({ where: { username: user.username }, select: { username: true } });
  if (existing) throw new InputError(`user "${user.username}" already exists`, 409);
  await prisma.user.create({
    data: {
      username: user.username,
      password: user.password === undefined ? null : await bcrypt.hash(user.password, BCRYPT_COST),
      roles: JSON.stringify(roles),
      projects: JSON.stringify(user.projects ?? []),
      name: user.name ?? null,
      email: user.email ?? null,
      ldap: user.ldap ?? 0,
    },
  });
}

export async function deleteUser(prisma: PrismaClient, username: string): Promise<void> {
  const { count } = await prisma.user.deleteMany({ where: { username } });
  if (count === 0) throw new InputError(`user "${username}" does not exist`, 404);
}

/** Checks a password against the stored bcrypt hash; false for LDAP accounts and unknown users. */
export async function verifyPassword(prisma: PrismaClient, username: string, password: string): Promise<boolean> {
  const user = await prisma.user.findUnique({ where: { username }, select: { password: true } });
  if (!user?.password) return false;
  return bcrypt.compare(password, user.password);
}

function jsonList(text: string | null | undefined): string[] {
  try {
    const value: unknown = JSON.parse(text ?? "[]");
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  } catch {
    return [];
  }
}

export interface StoredUser {
  username: string;
  roles: Role[];
  projects: string[];
  name: string | null;
  email: string | null;
  ldap: boolean;
  hasPassword: boolean;
}

/** A user from the database with roles and projects parsed (unknown role names are dropped). */
export async function findUser(prisma: PrismaClient, username: string): Promise<StoredUser | undefined> {
  const user = await prisma.user.findUnique({ where: { username } });
  if (!user) return undefined;
  return {
    username: user.username,
    roles: jsonList(user.roles).filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
    projects: jsonList(user.projects),
    name: user.name,
    email: user.email,
    ldap: user.ldap === 1,
    hasPassword: Boolean(user.password),
  };
}
