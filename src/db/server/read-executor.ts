import { connectionLostError, isConnectionLost } from "../connection-lost.js";
import { ReadQueryError, type ReadExecutor } from "../read-pool/executor.js";
import type { ReadStatement } from "../read-pool/protocol.js";
import type { Row, ServerDatabase } from "./database.js";

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
 * Reads on a database server's pool. The server runs queries concurrently by itself; the read pool's
 * lanes still decide which request gets the next connection. Several statements share one snapshot.
 * Reads are safe to repeat: one whose connection went away (the server restarted, say) is tried once
 * more on a fresh connection before the request gets a 503.
 */
export class ServerReadExecutor implements ReadExecutor {
  constructor(
    private readonly database: ServerDatabase,
    readonly size: number,
  ) {}

  get dialect() {
    return this.database.dialect;
  }

  async run(_slot: number, statements: ReadStatement[]): Promise<unknown[]> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.attempt(statements);
      } catch (error) {
        if (!isConnectionLost(error)) throw queryError(error);
        if (tries >= 2) throw connectionLostError(error);
      }
    }
  }

  private async attempt(statements: ReadStatement[]): Promise<unknown[]> {
    const connection = await this.database.connect();
    const snapshot = statements.length > 1;
    let broken: Error | undefined;
    try {
      if (snapshot) await connection.query(this.database.beginSnapshot);
      const results: unknown[] = [];
      for (const statement of statements) results.push(shape((await connection.query(statement.sql, statement.params)).rows, statement));
      if (snapshot) await connection.query("COMMIT");
      return results;
    } catch (error) {
      // A connection that failed mid-transaction is not handed back half-way through it.
      if (snapshot) await connection.query("ROLLBACK").catch((e: Error) => (broken = e));
      throw error;
    } finally {
      await connection.release(broken).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
