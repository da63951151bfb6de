import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type Koa from "koa";
import serve from "koa-static";

/** Paths the single-page app answers itself (cc-backend v1.0's page routes). */
const PAGE_ROUTES = /^\/(monitoring(\/.*)?|login|logout|config|imprint|privacy)?\/?$/;

/**
 * Serves the built SolidJS app: hashed assets from the build folder, and index.html for every page
 * route so that deep links like /monitoring/job/42 load the app.
 */
export function webUi(root: string): Koa.Middleware {
  const indexFile = path.join(root, "index.html");
  if (!existsSync(indexFile)) {
    throw new Error(`web UI not built: ${indexFile} is missing (run npm run build)`);
  }
  const index = readFileSync(indexFile);
  const assets = serve(root, { index: false, maxage: 365 * 24 * 3600 * 1000, immutable: true });
  return async (ctx, next) => {
    if ((ctx.method === "GET" || ctx.method === "HEAD") && PAGE_ROUTES.test(ctx.path)) {
      ctx.type = "html";
      ctx.set("Cache-Control", "no-cache");
      ctx.body = index;
      return;
    }
    await assets(ctx, next);
  };
}
