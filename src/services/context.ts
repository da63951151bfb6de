import type { AuthUser } from "../auth/user.js";
import type { Config } from "../config/load.js";
import type { PrismaClient } from "../db/client.js";
import type { Logger } from "../log.js";

/** What every service function needs; built once by createApp and passed down, never global. */
export interface ServiceContext {
  prisma: PrismaClient;
  config: Config;
  logger: Logger;
}

/** A service call on behalf of someone: what they may see is decided from `user`. */
export interface RequestContext extends ServiceContext {
  user: AuthUser;
}

/** A request the caller got wrong: REST answers 400/422, GraphQL an error with this message. */
export class InputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 | 422 = 400,
  ) {
    super(message);
  }
}
