import { AuthError } from "../../../auth/auth.js";
import { hasAnyRole } from "../../../auth/user.js";
import { saveUserSetting, userSettings } from "../../../services/configuration.js";
import { builder } from "../builder.js";
import { loaders } from "../loaders.js";

export const UserType = builder.prismaObject("User", {
  fields: (t) => ({
    username: t.exposeString("username"),
    name: t.string({ resolve: (user) => user.name ?? "" }),
    email: t.string({ resolve: (user) => user.email ?? "" }),
  }),
});

builder.queryField("user", (t) =>
  t.field({
    type: UserType,
    nullable: true,
    args: { username: t.arg.string({ required: true }) },
    resolve: (_root, { username }, ctx) => {
      // As cc-backend: your own account, or anyone's for admins, support and managers.
      if (username !== ctx.user.username && ctx.user.via !== "anonymous" && !hasAnyRole(ctx.user, ["admin", "support", "manager"])) {
        throw new AuthError("forbidden: you may only look up your own user", 403);
      }
      return loaders(ctx).user.load(username);
    },
  }),
);

builder.mutationField("updateConfiguration", (t) =>
  t.string({
    nullable: true,
    args: { name: t.arg.string({ required: true }), value: t.arg.string({ required: true }) },
    resolve: async (_root, { name, value }, ctx) => {
      await saveUserSetting(ctx, name, value);
      return null;
    },
  }),
);

interface CurrentUser {
  username: string;
  name: string;
  roles: string[];
  projects: string[];
}

const CurrentUserType = builder.objectRef<CurrentUser>("CurrentUser").implement({
  description: "Who is logged in, for the web UI's navigation by role (beyond cc-backend v1.0's schema).",
  fields: (t) => ({
    username: t.exposeString("username"),
    name: t.exposeString("name"),
    roles: t.exposeStringList("roles"),
    projects: t.exposeStringList("projects"),
  }),
});

builder.queryField("currentUser", (t) =>
  t.field({
    type: CurrentUserType,
    resolve: (_root, _args, ctx) => ({
      username: ctx.user.username,
      name: ctx.user.name ?? "",
      // With authentication disabled everyone may do everything; the UI shows every view.
      roles: ctx.user.via === "anonymous" ? ["admin"] : [...ctx.user.roles],
      projects: [...ctx.user.projects],
    }),
  }),
);

builder.queryField("userSettings", (t) =>
  t.field({
    type: "Any",
    description: "The web UI settings of who is logged in: ui-defaults overlaid with their own updateConfiguration values (beyond cc-backend v1.0's schema).",
    resolve: (_root, _args, ctx) => userSettings(ctx),
  }),
);
