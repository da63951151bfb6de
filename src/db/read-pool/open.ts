import { logConnectionLost } from "../connection-lost.js";
import type { DatabaseLocation } from "../dsn.js";
import type { Logger } from "../../log.js";
import { openServerDatabase } from "../server/database.js";
import { ServerReadExecutor } from "../server/read-executor.js";
import { defaultReadPoolSize, ReadPool } from "./pool.js";

/** The read pool of a configured database: SQLite worker threads, or a pool of server connections. */
export async function openReadPool(location: DatabaseLocation, options: { size?: number; logger?: Logger } = {}): Promise<ReadPool> {
  const size = defaultReadPoolSize(options.size);
  if (location.driver === "sqlite3") return new ReadPool(location.file, { size, logger: options.logger });
  const onError = logConnectionLost(options.logger);
  return new ReadPool(new ServerReadExecutor(await openServerDatabase(location, { connectionLimit: size, onError }), size));
}
