import type { Pool as MysqlPool, PoolConnection as MysqlConnection } from "mariadb";
import type pg from "pg";
import { connectionLostError, isConnectionLost } from "./connection-lost.js";
import { MYSQL, POSTGRES } from "./sql/dialect.js";
import type { JobWriter, SqlTransaction } from "./sql/job-writer.js";
import { numberedPlaceholders } from "./sql/placeholders.js";

/** Seconds a transaction waits for a key another one holds (cf. SQLite's busy timeout). */
const LOCK_WAIT_SECONDS = 5;

type Row = Record<string, unknown>;

/**
 * A write whose connection went away is not repeated (it may have committed just before), but
 * answered with a clear 503; the pool opens a new connection for the next one.
 */
async function writeOnce<T>(attempt: () => Promise<T>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    throw isConnectionLost(error) ? connectionLostError(error) : error;
  }
}

/**
 * Job writes on MariaDB/MySQL: each transaction on its own pooled connection. Keys are named locks
 * (GET_LOCK), released when the transaction ends.
 */
export class MysqlJobWriter implements JobWriter {
  readonly dialect = MYSQL;

  constructor(private readonly pool: MysqlPool) {}

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return writeOnce(() => this.attempt(work));
  }

  private async attempt<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const connection: MysqlConnection = await this.pool.getConnection();
    const locks: string[] = [];
    // Prepared on the server (binary protocol): the driver's own placeholder parser would read the
    // standard string '\' (LIKE ... ESCAPE) as an unterminated MySQL escape.
    const query = (sql: string, params: readonly unknown[] = []) => connection.execute(sql, params as unknown[]);
    const tx: SqlTransaction = {
      dialect: MYSQL,
      all: async <R>(sql: string, params?: readonly unknown[]) => [...((await query(sql, params)) as R[])],
      get: async <R>(sql: string, params?: readonly unknown[]) => ((await query(sql, params)) as R[])[0],
      run: async (sql, params) => Number(((await query(sql, params)) as { affectedRows: number }).affectedRows),
      insert: async (sql, params) => Number(((await query(sql, params)) as { insertId: number | bigint }).insertId),
      lock: async (key) => {
        const name = `ccb:${key}`.slice(0, 64);
        const [row] = (await query("SELECT GET_LOCK(?, ?) AS got", [name, LOCK_WAIT_SECONDS])) as Row[];
        if (Number(row?.got) !== 1) throw Object.assign(new Error(`database is busy: no lock on ${key} within ${LOCK_WAIT_SECONDS} s`), { code: "SQLITE_BUSY" });
        locks.push(name);
      },
    };
    try {
      await connection.beginTransaction();
      try {
        const result = await work(tx);
        await connection.commit();
        return result;
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      }
    } finally {
      for (const name of locks) await connection.query("SELECT RELEASE_LOCK(?)", [name]).catch(() => undefined);
      await connection.release().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Job writes on PostgreSQL: each transaction on its own pooled client; keys are advisory locks. */
export class PostgresJobWriter implements JobWriter {
  readonly dialect = POSTGRES;

  constructor(private readonly pool: pg.Pool) {}

  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    return writeOnce(() => this.attempt(work));
  }

  private async attempt<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const query = (sql: string, params: readonly unknown[] = []) => client.query({ text: numberedPlaceholders(sql), values: params as unknown[] });
    const tx: SqlTransaction = {
      dialect: POSTGRES,
      all: async <R>(sql: string, params?: readonly unknown[]) => (await query(sql, params)).rows as R[],
      get: async <R>(sql: string, params?: readonly unknown[]) => (await query(sql, params)).rows[0] as R | undefined,
      run: async (sql, params) => (await query(sql, params)).rowCount ?? 0,
      insert: async (sql, params) => Number((await query(`${sql} RETURNING id`, params)).rows[0]?.id),
      lock: async (key) => {
        await query(`SET LOCAL lock_timeout = '${LOCK_WAIT_SECONDS}s'`);
        await query("SELECT pg_advisory_xact_lock(hashtext(?))", [key]);
      },
    };
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      try {
        const result = await work(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
