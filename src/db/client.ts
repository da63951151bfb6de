import { PrismaClient } from "./generated/prisma/client.js";
import { sqliteAdapterFactory } from "./adapter.js";

export type { PrismaClient };

/** The Prisma client for one SQLite database file. */
export function createPrismaClient(file: string): PrismaClient {
  return new PrismaClient({ adapter: sqliteAdapterFactory(file) });
}
