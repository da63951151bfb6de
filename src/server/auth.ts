import { bodyParser } from "@koa/bodyparser";
import type Router from "@koa/router";
import type Koa from "koa";
import createSession from "koa-session";
import { AuthError, type Authenticator } from "../auth/auth.js";
import { LoginThrottle } from "../auth/rate-limit.js";
import { hasRole, type AuthUser } from "../auth/user.js";
import type { Role } from "../services/users.js";

declare module "koa" {
  interface DefaultState {
    user?: AuthUser;
  }
}

export const SESSION_COOKIE = "session";

/**
 * Signed, HttpOnly, SameSite=Lax session cookies keyed by SESSION_KEY; Secure under HTTPS; lifetime
 * from `session-max-age` (0: until the browser closes). The cookie holds only the user name; roles
 * are read from the database on every request, so a role change applies at once.
 */
export function sessions(app: Koa, auth: Authenticator, sessionKey: string | undefined, secure: boolean): Koa.Middleware {
  if (!sessionKey) {
    if (!auth.disabled) throw new AuthError("SESSION_KEY is not set in .env; the server will not start with authentication enabled without it");
    return async (_ctx, next) => next();
  }
  app.keys = [sessionKey];
  return createSession(
    {
      key: SESSION_COOKIE,
      maxAge: auth.sessionMaxAgeSeconds > 0 ? auth.sessionMaxAgeSeconds * 1000 : "session",
      httpOnly: true,
      signed: true,
      sameSite: "lax",
      secure,
      rolling: false,
      renew: true,
    },
    app,
  ) as Koa.Middleware;
}

function bearerToken(ctx: Koa.Context): string | undefined {
  const header = ctx.get("X-Auth-Token") || ctx.get("Authorization").replace(/^Bearer\s+/i, "");
  return header.trim() || undefined;
}

/** Sets ctx.state.user from a token, else the session, else the anonymous user when auth is off. */
export function authenticate(auth: Authenticator): Koa.Middleware {
  return async (ctx, next) => {
    const token = bearerToken(ctx);
    if (token) {
      ctx.state.user = await auth.userFromToken(token);
    } else {
      const username = (ctx as { session?: { username?: unknown } | null }).session?.username;
      if (typeof username === "string") ctx.state.user = await auth.userFromSession(username);
      ctx.state.user ??= auth.anonymous();
    }
    await next();
  };
}

/** 401 for API and GraphQL requests without a user; pages redirect to /login instead. */
export function requireUser(): Koa.Middleware {
  return async (ctx, next) => {
    if (!ctx.state.user) throw new AuthError("authentication required");
    await next();
  };
}

export function requireRole(role: Role): Koa.Middleware {
  return async (ctx, next) => {
    if (!ctx.state.user) throw new AuthError("authentication required");
    if (!hasRole(ctx.state.user, role)) throw new AuthError(`missing role: ${role}`, 403);
    await next();
  };
}

/**
 * Cookie-authenticated state changes must come from our own pages: a cross-site form or script gets
 * 403. Token requests carry no ambient credentials and are exempt.
 */
export function sameOriginForCookies(): Koa.Middleware {
  return async (ctx, next) => {
    const unsafe = !["GET", "HEAD", "OPTIONS"].includes(ctx.method);
    if (unsafe && !bearerToken(ctx) && ctx.cookies.get(SESSION_COOKIE)) {
      const origin = ctx.get("Origin") || ctx.get("Referer");
      if (origin) {
        let host: string | undefined;
        try {
          host = new URL(origin).host;
        } catch {
          host = undefined;
        }
        if (host !== ctx.host) throw new AuthError("cross-site request refused", 403);
      }
    }
    await next();
  };
}

/** POST /login (form or JSON), GET /login?login-token=... (cross-login), GET|POST /logout. */
export function loginRoutes(router: Router, auth: Authenticator, throttle = new LoginThrottle()): void {
  const wantsJson = (ctx: Koa.Context) => ctx.is("application/json") === "application/json" || ctx.accepts("html", "json") === "json";
  router.post("/login", bodyParser({ enableTypes: ["form", "json"], formLimit: "16kb", jsonLimit: "16kb" }), async (ctx) => {
    const body = (ctx.request.body ?? {}) as { username?: unknown; password?: unknown };
    const username = typeof body.username === "string" ? body.username.trim() : "";
    const password = typeof body.password === "string" ? body.password : "";
    const fail = (message: string, status: number) => {
      if (wantsJson(ctx)) {
        ctx.status = status;
        ctx.body = { status: status === 429 ? "Too Many Requests" : "Unauthorized", error: message };
      } else ctx.redirect(`/login?error=${encodeURIComponent(message)}`);
    };
    if (!(ctx as { session?: unknown }).session) return fail("logins are not enabled on this server (no SESSION_KEY)", 401);
    const wait = throttle.retryAfter(ctx.ip, username);
    if (wait > 0) {
      ctx.set("Retry-After", String(wait));
      return fail(`too many failed logins; try again in ${wait} s`, 429);
    }
    try {
      const user = await auth.login(username, password);
      throttle.succeed(ctx.ip, username);
      (ctx as unknown as { session: Record<string, unknown> }).session.username = user.username;
      if (wantsJson(ctx)) ctx.body = { username: user.username, roles: user.roles };
      else ctx.redirect("/");
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      throttle.fail(ctx.ip, username);
      fail(error.message, 401);
    }
  });
  router.get("/login", async (ctx, next) => {
    const token = ctx.query["login-token"];
    if (typeof token !== "string") return next(); // the login page itself
    const session = (ctx as { session?: Record<string, unknown> | null }).session;
    try {
      if (!session) throw new AuthError("logins are not enabled on this server (no SESSION_KEY)");
      session.username = (await auth.loginWithToken(token)).username;
      ctx.redirect("/");
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      ctx.redirect(`/login?error=${encodeURIComponent(error.message)}`);
    }
  });
  const logout: Koa.Middleware = (ctx) => {
    (ctx as unknown as { session: unknown }).session = null;
    ctx.redirect("/login");
  };
  router.get("/logout", logout);
  router.post("/logout", logout);
}
