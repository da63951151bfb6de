import net from "node:net";
import mariadb from "mariadb";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMariaDb, startPostgres, type DbServer } from "../helpers/db-servers.ts";

/** Just enough of a client to run the same checks against either server. */
interface Client {
  query(sql: string): Promise<Record<string, unknown>[]>;
  tables(): Promise<string[]>;
  close(): Promise<void>;
}

async function connectMysql(server: DbServer, database: string): Promise<Client> {
  const conn = await mariadb.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password, database });
  return {
    // Row arrays also carry column metadata, which the spread drops; statements return an OK packet, not rows.
    query: async (sql) => {
      const result: unknown = await conn.query(sql);
      return Array.isArray(result) ? [...(result as Record<string, unknown>[])] : [];
    },
    tables: async () => ((await conn.query("SHOW TABLES")) as Record<string, string>[]).map((row) => Object.values(row)[0]!),
    close: () => conn.end(),
  };
}

async function connectPostgres(server: DbServer, database: string): Promise<Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database });
  await client.connect();
  return {
    query: async (sql) => (await client.query(sql)).rows,
    tables: async () => (await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((row) => row.tablename as string),
    close: () => client.end(),
  };
}

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

const kinds = [
  { name: "MariaDB", start: startMariaDb, connect: connectMysql, kind: "mysql" },
  { name: "PostgreSQL", start: startPostgres, connect: connectPostgres, kind: "postgres" },
] as const;

describe.each(kinds)("$name", ({ start, connect, kind }) => {
  let server: DbServer;
  let startupMs = 0;

  beforeAll(async () => {
    const started = Date.now();
    server = await start();
    startupMs = Date.now() - started;
  });
  afterAll(() => server?.stop());

  it("starts quickly on a loopback port with the promised credentials", () => {
    expect(server.kind).toBe(kind);
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
    expect(server.password.length).toBeGreaterThan(8);
    if (kind === "mysql") {
      expect(server.dsn).toBe(`${server.user}:${server.password}@tcp(127.0.0.1:${server.port})/${server.database}`);
    } else {
      expect(server.dsn).toBe(`postgres://${server.user}:${encodeURIComponent(server.password)}@127.0.0.1:${server.port}/${server.database}`);
      expect(new URL(server.dsn).password).not.toBe(server.password); // the special characters are encoded
    }
    console.log(`${kind} server started in ${startupMs} ms`);
    expect(startupMs).toBeLessThan(30_000);
  });

  it("runs real statements for the user in its database", async () => {
    const client = await connect(server, server.database);
    try {
      await client.query("CREATE TABLE job (id INTEGER PRIMARY KEY, cluster VARCHAR(20) NOT NULL)");
      await client.query("INSERT INTO job (id, cluster) VALUES (1, 'fritz'), (2, 'alex')");
      expect(await client.query("SELECT id, cluster FROM job ORDER BY id")).toEqual([
        { id: 1, cluster: "fritz" },
        { id: 2, cluster: "alex" },
      ]);
      expect(await client.tables()).toEqual(["job"]);
    } finally {
      await client.close();
    }
  });

  it("creates fresh, empty, isolated databases", async () => {
    const dsn = await server.createDatabase("isolated_one");
    expect(dsn).toBe(server.dsn.replace(new RegExp(`/${server.database}$`), "/isolated_one"));
    const fresh = await connect(server, "isolated_one");
    try {
      expect(await fresh.tables()).toEqual([]);
      // The same table name as in the main database, with its own contents.
      await fresh.query("CREATE TABLE job (id INTEGER PRIMARY KEY, cluster VARCHAR(20) NOT NULL)");
      await fresh.query("INSERT INTO job (id, cluster) VALUES (7, 'woody')");
      expect(await fresh.query("SELECT id, cluster FROM job")).toEqual([{ id: 7, cluster: "woody" }]);
    } finally {
      await fresh.close();
    }
    const main = await connect(server, server.database);
    try {
      expect(await main.query("SELECT count(*) AS n FROM job")).toEqual([{ n: kind === "mysql" ? 2n : "2" }]);
    } finally {
      await main.close();
    }
    await expect(server.createDatabase("isolated_one")).rejects.toThrow(/exists/);
    await expect(server.createDatabase("bad-name; DROP")).rejects.toThrow(/plain identifier/);
  });

  it("rejects a wrong password", async () => {
    await expect(connect({ ...server, password: "wrong" }, server.database)).rejects.toThrow(/denied|authentication failed/i);
  });

  it("stops, closing its port, and can be stopped twice", async () => {
    expect(await portIsOpen(server.port)).toBe(true);
    const stopped = Date.now();
    await server.stop();
    console.log(`${kind} server stopped in ${Date.now() - stopped} ms`);
    expect(await portIsOpen(server.port)).toBe(false);
    await server.stop();
  });
});
