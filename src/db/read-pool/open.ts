import { openMysqlPool, openPostgresPool } from "../connect.js";
import type { DatabaseLocation } from "../dsn.js";
import type { Logger } from "../../log.js";
import { defaultReadPoolSize, ReadPool } from "./pool.js";
import { MysqlReadExecutor, PostgresReadExecutor } from "./server-executor.js";

/** The read pool of a configured database: SQLite worker threads, or a pool of server connections. */
export async function openReadPool(location: DatabaseLocation, options: { size?: number; logger?: Logger } = {}): Promise<ReadPool> {
  const size = defaultReadPoolSize(options.size);
  const onError = (error: Error) => options.logger?.warn(`database connection lost: ${error.message}`);
  switch (location.driver) {
    case "sqlite3":
      return new ReadPool(location.file, { size, logger: options.logger });
    case "mysql":
      return new ReadPool(new MysqlReadExecutor(await openMysqlPool(location, { connectionLimit: size, onError }), size));
    case "postgres":
      return new ReadPool(new PostgresReadExecutor(await openPostgresPool(location, { connectionLimit: size, onError }), size));
  }
}
