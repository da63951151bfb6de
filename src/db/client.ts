import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.js";
import { PrismaClient as MysqlPrismaClient } from "./generated/mysql/prisma/client.js";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/prisma/client.js";
import { sqliteAdapterFactory } from "./adapter.js";
import type { DatabaseLocation } from "./dsn.js";

export type { PrismaClient };

/** The Prisma client for one SQLite database file. */
export function createPrismaClient(file: string): PrismaClient {
  return new PrismaClient({ adapter: sqliteAdapterFactory(file) });
}

/**
 * The Prisma client for any configured database. The three generated clients have the same models
 * and fields (test/db/provider-schemas.test.ts), so the SQLite client's type stands for all of them.
 */
export function openPrismaClient(location: DatabaseLocation): PrismaClient {
  switch (location.driver) {
    case "sqlite3":
      return createPrismaClient(location.file);
    case "postgres":
      return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: location.connectionString }) }) as unknown as PrismaClient;
    case "mysql": {
      const where = location.socketPath === undefined ? { host: location.host, port: location.port } : { socketPath: location.socketPath };
      // Times in UTC, as SQLite and PostgreSQL keep them: the adapter reads DATETIME as text in the session's zone.
      const adapter = new PrismaMariaDb({ ...where, user: location.user, password: location.password, database: location.database, timezone: "Z" });
      return new MysqlPrismaClient({ adapter }) as unknown as PrismaClient;
    }
  }
}
