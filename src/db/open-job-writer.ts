import type { Logger } from "../log.js";
import { logConnectionLost } from "./connection-lost.js";
import type { DatabaseLocation } from "./dsn.js";
import type { JobWriter } from "./sql/job-writer.js";

/**
 * The job writer of a configured database: SQLite's one writing connection, or a server's pool
 * (opened with retries while the server is unreachable, as it may still be starting).
 */
export async function connectJobWriter(location: DatabaseLocation, logger: Logger): Promise<JobWriter> {
  if (location.driver === "sqlite3") {
    const { openJobWriter, sqliteJobWriter } = await import("./writer.js");
    return sqliteJobWriter(openJobWriter(location.file));
  }
  const { openServerDatabase } = await import("./server/database.js");
  const { ServerJobWriter } = await import("./server/job-writer.js");
  return new ServerJobWriter(await openServerDatabase(location, { onError: logConnectionLost(logger), retryLog: logger }));
}
