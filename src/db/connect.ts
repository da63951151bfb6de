import type { EventEmitter } from "node:events";
import mariadb, { type ConnectionConfig, type Pool as MysqlPool } from "mariadb";
import pg from "pg";
import { describeDatabase, type DatabaseLocation } from "./dsn.js";

/**
 * Opening MariaDB/MySQL and PostgreSQL connection pools, with the driver's failures turned into
 * messages an operator can act on. A pool is only handed out after a query has worked, so a bad
 * config fails at startup rather than on the first request. No message contains the password.
 */

export type MysqlLocation = Extract<DatabaseLocation, { driver: "mysql" }>;
export type PostgresLocation = Extract<DatabaseLocation, { driver: "postgres" }>;

/**
 * unreachable: nothing answered (or it is not ready yet), worth retrying; the others are answers from
 * the server that retrying cannot change.
 */
export type ConnectFailure = "unreachable" | "access-denied" | "unknown-database" | "failed";

export class DatabaseConnectError extends Error {
  override name = "DatabaseConnectError";
  constructor(
    message: string,
    readonly reason: ConnectFailure,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get retryable(): boolean {
    return this.reason === "unreachable";
  }
}

export interface PoolOptions {
  /** Most connections the pool opens (default 10). */
  connectionLimit?: number;
  /** How long one connection attempt may take before the server counts as unreachable (default 5000). */
  connectTimeoutMs?: number;
  /** Errors of idle pooled connections (a server restart, say); without a handler they would crash the process. */
  onError?: (error: Error) => void;
}

const DEFAULT_CONNECTION_LIMIT = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

/** Socket-level codes that mean no server answered at that address. */
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET", "EPIPE", "ENOENT", "ER_CONNECTION_TIMEOUT", "ER_SOCKET_TIMEOUT"]);

const MYSQL_ACCESS_DENIED = new Set([1045, 1698, 1130]); // wrong password, no password allowed, host not allowed
const MYSQL_DATABASE_ACCESS_DENIED = 1044;
const MYSQL_UNKNOWN_DATABASE = 1049;
const MYSQL_TOO_MANY_CONNECTIONS = new Set([1040, 1203]);

const PG_ACCESS_DENIED = new Set(["28P01", "28000"]);
const PG_UNKNOWN_DATABASE = "3D000";
/** Starting up, shutting down, too many clients: the server will take connections again soon. */
const PG_TRY_AGAIN = new Set(["57P03", "57P01", "53300"]);

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  errors?: unknown;
}

/** The driver errors worth classifying: the error itself and what it wraps (Node's AggregateError for several addresses, causes). */
function errorChain(error: unknown): DriverError[] {
  const chain: DriverError[] = [];
  const visit = (e: unknown, depth: number) => {
    if (typeof e !== "object" || e === null || depth > 4) return;
    const d = e as DriverError & { cause?: unknown };
    chain.push(d);
    if (Array.isArray(d.errors)) for (const inner of d.errors) visit(inner, depth + 1);
    visit(d.cause, depth + 1);
  };
  visit(error, 0);
  return chain;
}

/**
 * The driver's own words, with the password cut out should a driver ever echo it (none is known to;
 * very short passwords are left alone, as cutting them would mangle ordinary words).
 */
function detail(error: unknown, password: string): string {
  const messages = [...new Set(errorChain(error).map((e) => String(e.message ?? "").trim()).filter(Boolean))];
  const text = messages.join("; ") || String(error);
  return password.length < 4 ? text : text.split(password).join("***");
}

function postgresPassword(loc: PostgresLocation): string {
  try {
    return decodeURIComponent(new URL(loc.connectionString).password);
  } catch {
    return "";
  }
}

/** A driver error (from connecting and a first query) as a DatabaseConnectError. */
export function toConnectError(error: unknown, loc: MysqlLocation | PostgresLocation): DatabaseConnectError {
  if (error instanceof DatabaseConnectError) return error;
  const where = describeDatabase(loc);
  const why = detail(error, loc.driver === "mysql" ? loc.password : postgresPassword(loc));
  const chain = errorChain(error);
  const codes = new Set(chain.map((e) => e.code).filter((c): c is string => typeof c === "string"));
  const errnos = new Set(chain.map((e) => e.errno).filter((n): n is number => typeof n === "number"));
  const has = <V>(known: ReadonlySet<V>, found: ReadonlySet<V>) => [...found].some((v) => known.has(v));
  const fail = (message: string, reason: ConnectFailure) => new DatabaseConnectError(message, reason, { cause: error });

  if (loc.driver === "mysql") {
    if (has(MYSQL_ACCESS_DENIED, errnos)) return fail(`access denied for user ${loc.user} on ${where}: ${why}`, "access-denied");
    // MySQL answers this, rather than "unknown database", whenever the user has no privileges there.
    if (errnos.has(MYSQL_DATABASE_ACCESS_DENIED)) return fail(`access denied for user ${loc.user} to database ${loc.database} on ${where} (it may not exist, or the user has no privileges on it): ${why}`, "access-denied");
    if (errnos.has(MYSQL_UNKNOWN_DATABASE)) return fail(`database ${loc.database} does not exist on ${where}: ${why}`, "unknown-database");
    if (has(MYSQL_TOO_MANY_CONNECTIONS, errnos)) return fail(`cannot reach ${where}: the server refuses more connections: ${why}`, "unreachable");
  } else {
    if (has(PG_ACCESS_DENIED, codes)) return fail(`access denied for user ${loc.user} on ${where}: ${why}`, "access-denied");
    if (codes.has(PG_UNKNOWN_DATABASE)) return fail(`database ${loc.database} does not exist on ${where}: ${why}`, "unknown-database");
    if (has(PG_TRY_AGAIN, codes)) return fail(`cannot reach ${where}: the server is not accepting connections: ${why}`, "unreachable");
    // pg gives its connect timeout, and a server closing the socket before the handshake, no error code.
    const terminated = chain.find((e) => typeof e.message === "string" && /^Connection terminated (due to connection timeout|unexpectedly)$/.test(e.message));
    if (terminated) return fail(`cannot reach ${where}: ${String(terminated.message)}`, "unreachable");
  }
  if (has(UNREACHABLE_CODES, codes)) return fail(`cannot reach ${where}: ${why}`, "unreachable");
  return fail(`cannot connect to ${where}: ${why}`, "failed");
}

/**
 * Every pooled MySQL connection speaks the SQL the services write for all engines (src/db/sql/dialect.ts):
 * double-quoted identifiers and standard backslashes in strings. Counts and sums come back as numbers.
 */
const MYSQL_SESSION = {
  initSql: "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',ANSI_QUOTES,NO_BACKSLASH_ESCAPES')",
  bigIntAsNumber: true,
  decimalAsNumber: true,
  insertIdAsNumber: true,
} satisfies Partial<ConnectionConfig>;

/** PostgreSQL's counts (bigint) and sums (numeric) as numbers, like the other engines return them. */
const POSTGRES_TYPES = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/** A mariadb pool for a mysql location, after `SELECT 1` worked; works for MariaDB and MySQL servers. */
export async function openMysqlPool(loc: MysqlLocation, options: PoolOptions = {}): Promise<MysqlPool> {
  const config: ConnectionConfig = {
    user: loc.user,
    password: loc.password,
    database: loc.database,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    ...(loc.socketPath === undefined ? { host: loc.host, port: loc.port } : { socketPath: loc.socketPath }),
  };
  // One plain connection first: a pool retries failed connections internally until its acquire
  // timeout and then reports a generic timeout, hiding the server's answer (and taking seconds).
  try {
    const probe = await mariadb.createConnection(config);
    await probe.query("SELECT 1").finally(() => probe.end().catch(() => undefined));
  } catch (error) {
    throw toConnectError(error, loc);
  }
  const pool = mariadb.createPool({ ...config, ...MYSQL_SESSION, connectionLimit: options.connectionLimit ?? DEFAULT_CONNECTION_LIMIT });
  // The pool emits "error" when it fails to refill itself, though its types omit the event; unhandled, it would crash the process.
  (pool as unknown as EventEmitter).on("error", (error: Error) => options.onError?.(error));
  return working(pool, loc);
}

/** The pool once a query on it worked; otherwise it is ended and the failure explained. */
async function working<P extends { query(sql: string): Promise<unknown>; end(): Promise<void> }>(pool: P, loc: MysqlLocation | PostgresLocation): Promise<P> {
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toConnectError(error, loc);
  }
  return pool;
}

/** A pg pool for a postgres location, after `SELECT 1` worked. */
export async function openPostgresPool(loc: PostgresLocation, options: PoolOptions = {}): Promise<pg.Pool> {
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pool = new pg.Pool({ connectionString: loc.connectionString, max: options.connectionLimit ?? DEFAULT_CONNECTION_LIMIT, connectionTimeoutMillis: connectTimeoutMs, types: POSTGRES_TYPES });
  pool.on("error", (error) => options.onError?.(error));
  return working(pool, loc);
}

export interface BackoffOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** Wait before the second try; it doubles for every further one. */
  firstDelayMs: number;
  /** Upper bound for one wait (default 30 s). */
  maxDelayMs?: number;
  /** Told about every failed try that will be retried; a pino logger fits. */
  log?: { warn(message: string): void };
}

/**
 * Calls `open` until it succeeds, waiting ever longer between tries, as long as the failure is one
 * that can go away (the database server is still starting, or briefly unreachable). Refused
 * credentials, a missing database and unclassified errors are thrown at once.
 */
export async function connectWithBackoff<T>(open: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const attempts = Math.max(1, Math.floor(options.attempts));
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (error) {
      if (!(error instanceof DatabaseConnectError) || !error.retryable) throw error;
      if (attempt >= attempts) {
        throw new DatabaseConnectError(`${error.message} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"})`, error.reason, { cause: error });
      }
      const delayMs = Math.min(options.firstDelayMs * 2 ** (attempt - 1), maxDelayMs);
      options.log?.warn(`${error.message}; attempt ${attempt} of ${attempts}, retrying in ${delayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
