import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectWithBackoff, DatabaseConnectError, openMysqlPool, openPostgresPool, type MysqlLocation, type PostgresLocation } from "../../src/db/connect.ts";
import { parseDatabaseLocation } from "../../src/db/dsn.ts";
import { startMariaDb, startPostgres, type DbServer } from "../helpers/db-servers.ts";

/** A loopback port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The rejection of `promise`, which must be a DatabaseConnectError. */
async function connectError(promise: Promise<unknown>): Promise<DatabaseConnectError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatabaseConnectError);
  return error as DatabaseConnectError;
}

/** A loopback server that accepts connections and never says a word, like a firewall that swallows packets. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => (sockets.add(socket), socket.on("error", () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function recorder() {
  const messages: string[] = [];
  return { messages, log: { warn: (message: string) => void messages.push(message) } };
}

const WRONG_PASSWORD = "wrong:pass@word";

describe("MariaDB", () => {
  let server: DbServer;
  let loc: MysqlLocation;
  beforeAll(async () => {
    server = await startMariaDb();
    loc = parseDatabaseLocation("mysql", server.dsn) as MysqlLocation;
  });
  afterAll(() => server?.stop());

  it("opens a working pool from the Go DSN, whose password contains ':' and '@'", async () => {
    expect(server.password).toMatch(/:.*@/);
    const pool = await openMysqlPool(loc, { connectionLimit: 2 });
    try {
      await pool.query("CREATE TABLE probe (id INT PRIMARY KEY)");
      await pool.query("INSERT INTO probe VALUES (?), (?)", [1, 2]);
      expect(await pool.query("SELECT id FROM probe ORDER BY id")).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await pool.end();
    }
  });

  it("reports a wrong password once, naming the user but not the password", async () => {
    let tries = 0;
    const open = () => (tries++, openMysqlPool({ ...loc, password: WRONG_PASSWORD }));
    const error = await connectError(connectWithBackoff(open, { attempts: 5, firstDelayMs: 10 }));
    expect(tries).toBe(1);
    expect(error.reason).toBe("access-denied");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`access denied for user cc on mysql://cc@127.0.0.1:${server.port}/ccbackend`);
    expect(error.message).not.toContain(WRONG_PASSWORD);
    expect(error.message).not.toContain(server.password);
  });

  it("retries a closed port with growing delays, then says it cannot reach the server", async () => {
    const port = await closedPort();
    const { messages, log } = recorder();
    let tries = 0;
    const started = Date.now();
    const open = () => (tries++, openMysqlPool({ ...loc, port }));
    const error = await connectError(connectWithBackoff(open, { attempts: 3, firstDelayMs: 50, log }));
    expect(tries).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150); // 50 + 100 ms of waiting
    expect(error.reason).toBe("unreachable");
    expect(error.message).toMatch(new RegExp(`^cannot reach mysql://cc@127\\.0\\.0\\.1:${port}/ccbackend: .*ECONNREFUSED.*\\(gave up after 3 attempts\\)$`));
    expect(error.message).not.toContain(server.password);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/attempt 1 of 3, retrying in 50 ms$/);
    expect(messages[1]).toMatch(/attempt 2 of 3, retrying in 100 ms$/);
    expect(messages.join("\n")).not.toContain(server.password);
  });

  it("counts a server that never answers as unreachable after the connect timeout", async () => {
    const silent = await silentServer();
    try {
      let tries = 0;
      const open = () => (tries++, openMysqlPool({ ...loc, port: silent.port }, { connectTimeoutMs: 200 }));
      const error = await connectError(connectWithBackoff(open, { attempts: 2, firstDelayMs: 10 }));
      expect(tries).toBe(2);
      expect(error.reason).toBe("unreachable");
      expect(error.message).toMatch(new RegExp(`^cannot reach mysql://cc@127\\.0\\.0\\.1:${silent.port}/ccbackend: .*[Tt]imeout`));
    } finally {
      await silent.close();
    }
  });

  it("says which database does not exist, without retrying", async () => {
    let tries = 0;
    const open = () => (tries++, openMysqlPool({ ...loc, database: "no_such_db" }));
    const error = await connectError(connectWithBackoff(open, { attempts: 5, firstDelayMs: 10 }));
    expect(tries).toBe(1);
    expect(error.reason).toBe("unknown-database");
    expect(error.message).toMatch(/^database no_such_db does not exist on mysql:\/\/cc@127\.0\.0\.1:\d+\/no_such_db: /);
  });

  it("explains a database the user may not use, which MySQL does not distinguish from a missing one", async () => {
    const admin = await openMysqlPool(loc, { connectionLimit: 1 });
    try {
      await admin.query("CREATE USER 'limited'@'%' IDENTIFIED BY 'limited-secret'");
      await admin.query("GRANT ALL PRIVILEGES ON ccbackend.* TO 'limited'@'%'");
    } finally {
      await admin.end();
    }
    const limited = { ...loc, user: "limited", password: "limited-secret" };
    await (await openMysqlPool(limited, { connectionLimit: 1 })).end();
    const error = await connectError(openMysqlPool({ ...limited, database: "elsewhere" }));
    expect(error.reason).toBe("access-denied");
    expect(error.message).toMatch(/^access denied for user limited to database elsewhere on .*\(it may not exist, or the user has no privileges on it\)/);
    expect(error.message).not.toContain("limited-secret");
  });
});

describe("PostgreSQL", () => {
  let server: DbServer;
  let loc: PostgresLocation;
  beforeAll(async () => {
    server = await startPostgres();
    loc = parseDatabaseLocation("postgres", server.dsn) as PostgresLocation;
  });
  afterAll(() => server?.stop());

  /** The location with one part of its URL changed, as a user would write it in the config. */
  function variant(change: (url: URL) => void): PostgresLocation {
    const url = new URL(server.dsn);
    change(url);
    return parseDatabaseLocation("postgres", url.toString()) as PostgresLocation;
  }

  it("opens a working pool from the URL, whose password contains ':' and '@'", async () => {
    expect(server.password).toMatch(/:.*@/);
    const pool = await openPostgresPool(loc, { connectionLimit: 2 });
    try {
      await pool.query("CREATE TABLE probe (id INT PRIMARY KEY)");
      await pool.query("INSERT INTO probe VALUES ($1), ($2)", [1, 2]);
      expect((await pool.query("SELECT id FROM probe ORDER BY id")).rows).toEqual([{ id: 1 }, { id: 2 }]);
    } finally {
      await pool.end();
    }
  });

  it("reports a wrong password once, naming the user but not the password", async () => {
    let tries = 0;
    const wrong = variant((url) => (url.password = encodeURIComponent(WRONG_PASSWORD)));
    const open = () => (tries++, openPostgresPool(wrong));
    const error = await connectError(connectWithBackoff(open, { attempts: 5, firstDelayMs: 10 }));
    expect(tries).toBe(1);
    expect(error.reason).toBe("access-denied");
    expect(error.message).toContain(`access denied for user cc on postgres://cc@127.0.0.1:${server.port}/ccbackend`);
    expect(error.message).not.toContain(WRONG_PASSWORD);
    expect(error.message).not.toContain(encodeURIComponent(WRONG_PASSWORD));
  });

  it("reports an unknown user as access denied", async () => {
    const error = await connectError(openPostgresPool(variant((url) => (url.username = "nobody"))));
    expect(error.reason).toBe("access-denied");
    expect(error.message).toMatch(/^access denied for user nobody on /);
  });

  it("retries a closed port with growing delays, then says it cannot reach the server", async () => {
    const port = await closedPort();
    const { messages, log } = recorder();
    let tries = 0;
    const closed = variant((url) => (url.port = String(port)));
    const open = () => (tries++, openPostgresPool(closed));
    const error = await connectError(connectWithBackoff(open, { attempts: 4, firstDelayMs: 20, log }));
    expect(tries).toBe(4);
    expect(error.reason).toBe("unreachable");
    expect(error.message).toMatch(new RegExp(`^cannot reach postgres://cc@127\\.0\\.0\\.1:${port}/ccbackend: .*ECONNREFUSED.*\\(gave up after 4 attempts\\)$`));
    expect(messages.map((m) => /retrying in (\d+) ms$/.exec(m)?.[1])).toEqual(["20", "40", "80"]);
    expect(messages.join("\n")).not.toContain(server.password);
  });

  it("counts a server that never answers as unreachable after the connect timeout", async () => {
    const silent = await silentServer();
    try {
      let tries = 0;
      const quiet = variant((url) => (url.port = String(silent.port)));
      const open = () => (tries++, openPostgresPool(quiet, { connectTimeoutMs: 200 }));
      const error = await connectError(connectWithBackoff(open, { attempts: 2, firstDelayMs: 10 }));
      expect(tries).toBe(2);
      expect(error.reason).toBe("unreachable");
      expect(error.message).toMatch(new RegExp(`^cannot reach postgres://cc@127\\.0\\.0\\.1:${silent.port}/ccbackend: Connection terminated due to connection timeout`));
    } finally {
      await silent.close();
    }
  });

  it("says which database does not exist, without retrying", async () => {
    let tries = 0;
    const missing = variant((url) => (url.pathname = "/no_such_db"));
    const open = () => (tries++, openPostgresPool(missing));
    const error = await connectError(connectWithBackoff(open, { attempts: 5, firstDelayMs: 10 }));
    expect(tries).toBe(1);
    expect(error.reason).toBe("unknown-database");
    expect(error.message).toMatch(/^database no_such_db does not exist on postgres:\/\/cc@127\.0\.0\.1:\d+\/no_such_db: /);
  });
});

describe("connectWithBackoff", () => {
  const unreachable = () => new DatabaseConnectError("cannot reach somewhere: down", "unreachable");

  it("returns the first success after retryable failures", async () => {
    let tries = 0;
    const result = await connectWithBackoff(
      async () => {
        if (++tries < 3) throw unreachable();
        return "pool";
      },
      { attempts: 5, firstDelayMs: 1 },
    );
    expect(result).toBe("pool");
    expect(tries).toBe(3);
  });

  it("caps the delay", async () => {
    const { messages, log } = recorder();
    await connectError(connectWithBackoff(() => Promise.reject(unreachable()), { attempts: 5, firstDelayMs: 2, maxDelayMs: 5, log }));
    expect(messages.map((m) => /retrying in (\d+) ms$/.exec(m)?.[1])).toEqual(["2", "4", "5", "5"]);
  });

  it("does not retry errors it does not know", async () => {
    let tries = 0;
    const error = await connectWithBackoff(() => (tries++, Promise.reject(new TypeError("bug"))), { attempts: 5, firstDelayMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(tries).toBe(1);
  });

  it("tries at least once", async () => {
    let tries = 0;
    const error = await connectError(connectWithBackoff(() => (tries++, Promise.reject(unreachable())), { attempts: 0, firstDelayMs: 1 }));
    expect(tries).toBe(1);
    expect(error.message).toBe("cannot reach somewhere: down (gave up after 1 attempt)");
  });
});
