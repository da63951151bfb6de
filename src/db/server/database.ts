import type { Pool as MysqlPool } from "mariadb";
import type pg from "pg";
import { connectWithBackoff, openMysqlPool, openPostgresPool, type MysqlLocation, type PoolOptions, type PostgresLocation } from "../connect.js";
import { MYSQL, POSTGRES, type SqlDialect } from "../sql/dialect.js";
import { numberedPlaceholders } from "../sql/placeholders.js";

/**
 * A MariaDB/MySQL or PostgreSQL server as the read pool and the job writer use it: connections that
 * run the SQL all engines share, and the few steps the two servers spell differently. Everything
 * above this (snapshots, transactions, retries) is written once, in read-executor.ts and job-writer.ts.
 */

export type Row = Record<string, unknown>;

export interface ServerResult {
  rows: Row[];
  /** Rows an UPDATE, DELETE or INSERT changed. */
  changes: number;
}

/** One pooled connection, for one snapshot or transaction. */
export interface ServerConnection {
  query(sql: string, params?: readonly unknown[]): Promise<ServerResult>;
  /** INSERT of one row into a table with an `id` key: the new id. */
  insert(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Until the transaction ends no other transaction gets `key`; what must run after it ends. */
  lock(key: string): Promise<(() => Promise<unknown>) | undefined>;
  /** Back to the pool; a connection that could not even roll back (`broken`) is dropped. */
  release(broken?: Error): Promise<void>;
}

export interface ServerDatabase {
  readonly dialect: SqlDialect;
  /** Starts a read-only transaction whose statements all see one snapshot. */
  readonly beginSnapshot: string;
  connect(): Promise<ServerConnection>;
  close(): Promise<void>;
}

/** Seconds a transaction waits for a key another one holds (cf. SQLite's busy timeout). */
const LOCK_WAIT_SECONDS = 5;

function lockTimeout(key: string): Error {
  return Object.assign(new Error(`database is busy: no lock on ${key} within ${LOCK_WAIT_SECONDS} s`), { code: "SQLITE_BUSY" });
}

export function mysqlDatabase(pool: MysqlPool): ServerDatabase {
  return {
    dialect: MYSQL,
    beginSnapshot: "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY",
    async connect() {
      const connection = await pool.getConnection();
      // With parameters, prepared on the server: the driver's own placeholder parser would read the
      // standard string '\' (LIKE ... ESCAPE) as an unterminated MySQL escape.
      const run = async (sql: string, params: readonly unknown[] = []) =>
        (params.length > 0 ? connection.execute(sql, params as unknown[]) : connection.query(sql)) as Promise<Row[] | { affectedRows: number; insertId: number | bigint }>;
      return {
        async query(sql, params) {
          const result = await run(sql, params);
          return Array.isArray(result) ? { rows: [...result], changes: 0 } : { rows: [], changes: Number(result.affectedRows) };
        },
        async insert(sql, params) {
          return Number(((await run(sql, params)) as { insertId: number | bigint }).insertId);
        },
        // Named locks belong to the connection, not the transaction: released once it has ended.
        async lock(key) {
          const name = `ccb:${key}`.slice(0, 64);
          const [row] = (await run("SELECT GET_LOCK(?, ?) AS got", [name, LOCK_WAIT_SECONDS])) as Row[];
          if (Number(row?.got) !== 1) throw lockTimeout(key);
          return () => run("SELECT RELEASE_LOCK(?)", [name]);
        },
        async release() {
          await connection.release();
        },
      };
    },
    close: () => pool.end(),
  };
}

export function postgresDatabase(pool: pg.Pool): ServerDatabase {
  return {
    dialect: POSTGRES,
    beginSnapshot: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    async connect() {
      const client = await pool.connect();
      // The pool listens for errors of idle clients only: one that dies while checked out (between
      // the statements of a transaction) would emit an unhandled "error" and end the process. Kept,
      // it fails the next statement as a lost connection, and the release drops the client.
      let died: Error | undefined;
      const onError = (error: Error) => void (died ??= error);
      client.on("error", onError);
      const run = async (sql: string, params: readonly unknown[] = []) => {
        if (died) throw died;
        return client.query({ text: numberedPlaceholders(sql), values: params as unknown[] });
      };
      return {
        async query(sql, params) {
          const result = await run(sql, params);
          return { rows: result.rows as Row[], changes: result.rowCount ?? 0 };
        },
        async insert(sql, params) {
          return Number((await run(`${sql} RETURNING id`, params)).rows[0]?.id);
        },
        // Advisory transaction locks end with the transaction by themselves.
        async lock(key) {
          await run(`SET LOCAL lock_timeout = '${LOCK_WAIT_SECONDS}s'`);
          await run("SELECT pg_advisory_xact_lock(hashtext(?))", [key]);
          return undefined;
        },
        async release(broken) {
          client.off("error", onError);
          client.release(broken ?? died);
        },
      };
    },
    close: () => pool.end(),
  };
}

/** Tries while a database server is unreachable (it may still be starting), about half a minute. */
const CONNECT_BACKOFF = { attempts: 6, firstDelayMs: 1000 } as const;

/** A configured database server, its pool opened (with retries while it is unreachable when `logger` is given). */
export async function openServerDatabase(location: MysqlLocation | PostgresLocation, options: PoolOptions & { retryLog?: { warn(message: string): void } } = {}): Promise<ServerDatabase> {
  const open = async () => (location.driver === "mysql" ? mysqlDatabase(await openMysqlPool(location, options)) : postgresDatabase(await openPostgresPool(location, options)));
  return options.retryLog ? connectWithBackoff(open, { ...CONNECT_BACKOFF, log: options.retryLog }) : open();
}
