import { UnavailableError } from "../unavailable.js";

/**
 * Errors that mean the connection to the database server went away (the server restarted, a network
 * blip, an administrator killed it) rather than that the statement was wrong.
 */
const LOST_CODES = new Set([
  "ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT",
  // mariadb driver
  "ER_SOCKET_UNEXPECTED_CLOSE", "ER_CONNECTION_ALREADY_CLOSED", "ER_CLOSING_POOL", "ER_GET_CONNECTION_TIMEOUT", "ER_CONNECTION_KILLED", "ER_SERVER_SHUTDOWN", "ER_CMD_CONNECTION_CLOSED",
  // PostgreSQL SQLSTATEs: admin shutdown, crash shutdown, cannot connect now, connection exceptions
  "57P01", "57P02", "57P03", "08000", "08003", "08006",
]);
/** MySQL: server shutdown, connection killed, server gone, lost connection. */
const LOST_ERRNOS = new Set([1053, 1927, 2006, 2013]);

export function isConnectionLost(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown };
  if (typeof e.code === "string" && LOST_CODES.has(e.code)) return true;
  if (typeof e.errno === "number" && LOST_ERRNOS.has(e.errno)) return true;
  // pg's errors for a connection that ended have no code.
  return typeof e.message === "string" && /^Connection terminated/.test(e.message);
}

/** What a request gets when the database connection went away under it: 503, nothing half-answered. */
export function connectionLostError(error: unknown): UnavailableError {
  return new UnavailableError(`the database connection was lost (${String((error as Error).message ?? error).split("\n")[0]}); try again`);
}

/** A pool's handler for errors of its idle connections (a database restart): a warning in the log. */
export function logConnectionLost(logger: { warn(message: string): void } | undefined): (error: Error) => void {
  return (error) => logger?.warn(`database connection lost: ${error.message}`);
}
