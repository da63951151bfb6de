import type { EventEmitter } from "node:events";
import { PrismaMariaDb } from "@prisma/adapter-mariadb";
import mariadb from "mariadb";
import pg from "pg";
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
 * On a server the pool is made here, with a handler for the errors of idle connections (a database
 * restart): without one such an error would end the process.
 */
export function openPrismaClient(location: DatabaseLocation, onError: (error: Error) => void = () => {}): PrismaClient {
  switch (location.driver) {
    case "sqlite3":
      return createPrismaClient(location.file);
    case "postgres": {
      const pool = new pg.Pool({ connectionString: location.connectionString });
      pool.on("error", onError);
      return endingPool(new PostgresPrismaClient({ adapter: new PrismaPg(pool) }) as unknown as PrismaClient, () => pool.end());
    }
    case "mysql": {
      const where = location.socketPath === undefined ? { host: location.host, port: location.port } : { socketPath: location.socketPath };
      // Times in UTC, as SQLite and PostgreSQL keep them: the adapter reads DATETIME as text in the session's zone.
      const pool = mariadb.createPool({ ...where, user: location.user, password: location.password, database: location.database, timezone: "Z" });
      (pool as unknown as EventEmitter).on("error", onError);
      return endingPool(new MysqlPrismaClient({ adapter: new PrismaMariaDb(pool) }) as unknown as PrismaClient, () => pool.end());
    }
  }
}

/**
 * $disconnect() also ends the pool: the adapter only disposes what it has used, and a pool that
 * keeps its connections (mariadb opens them at once) would keep the process alive.
 */
function endingPool(client: PrismaClient, end: () => Promise<void>): PrismaClient {
  const disconnect = client.$disconnect.bind(client);
  let ended: Promise<void> | undefined;
  client.$disconnect = async () => {
    await disconnect();
    await (ended ??= end().catch(() => undefined));
  };
  return client;
}
