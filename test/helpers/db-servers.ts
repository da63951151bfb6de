import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import mariadb from "mariadb";
import pg from "pg";

/**
 * Private MariaDB and PostgreSQL servers for tests: each in its own temp directory, listening on a free
 * loopback port, with a password-protected user and an empty database. The directory is created here
 * rather than with tmp.ts's tempDir because stop() must remove it (tempDir only cleans up in afterAll,
 * and PostgreSQL's directory has to be handed to the postgres user first).
 */
export interface DbServer {
  kind: "mysql" | "postgres";
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** cc-backend's Go-MySQL DSN for mysql (user:password@tcp(127.0.0.1:port)/db), a postgres:// URL for postgres */
  dsn: string;
  /** creates a fresh empty database on that server and returns its dsn */
  createDatabase(name: string): Promise<string>;
  /** Shuts the server down and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const USER = "cc";
const DATABASE = "ccbackend";
/** Generous for a loaded two-core machine; an idle one starts either server in about a second. */
const STARTUP_TIMEOUT_MS = 60_000;
const LOG_TAIL_CHARS = 4000;

function findBinary(name: string, dirs: readonly string[], debianPackage: string): string {
  const searchPath = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), ...dirs];
  for (const dir of searchPath) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install Debian's ${debianPackage} package (apt-get install -y --no-install-recommends ${debianPackage})`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, HOST, resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Database names go into SQL unquoted-safe only if they are plain identifiers. */
function checkName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) throw new Error(`database name ${JSON.stringify(name)} must be a plain identifier`);
}

/** A random password with the characters DSN parsers trip over (':' and '@'), so the tests exercise them. */
function password(): string {
  return `pw:${randomBytes(6).toString("hex")}@x`;
}

/** Output of a child process, of which only the end matters for diagnosing a failed start. */
class LogTail {
  private text = "";
  constructor(child: ChildProcess) {
    const add = (chunk: Buffer) => {
      this.text = (this.text + chunk.toString()).slice(-LOG_TAIL_CHARS);
    };
    child.stdout?.on("data", add);
    child.stderr?.on("data", add);
  }
  toString(): string {
    return this.text.trim() || "(no output)";
  }
}

function run(command: string, args: string[], options: { uid?: number; gid?: number; cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    const log = new LogTail(child);
    child.once("error", reject);
    child.once("close", (code, signal) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} failed (${code ?? signal}):\n${log}`))));
  });
}

/** Polls `probe` until it succeeds; fails early, with the server's log, if the server exits. */
async function waitUntilReady(name: string, child: ChildProcess, log: LogTail, probe: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited during startup (${child.exitCode ?? child.signalCode}); its log ends with:\n${log}`);
    }
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not accept connections within ${STARTUP_TIMEOUT_MS} ms (last error: ${(lastError as Error)?.message}); its log ends with:\n${log}`);
}

/** Owns a server process: stop() ends it with `signal` and removes `dir`, and it dies with the test worker. */
function supervise(child: ChildProcess, dir: string, signal: NodeJS.Signals, exitSignal: NodeJS.Signals): () => Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If the test worker exits without running afterAll, the server must not outlive it, nor its files.
  const killOnExit = () => {
    child.kill(exitSignal);
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
}

/** Runs `start` on a fresh port, once more if another process took the port between probing and binding. */
async function withPortRetry<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 3 || !/address already in use|could not bind/i.test((error as Error).message)) throw error;
    }
  }
}

function mysqlQuote(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}

/** A MariaDB server (Debian's mariadb-server) with user cc, granted everything, and database ccbackend. */
export async function startMariaDb(): Promise<DbServer> {
  const sbin = ["/usr/sbin", "/usr/bin"];
  const installDb = findBinary("mariadb-install-db", sbin, "mariadb-server");
  const mariadbd = findBinary("mariadbd", sbin, "mariadb-server");
  return withPortRetry(async (port) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ccb-mariadb-"));
    const dataDir = path.join(dir, "data");
    const pass = password();
    // Small and unsafe on power loss: fine for throwaway test data, and it keeps startup near one second.
    const serverOptions = [
      `--datadir=${dataDir}`,
      "--user=root",
      "--skip-name-resolve",
      "--skip-log-bin",
      "--innodb-buffer-pool-size=256M",
      "--innodb-log-file-size=96M",
      "--innodb-flush-log-at-trx-commit=2",
      "--innodb-doublewrite=0",
      "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_general_ci",
    ];
    try {
      // The user and database are created while bootstrapping, so no root login over the network is ever needed.
      const initSql = path.join(dir, "init.sql");
      writeFileSync(
        initSql,
        [
          // Bootstrap runs with the grant tables off; loading them is what makes CREATE USER possible.
          "FLUSH PRIVILEGES;",
          `CREATE USER '${USER}'@'%' IDENTIFIED BY ${mysqlQuote(pass)};`,
          `GRANT ALL PRIVILEGES ON *.* TO '${USER}'@'%' WITH GRANT OPTION;`,
          `CREATE DATABASE ${DATABASE};`,
          "",
        ].join("\n"),
      );
      await run(installDb, ["--no-defaults", ...serverOptions, "--skip-test-db", "--auth-root-authentication-method=socket", `--extra-file=${initSql}`], { cwd: dir });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }

    const child = spawn(
      mariadbd,
      [
        "--no-defaults",
        ...serverOptions,
        `--port=${port}`,
        `--bind-address=${HOST}`,
        `--socket=${path.join(dir, "sock")}`,
        `--pid-file=${path.join(dir, "mariadbd.pid")}`,
        `--tmpdir=${dir}`,
      ],
      { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
    );
    const log = new LogTail(child);
    const stop = supervise(child, dir, "SIGTERM", "SIGKILL");
    const dsnFor = (database: string) => `${USER}:${pass}@tcp(${HOST}:${port})/${database}`;
    const connect = (database?: string) => mariadb.createConnection({ host: HOST, port, user: USER, password: pass, database, connectTimeout: 2000 });
    try {
      await waitUntilReady("mariadbd", child, log, async () => {
        await (await connect(DATABASE)).end();
      });
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      kind: "mysql",
      host: HOST,
      port,
      user: USER,
      password: pass,
      database: DATABASE,
      dsn: dsnFor(DATABASE),
      async createDatabase(name) {
        checkName(name);
        const conn = await connect();
        try {
          await conn.query(`CREATE DATABASE \`${name}\``);
        } finally {
          await conn.end();
        }
        return dsnFor(name);
      },
      stop,
    };
  });
}

/** The newest PostgreSQL installed by Debian's postgresql package (/usr/lib/postgresql/<major>/bin). */
function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "postgres"))) : [];
  const newest = majors.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql package (apt-get install -y --no-install-recommends postgresql)`);
  return path.join(root, newest, "bin");
}

/** PostgreSQL refuses to run as root, so its processes run as the postgres account the package creates. */
function postgresAccount(): { uid: number; gid: number } {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error("no postgres system user: install Debian's postgresql package, which creates it");
  return { uid: Number(uid), gid: Number(gid) };
}

function pgQuoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pgQuoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A PostgreSQL server (Debian's postgresql) with login role cc (may create databases) owning database ccbackend. */
export async function startPostgres(): Promise<DbServer> {
  const bin = postgresBinDir();
  const account = postgresAccount();
  if (process.getuid?.() !== 0 && process.getuid?.() !== account.uid) throw new Error("startPostgres must run as root or as the postgres user");
  return withPortRetry(async (port) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ccb-postgres-"));
    chownSync(dir, account.uid, account.gid);
    const dataDir = path.join(dir, "data");
    const asPostgres = { uid: account.uid, gid: account.gid, cwd: dir };
    try {
      // Local (socket) logins are trusted, which is how the superuser sets things up below; TCP needs a password.
      await run(path.join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "-E", "UTF8", "--no-locale", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"], asPostgres);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }

    const child = spawn(
      path.join(bin, "postgres"),
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        `listen_addresses=${HOST}`,
        "-c",
        `unix_socket_directories=${dir}`,
        // Durability is worthless for throwaway test data and costs seconds on a busy disk.
        "-c",
        "fsync=off",
        "-c",
        "synchronous_commit=off",
        "-c",
        "full_page_writes=off",
        "-c",
        "shared_buffers=32MB",
        "-c",
        "max_connections=50",
      ],
      { ...asPostgres, stdio: ["ignore", "pipe", "pipe"] },
    );
    const log = new LogTail(child);
    // SIGINT is the fast shutdown: SIGTERM would wait for every client, including a test's leaked pool.
    const stop = supervise(child, dir, "SIGINT", "SIGQUIT");
    const pass = password();
    const dsnFor = (database: string) => `postgres://${USER}:${encodeURIComponent(pass)}@${HOST}:${port}/${database}`;
    const query = async (config: pg.ClientConfig, sql: string) => {
      const client = new pg.Client({ ...config, connectionTimeoutMillis: 2000 });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    try {
      const superuser = { host: dir, port, user: "postgres", database: "postgres" };
      await waitUntilReady("postgres", child, log, () => query(superuser, "SELECT 1"));
      await query(superuser, `CREATE ROLE ${USER} LOGIN CREATEDB PASSWORD ${pgQuoteLiteral(pass)}`);
      await query(superuser, `CREATE DATABASE ${DATABASE} OWNER ${USER}`);
      await query({ connectionString: dsnFor(DATABASE) }, "SELECT 1");
    } catch (error) {
      await stop();
      throw error;
    }
    return {
      kind: "postgres",
      host: HOST,
      port,
      user: USER,
      password: pass,
      database: DATABASE,
      dsn: dsnFor(DATABASE),
      async createDatabase(name) {
        checkName(name);
        await query({ connectionString: dsnFor(DATABASE) }, `CREATE DATABASE ${pgQuoteIdent(name)}`);
        return dsnFor(name);
      },
      stop,
    };
  });
}

/** Ends every connection to `database` on the server, as a server restart or an administrator would. */
export async function dropConnections(server: DbServer, database: string): Promise<number> {
  if (server.kind === "postgres") {
    const client = new pg.Client({ connectionString: server.dsn });
    await client.connect();
    try {
      const result = await client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
      return result.rowCount ?? 0;
    } finally {
      await client.end();
    }
  }
  const connection = await mariadb.createConnection({ host: server.host, port: server.port, user: server.user, password: server.password });
  try {
    const rows = (await connection.query("SELECT id FROM information_schema.PROCESSLIST WHERE db = ? AND id <> CONNECTION_ID()", [database])) as { id: number | bigint }[];
    for (const { id } of rows) await connection.query(`KILL CONNECTION ${Number(id)}`);
    return rows.length;
  } finally {
    await connection.end();
  }
}
