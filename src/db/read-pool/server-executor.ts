import type { Pool as MysqlPool, PoolConnection as MysqlConnection } from "mariadb";
import type pg from "pg";
import { connectionLostError, isConnectionLost } from "../connection-lost.js";
import { MYSQL, POSTGRES } from "../sql/dialect.js";
import { numberedPlaceholders } from "../sql/placeholders.js";
import { ReadQueryError, type ReadExecutor } from "./executor.js";
import type { ReadStatement } from "./protocol.js";

type Row = Record<string, unknown>;

function shape(rows: Row[], statement: ReadStatement): unknown {
  switch (statement.mode ?? "all") {
    case "get":
      return rows[0];
    case "pluck":
      return rows.map((row) => Object.values(row)[0]);
    default:
      return rows;
  }
}

function queryError(error: unknown): ReadQueryError {
  const e = error as { message?: string; code?: unknown };
  return new ReadQueryError(String(e.message ?? error), typeof e.code === "string" ? e.code : undefined);
}

/**
 * Reads are safe to repeat: one whose connection went away (the server restarted, say) is tried once
 * more on a fresh connection before the request gets a 503.
 */
async function readTwice(attempt: () => Promise<unknown[]>): Promise<unknown[]> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!isConnectionLost(error)) throw queryError(error);
      if (tries >= 2) throw connectionLostError(error);
    }
  }
}

/**
 * Reads on a MariaDB/MySQL pool. A server runs queries concurrently by itself; the read pool's lanes
 * still decide which request gets the next connection. Several statements share one consistent snapshot.
 */
export class MysqlReadExecutor implements ReadExecutor {
  readonly dialect = MYSQL;

  constructor(
    private readonly pool: MysqlPool,
    readonly size: number,
  ) {}

  run(_slot: number, statements: ReadStatement[]): Promise<unknown[]> {
    return readTwice(() => this.attempt(statements));
  }

  private async attempt(statements: ReadStatement[]): Promise<unknown[]> {
    let connection: MysqlConnection | undefined;
    try {
      connection = await this.pool.getConnection();
      const snapshot = statements.length > 1;
      if (snapshot) await connection.query("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      const results: unknown[] = [];
      for (const statement of statements) {
        // Prepared on the server: the driver's placeholder parser would misread the standard '\\'.
        const rows = (await connection.execute(statement.sql, statement.params ?? [])) as Row[];
        results.push(shape([...rows], statement));
      }
      if (snapshot) await connection.query("COMMIT");
      return results;
    } catch (error) {
      // A connection that failed mid-transaction is not handed back half-way through it.
      await connection?.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      await connection?.release().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Reads on a PostgreSQL pool; several statements share one REPEATABLE READ snapshot. */
export class PostgresReadExecutor implements ReadExecutor {
  readonly dialect = POSTGRES;

  constructor(
    private readonly pool: pg.Pool,
    readonly size: number,
  ) {}

  run(_slot: number, statements: ReadStatement[]): Promise<unknown[]> {
    return readTwice(() => this.attempt(statements));
  }

  private async attempt(statements: ReadStatement[]): Promise<unknown[]> {
    let client: pg.PoolClient | undefined;
    let broken: Error | undefined;
    try {
      client = await this.pool.connect();
      const snapshot = statements.length > 1;
      if (snapshot) await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      const results: unknown[] = [];
      for (const statement of statements) {
        const result = await client.query({ text: numberedPlaceholders(statement.sql), values: (statement.params ?? []) as unknown[] });
        results.push(shape(result.rows as Row[], statement));
      }
      if (snapshot) await client.query("COMMIT");
      return results;
    } catch (error) {
      await client?.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw error;
    } finally {
      client?.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
