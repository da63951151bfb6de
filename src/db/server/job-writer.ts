import { connectionLostError, isConnectionLost } from "../connection-lost.js";
import type { JobWriter, SqlTransaction } from "../sql/job-writer.js";
import type { ServerDatabase } from "./database.js";

/**
 * Job writes on a database server: each transaction on its own pooled connection; start_job's keys
 * are the server's locks. A write whose connection went away is not repeated (it may have committed
 * just before), but answered with a clear 503; the pool opens a new connection for the next one.
 */
export class ServerJobWriter implements JobWriter {
  constructor(private readonly database: ServerDatabase) {}

  get dialect() {
    return this.database.dialect;
  }

  async transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    try {
      return await this.attempt(work);
    } catch (error) {
      throw isConnectionLost(error) ? connectionLostError(error) : error;
    }
  }

  private async attempt<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const connection = await this.database.connect();
    const afterEnd: (() => Promise<unknown>)[] = [];
    const tx: SqlTransaction = {
      dialect: this.database.dialect,
      all: async <R>(sql: string, params?: readonly unknown[]) => (await connection.query(sql, params)).rows as R[],
      get: async <R>(sql: string, params?: readonly unknown[]) => (await connection.query(sql, params)).rows[0] as R | undefined,
      run: async (sql, params) => (await connection.query(sql, params)).changes,
      insert: (sql, params) => connection.insert(sql, params),
      lock: async (key) => {
        const release = await connection.lock(key);
        if (release) afterEnd.push(release);
      },
    };
    let broken: Error | undefined;
    try {
      await connection.query("BEGIN");
      try {
        const result = await work(tx);
        await connection.query("COMMIT");
        return result;
      } catch (error) {
        await connection.query("ROLLBACK").catch((e: Error) => (broken = e));
        throw error;
      }
    } finally {
      for (const release of afterEnd) await release().catch(() => undefined);
      await connection.release(broken).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
