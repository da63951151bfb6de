import { createRequire } from "node:module";
import path from "node:path";
import type Router from "@koa/router";
import serve from "koa-static";
import { openApiText } from "./openapi.js";

const SWAGGER_UI_DIR = path.dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const INITIALIZER = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/swagger/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
};
`;

/**
 * Swagger UI at /swagger/ (only with --dev), from the swagger-ui-dist package — no CDN — showing
 * api/openapi.yaml, served at /swagger/openapi.yaml.
 */
export function swaggerRoutes(router: Router): void {
  const assets = serve(SWAGGER_UI_DIR, { index: "index.html" });
  router.get("/swagger", async (ctx, next) => {
    // The router ignores trailing slashes; only the bare path is redirected.
    if (ctx.path === "/swagger") ctx.redirect("/swagger/");
    else await next();
  });
  router.get("/swagger/openapi.yaml", (ctx) => {
    ctx.type = "application/yaml";
    ctx.body = openApiText();
  });
  router.get("/swagger/swagger-initializer.js", (ctx) => {
    ctx.type = "application/javascript";
    ctx.body = INITIALIZER;
  });
  router.get("/swagger/{*file}", async (ctx, next) => {
    const original = ctx.path;
    ctx.path = original.slice("/swagger".length) || "/";
    try {
      await assets(ctx, next);
    } finally {
      ctx.path = original;
    }
  });
}
