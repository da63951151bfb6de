import type Router from "@koa/router";
import { requireUser } from "../../server/auth.js";
import { saveUserSetting } from "../../services/configuration.js";
import type { ServiceContext } from "../../services/context.js";
import { readForm, requestContext, sendText } from "./http.js";
import { schemaValidator } from "./openapi.js";

/** POST /api/configuration/: one UI setting (key, JSON value) of the calling user. */
export function configRoutes(router: Router, services: ServiceContext): void {
  const form = schemaValidator("ConfigurationForm");
  router.post("/configuration/", requireUser(), async (ctx) => {
    const { key, value } = await readForm(ctx, form);
    await saveUserSetting(requestContext(ctx, services), key, value);
    sendText(ctx, 200, "success");
  });
}
