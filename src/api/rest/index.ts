import Router from "@koa/router";
import type Koa from "koa";
import type { Authenticator } from "../../auth/auth.js";
import type { ServiceContext } from "../../services/context.js";
import { InputError } from "../../services/context.js";
import { clusterRoutes } from "./clusters.js";
import { configRoutes } from "./config.js";
import { jobRoutes } from "./jobs.js";
import { userRoutes } from "./users.js";

/**
 * cc-backend's REST API under /api/ (described in api/openapi.yaml). Unknown paths below /api/ get a
 * JSON 404 and known paths with another method a JSON 405, never the web UI.
 */
export function restApi(services: ServiceContext, auth: Authenticator): Koa.Middleware {
  const router = new Router({ prefix: "/api" });
  jobRoutes(router, services);
  userRoutes(router, services, auth);
  configRoutes(router, services);
  clusterRoutes(router, services);
  const routes = router.routes() as Koa.Middleware;
  const allowedMethods = router.allowedMethods() as Koa.Middleware;
  return async (ctx, next) => {
    if (ctx.path !== "/api" && !ctx.path.startsWith("/api/")) return next();
    await routes(ctx, () => allowedMethods(ctx, async () => {}));
    if (ctx.status === 405 && !ctx.body) {
      ctx.status = 405;
      ctx.body = { status: "Method Not Allowed", error: `method ${ctx.method} is not allowed for ${ctx.path} (allowed: ${ctx.response.get("Allow")})` };
    } else if (ctx.status === 404 && !ctx.body) {
      throw new InputError(`no such API route: ${ctx.method} ${ctx.path}`, 404);
    }
  };
}
