/**
 * A server connection that dies while the service holds it (between the statements of a transaction)
 * must become an error of that connection, never an unhandled "error" event that ends the process.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isConnectionLost } from "../../src/db/connection-lost.ts";
import { parseDatabaseLocation } from "../../src/db/dsn.ts";
import { openServerDatabase, type ServerDatabase } from "../../src/db/server/database.ts";
import { dropConnections, startMariaDb, startPostgres, type DbServer } from "../helpers/db-servers.ts";

const ENGINES = [
  { driver: "mysql", start: startMariaDb },
  { driver: "postgres", start: startPostgres },
] as const;

describe.each(ENGINES)("a $driver connection killed while checked out", ({ driver, start }) => {
  let server: DbServer;
  let database: ServerDatabase;
  const lost: Error[] = [];
  beforeAll(async () => {
    server = await start();
    database = await openServerDatabase(parseDatabaseLocation(driver, server.dsn) as never, { connectionLimit: 3, onError: (error) => void lost.push(error) });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await server?.stop();
  });

  it("fails its next statement as a lost connection, and the pool serves new ones", async () => {
    const connection = await database.connect();
    await connection.query("BEGIN");
    expect(await dropConnections(server, server.database)).toBeGreaterThan(0);
    // The driver learns of it from the socket, with no statement of ours running.
    await sleep(500);
    const failure = await connection.query("SELECT 1 AS one").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure, "a statement on the killed connection").toBeDefined();
    expect(isConnectionLost(failure), String(failure)).toBe(true);
    await connection.release(failure as Error);

    for (let i = 0; i < 3; i++) {
      const fresh = await database.connect();
      try {
        expect((await fresh.query("SELECT 1 AS one")).rows.map((r) => Number(r.one))).toEqual([1]);
      } finally {
        await fresh.release();
      }
    }
    // Reported to the pool's owner for the log, if the driver says anything at all.
    for (const error of lost) expect(isConnectionLost(error), String(error)).toBe(true);
  });
});
