import type Koa from "koa";
import type { Logger } from "../log.js";
import { AuthError } from "../auth/auth.js";
import { InputError } from "../services/context.js";

/**
 * The one error writer: errors callers caused keep their status and message; anything unexpected is
 * logged once and answered with a generic 500. Bodies use cc-backend's REST error shape.
 */
export function errorHandler(logger: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof InputError || error instanceof AuthError;
      const expose = known || (error as { expose?: boolean }).expose === true;
      const status = known ? error.status : ((error as { status?: number }).status ?? 500);
      if (!expose || status >= 500) logger.error({ err: error, path: ctx.path }, "request failed");
      ctx.status = expose && status < 500 ? status : 500;
      ctx.body = {
        status: ctx.status === 500 ? "Internal Server Error" : statusText(ctx.status),
        error: expose && status < 500 ? (error as Error).message : "internal server error",
      };
    }
  };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests" };
  return texts[status] ?? "Error";
}
