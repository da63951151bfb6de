import type { KeyObject } from "node:crypto";
import { errors, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { decodePrivateKey, decodePublicKey } from "./keys.js";

/**
 * JSON Web Tokens as cc-backend issues and accepts them: EdDSA (Ed25519) with the key pair from .env,
 * claims `sub` (user name), `roles` (array of role names), `iat`, and `exp` when a lifetime is set.
 * `koa-jwt` is not used: it verifies through jsonwebtoken, which has no EdDSA; `jose` does all of it.
 * A missing key disables the feature it belongs to — it never means "accept anything".
 */
export interface TokenClaims {
  username: string;
  roles: string[];
  /** Unix seconds, if the token expires. */
  expires?: number;
}

export class TokenError extends Error {}

export interface JwtKeys {
  /** Verifies tokens; without it no token is accepted. */
  publicKey?: KeyObject;
  /** Issues tokens; without it --jwt and /api/jwt/ are unavailable. */
  privateKey?: KeyObject;
  /** HS512 secret for logins with tokens from another service; without it that path is off. */
  crossLoginKey?: Uint8Array;
}

/** Reads JWT_PUBLIC_KEY, JWT_PRIVATE_KEY and CROSS_LOGIN_JWT_HS512_KEY; empty values count as absent. */
export function keysFromEnv(env: NodeJS.ProcessEnv = process.env): JwtKeys {
  const keys: JwtKeys = {};
  if (env.JWT_PUBLIC_KEY?.trim()) keys.publicKey = decodePublicKey(env.JWT_PUBLIC_KEY.trim());
  if (env.JWT_PRIVATE_KEY?.trim()) keys.privateKey = decodePrivateKey(env.JWT_PRIVATE_KEY.trim());
  const cross = env.CROSS_LOGIN_JWT_HS512_KEY?.trim();
  if (cross) keys.crossLoginKey = new Uint8Array(Buffer.from(cross, "base64"));
  return keys;
}

export async function issueToken(keys: JwtKeys, claims: { username: string; roles: string[] }, lifetimeSeconds = 0): Promise<string> {
  if (!keys.privateKey) throw new TokenError("cannot issue tokens: JWT_PRIVATE_KEY is not set");
  const jwt = new SignJWT({ roles: claims.roles }).setProtectedHeader({ alg: "EdDSA", typ: "JWT" }).setSubject(claims.username).setIssuedAt();
  if (lifetimeSeconds > 0) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + Math.floor(lifetimeSeconds));
  return jwt.sign(keys.privateKey);
}

/** Verifies an API token (EdDSA only). Every failure is a TokenError with a message safe to return. */
export async function verifyToken(keys: JwtKeys, token: string): Promise<TokenClaims> {
  if (!keys.publicKey) throw new TokenError("token authentication is not configured");
  return claimsOf(await verify(token, keys.publicKey, ["EdDSA"]));
}

/** Verifies a login token from another service (HS512, or EdDSA with our key). */
export async function verifyLoginToken(keys: JwtKeys, token: string): Promise<TokenClaims> {
  const header = safeHeader(token);
  if (header?.alg === "HS512" || header?.alg === "HS256") {
    if (!keys.crossLoginKey) throw new TokenError("login tokens of other services are not accepted here");
    return claimsOf(await verify(token, keys.crossLoginKey, ["HS512", "HS256"]));
  }
  return verifyToken(keys, token);
}

async function verify(token: string, key: KeyObject | Uint8Array, algorithms: string[]): Promise<JWTPayload> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms });
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new TokenError("token expired");
    throw new TokenError("invalid token");
  }
}

function claimsOf(payload: JWTPayload): TokenClaims {
  if (typeof payload.sub !== "string" || payload.sub === "") throw new TokenError("invalid token: no subject");
  const raw = (payload as { roles?: unknown }).roles;
  const roles = Array.isArray(raw) ? raw.filter((r): r is string => typeof r === "string") : typeof raw === "string" ? [raw] : [];
  return { username: payload.sub, roles, ...(typeof payload.exp === "number" ? { expires: payload.exp } : {}) };
}

function safeHeader(token: string): { alg?: string } | undefined {
  try {
    return JSON.parse(Buffer.from(token.split(".")[0] ?? "", "base64url").toString("utf8")) as { alg?: string };
  } catch {
    return undefined;
  }
}
