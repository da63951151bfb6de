import path from "node:path";
import Router from "@koa/router";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import Koa from "koa";
import { createGraphqlServer, GRAPHQL_ENDPOINT } from "../api/graphql/yoga.js";
import { restApi } from "../api/rest/index.js";
import { swaggerRoutes } from "../api/rest/swagger.js";
import { projectRoot } from "../db/migrate/migration-files.js";
import type { ServiceContext } from "../services/context.js";
import type { Authenticator } from "../auth/auth.js";
import { metricStoreRoutes, type MetricStore } from "../metricdata/internal/index.js";
import { authenticate, loginRoutes, requireRole, requireUser, sameOriginForCookies, sessions } from "./auth.js";
import { errorHandler } from "./errors.js";
import { createServerMetrics } from "./metrics.js";
import { securityHeaders } from "./security-headers.js";
import { webUi } from "./web.js";

export interface AppOptions {
  /** Serve GraphQL Playground at /playground and Swagger UI at /swagger/ (the --dev flag). */
  dev?: boolean;
  /** The built web UI; defaults to dist/web of this package. Set to false to serve no UI. */
  webRoot?: string | false;
  /** SESSION_KEY from .env; required unless authentication is disabled. */
  sessionKey?: string;
  /** Served over HTTPS: session cookies get the Secure flag. */
  secure?: boolean;
  /** The embedded metric store, served at /api/write and /api/query (role api). */
  metricStore?: MetricStore;
}

const METRIC_STORE_PATHS = new Set(["/api/write", "/api/write/", "/api/query", "/api/query/"]);

export const DEFAULT_WEB_ROOT = path.join(projectRoot, "dist", "web");

/** The HTTP application with every dependency passed in, so tests build their own. */
export function createApp(services: ServiceContext, auth: Authenticator, options: AppOptions = {}): Koa {
  const app = new Koa();
  app.proxy = false;
  // Koa prints errors it sees outside the handler chain (clients that hang up mid-response) to stderr;
  // they are not server faults, so they go to the debug log.
  app.silent = true;
  app.on("error", (error: Error) => services.logger.debug({ err: error }, "connection error"));
  const yoga = createGraphqlServer(services);
  const router = new Router();

  const graphql: Koa.Middleware = async (ctx) => {
    const response = await yoga.handleNodeRequestAndResponse(ctx.req, ctx.res, { user: ctx.state.user! });
    ctx.status = response.status;
    response.headers.forEach((value, key) => ctx.append(key, value));
    ctx.body = response.body;
  };
  router.all(GRAPHQL_ENDPOINT, requireUser(), graphql);
  loginRoutes(router, auth);
  if (options.dev) {
    router.get("/playground", async (ctx) => {
      ctx.type = "html";
      ctx.body = renderGraphiQL({
        endpoint: GRAPHQL_ENDPOINT,
        title: "cc-backend GraphQL Playground",
      });
    });
    swaggerRoutes(router);
  }
  router.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  // Prometheus metrics, public like /healthz: no secrets, no user data (see metrics.ts).
  const metrics = createServerMetrics({ archiving: services.archiving, reader: services.reader, metricStore: options.metricStore });
  router.get("/metrics", metrics.handler);

  app.use(metrics.middleware);
  app.use(errorHandler(services.logger));
  app.use(securityHeaders());
  app.use(sessions(app, auth, options.sessionKey, options.secure ?? false));
  app.use(sameOriginForCookies());
  app.use(authenticate(auth));
  if (options.metricStore) {
    // Line protocol in, cc-metric-store queries out: for collectors and tools holding an api token.
    const metricRoutes = metricStoreRoutes(options.metricStore).routes() as unknown as Koa.Middleware;
    const guard = requireRole("api");
    app.use((ctx, next) => (METRIC_STORE_PATHS.has(ctx.path) ? guard(ctx, () => metricRoutes(ctx, next)) : next()));
  }
  app.use(restApi(services, auth));
  app.use(router.routes());
  app.use(router.allowedMethods());
  const webRoot = options.webRoot ?? DEFAULT_WEB_ROOT;
  if (webRoot !== false) app.use(webUi(webRoot));
  return app;
}
