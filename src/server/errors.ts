import type Koa from "koa";
import type { Logger } from "../log.js";
import { AuthError } from "../auth/auth.js";
import { InputError, UnavailableError } from "../services/context.js";

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
      // A missing server part (503) is named to the caller; it is no secret and tells them to wait or ask.
      const shown = (expose && status < 500) || error instanceof UnavailableError;
      if (!shown) logger.error({ err: error, path: ctx.path }, "request failed");
      else if (status >= 500) logger.warn({ path: ctx.path }, (error as Error).message);
      ctx.status = shown ? status : 500;
      ctx.body = {
        status: statusText(ctx.status),
        error: shown ? (error as Error).message : "internal server error",
      };
    }
  };
}

function statusText(status: number): string {
  const texts: Record<number, string> = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };
  return texts[status] ?? "Error";
}
