import { InputError, type RequestContext } from "./context.js";
import { findUser } from "./users.js";

const KEY = /^[A-Za-z0-9_.:-]{1,255}$/;
export const MAX_SETTING_BYTES = 64 * 1024;

/**
 * POST /api/configuration/: stores one UI setting of the calling user (table `configuration`). The
 * value must be JSON text, since the web UI parses what it reads back. The user needs an account in
 * the database (a token for a name without one, or the anonymous user, gets 422).
 */
export async function saveUserSetting(ctx: RequestContext, key: string, value: string): Promise<void> {
  if (!KEY.test(key)) throw new InputError(`invalid configuration key ${JSON.stringify(key)}: letters, digits and _ . : - only`);
  if (Buffer.byteLength(value) > MAX_SETTING_BYTES) throw new InputError(`configuration value is larger than ${MAX_SETTING_BYTES} bytes`);
  try {
    JSON.parse(value);
  } catch {
    throw new InputError(`configuration value for "${key}" is not valid JSON`);
  }
  const username = ctx.user.username;
  if (!(await findUser(ctx.prisma, username))) throw new InputError(`user "${username}" has no account in the database to store settings in`, 422);
  await ctx.prisma.configuration.upsert({
    where: { username_confkey: { username, confkey: key } },
    create: { username, confkey: key, value },
    update: { value },
  });
}

/**
 * The web UI's settings for the calling user, as cc-backend's templates hand them to the frontend:
 * the config's ui-defaults, overlaid with the user's own rows of `configuration` (JSON values; a row
 * that does not parse is left out, as cc-backend ignores it).
 */
export async function userSettings(ctx: RequestContext): Promise<Record<string, unknown>> {
  const settings: Record<string, unknown> = { ...ctx.config["ui-defaults"] };
  if (ctx.user.via === "anonymous") return settings;
  const rows = await ctx.prisma.configuration.findMany({ where: { username: ctx.user.username } });
  for (const row of rows) {
    if (row.value == null) continue;
    try {
      settings[row.confkey] = JSON.parse(row.value);
    } catch {
      // not JSON: skipped
    }
  }
  return settings;
}
