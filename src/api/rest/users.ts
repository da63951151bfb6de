import type Router from "@koa/router";
import type Koa from "koa";
import type { Authenticator } from "../../auth/auth.js";
import { requireRole, requireUser } from "../../server/auth.js";
import type { ServiceContext } from "../../services/context.js";
import { createUser, listUsers, removeUser, tokenForUser, updateUser, validRoles, type UserChange } from "../../services/user-admin.js";
import { booleanQuery, onlyQuery, queryValues, readForm, sendJson, sendText } from "./http.js";
import { schemaValidator, type Schemas } from "./openapi.js";

function userChange(form: Schemas["UpdateUserForm"]): UserChange {
  if (form["add-role"] !== undefined) return { addRole: form["add-role"] };
  if (form["remove-role"] !== undefined) return { removeRole: form["remove-role"] };
  if (form["add-project"] !== undefined) return { addProject: form["add-project"] };
  return { removeProject: form["remove-project"]! };
}

/** Tokens, roles and users (cc-backend's /api/jwt/, /api/roles/, /api/users/, /api/user/{id}). */
export function userRoutes(router: Router, services: ServiceContext, auth: Authenticator): void {
  const admin = requireRole("admin");
  const jwtForm = schemaValidator("JwtForm");
  const createForm = schemaValidator("CreateUserForm");
  const deleteForm = schemaValidator("DeleteUserForm");
  const updateForm = schemaValidator("UpdateUserForm");

  const jwt: Koa.Middleware = async (ctx) => {
    const form = await readForm(ctx, jwtForm);
    sendText(ctx, 200, await tokenForUser(services.prisma, auth, ctx.state.user!, form.username));
  };
  router.get("/jwt/", requireUser(), jwt);
  router.post("/jwt/", requireUser(), jwt);

  const roles: Koa.Middleware = (ctx) => {
    sendJson(ctx, 200, validRoles(ctx.state.user!) satisfies Schemas["RoleList"]);
  };
  router.get("/roles/", admin, roles);
  router.post("/roles/", admin, roles);

  router.get("/users/", admin, async (ctx) => {
    const query = queryValues(ctx);
    onlyQuery(query, ["not-just-user"]);
    sendJson(ctx, 200, (await listUsers(services.prisma, booleanQuery(query, "not-just-user"))) satisfies Schemas["User"][]);
  });

  const create: Koa.Middleware = async (ctx) => {
    const form = await readForm(ctx, createForm);
    await createUser(services.prisma, form);
    sendText(ctx, 200, `User ${form.username} successfully created!\n`);
  };
  router.post("/users/", admin, create);
  router.put("/users/", admin, create);

  router.delete("/users/", admin, async (ctx) => {
    const form = await readForm(ctx, deleteForm);
    await removeUser(services.prisma, form.username);
    sendText(ctx, 200, `User ${form.username} successfully deleted\n`);
  });

  router.post("/user/:id", admin, async (ctx) => {
    const form = await readForm(ctx, updateForm);
    sendText(ctx, 200, await updateUser(services.prisma, String(ctx.params.id), userChange(form)));
  });
}
