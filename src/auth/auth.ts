import type { Config } from "../config/load.js";
import { parseDuration } from "../config/duration.js";
import type { PrismaClient } from "../db/client.js";
import { addUser, findUser, ROLES, verifyPassword, type Role } from "../services/users.js";
import { issueToken, keysFromEnv, TokenError, verifyLoginToken, verifyToken, type JwtKeys } from "./jwt.js";
import type { LdapDirectory } from "./ldap.js";
import { ANONYMOUS, type AuthUser } from "./user.js";

export class AuthError extends Error {
  constructor(
    message: string,
    readonly status: 401 | 403 | 429 = 401,
  ) {
    super(message);
  }
}

/**
 * Authentication as one object built at start-up from config.json and .env: who a request is (token,
 * session or anonymous), password logins, and issuing tokens.
 */
export class Authenticator {
  readonly disabled: boolean;
  readonly sessionMaxAgeSeconds: number;
  private readonly jwtMaxAgeSeconds: number;
  private readonly rolesFromDatabase: boolean;

  constructor(
    private readonly prisma: PrismaClient,
    config: Config,
    readonly keys: JwtKeys = keysFromEnv(),
    private readonly ldap?: LdapDirectory,
  ) {
    this.disabled = config["disable-authentication"];
    this.sessionMaxAgeSeconds = parseDuration(config["session-max-age"]);
    const jwtAge = config.jwts?.["max-age"] ?? config["jwt-max-age"];
    // cc-backend v1.0 wrote jwts.max-age as a number of seconds; later versions as a duration string.
    this.jwtMaxAgeSeconds = typeof jwtAge === "number" ? jwtAge : parseDuration(jwtAge ?? "0");
    this.rolesFromDatabase = config.jwts?.forceJWTValidationViaDatabase ?? false;
  }

  /** The user of an API token. Invalid tokens are refused, never ignored. */
  async userFromToken(token: string): Promise<AuthUser> {
    // Adapters send the same token with every request; a verified token is remembered briefly (never
    // past its exp, at most 30 s, so role changes apply within that) so the signature check and lookups
    // are not repeated hundreds of times a second.
    const now = Date.now();
    const cached = this.verifiedTokens.get(token);
    if (cached && cached.until > now) return cached.user;
    const user = await this.verifyAndResolve(token);
    if (this.verifiedTokens.size >= 1000) this.verifiedTokens.clear();
    this.verifiedTokens.set(token, { user, until: Math.min(now + 30_000, user.tokenExpires ? user.tokenExpires * 1000 : Infinity) });
    return user;
  }

  private readonly verifiedTokens = new Map<string, { user: AuthUser & { tokenExpires?: number }; until: number }>();

  private async verifyAndResolve(token: string): Promise<AuthUser & { tokenExpires?: number }> {
    let claims;
    try {
      claims = await verifyToken(this.keys, token);
    } catch (error) {
      throw new AuthError(error instanceof TokenError ? error.message : "invalid token");
    }
    if (this.rolesFromDatabase) {
      const stored = await findUser(this.prisma, claims.username);
      if (!stored) throw new AuthError("unknown user");
      return { username: stored.username, roles: stored.roles, projects: stored.projects, name: stored.name, email: stored.email, via: "token", tokenExpires: claims.expires };
    }
    const roles = claims.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
    // Batch-system adapters send a token with every request; roles that see everything need nothing
    // from the database, which keeps start_job/stop_job free of an extra lookup.
    if (roles.some((r) => r === "admin" || r === "support" || r === "api")) {
      return { username: claims.username, roles, projects: [], via: "token", tokenExpires: claims.expires };
    }
    const stored = await findUser(this.prisma, claims.username);
    return { username: claims.username, roles, projects: stored?.projects ?? [], name: stored?.name, email: stored?.email, via: "token", tokenExpires: claims.expires };
  }

  /** The user of a session; undefined when the account was deleted meanwhile. */
  async userFromSession(username: string): Promise<AuthUser | undefined> {
    const stored = await findUser(this.prisma, username);
    if (!stored) return undefined;
    return { username: stored.username, roles: stored.roles, projects: stored.projects, name: stored.name, email: stored.email, via: "session" };
  }

  anonymous(): AuthUser | undefined {
    return this.disabled ? ANONYMOUS : undefined;
  }

  /**
   * Checks a password: by bcrypt for local accounts, by an LDAP bind for accounts with ldap = 1. As in
   * cc-backend v1.0 an LDAP user must already be in the user table (--sync-ldap or the periodic sync);
   * unknown users are refused without asking LDAP. The same message for every failure: no hint to attackers.
   */
  async login(username: string, password: string): Promise<AuthUser> {
    const stored = await findUser(this.prisma, username);
    let valid = false;
    if (stored?.ldap) valid = (await this.ldap?.authenticate(username, password)) ?? false;
    else if (stored) valid = await verifyPassword(this.prisma, username, password);
    if (!valid) {
      throw new AuthError("invalid username or password");
    }
    return (await this.userFromSession(username))!;
  }

  /**
   * Login with a token from another service (`/login?login-token=...`): HS512 with
   * CROSS_LOGIN_JWT_HS512_KEY, or EdDSA with our key. As in cc-backend v1.0, an unknown user is created
   * with the token's roles: that service is trusted to vouch for them.
   */
  async loginWithToken(token: string): Promise<AuthUser> {
    let claims;
    try {
      claims = await verifyLoginToken(this.keys, token);
    } catch (error) {
      throw new AuthError(error instanceof TokenError ? error.message : "invalid token");
    }
    if (!(await findUser(this.prisma, claims.username))) {
      const roles = claims.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r));
      await addUser(this.prisma, { username: claims.username, roles: roles.length > 0 ? roles : ["user"] });
    }
    return (await this.userFromSession(claims.username))!;
  }

  /** A token for a user of the database, with its current roles (--jwt, /api/jwt/). */
  async tokenFor(username: string): Promise<string> {
    const stored = await findUser(this.prisma, username);
    if (!stored) throw new AuthError(`user "${username}" does not exist`, 403);
    return issueToken(this.keys, { username: stored.username, roles: stored.roles }, this.jwtMaxAgeSeconds);
  }
}
