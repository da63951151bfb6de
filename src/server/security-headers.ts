import type Koa from "koa";

/** Headers every response carries; HSTS only where the connection is HTTPS. */
export function securityHeaders(): Koa.Middleware {
  return async (ctx, next) => {
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Referrer-Policy", "same-origin");
    ctx.set("X-Frame-Options", "DENY");
    if (!ctx.get("Content-Security-Policy")) ctx.set("Content-Security-Policy", "frame-ancestors 'none'");
    if (ctx.secure) ctx.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    await next();
  };
}
