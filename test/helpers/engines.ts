import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { AuthUser } from "../../src/auth/user.ts";
import { parseConfig } from "../../src/config/load.ts";
import { openPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { parseDatabaseLocation, type DatabaseLocation } from "../../src/db/dsn.ts";
import { migrateMysqlDatabase } from "../../src/db/migrate/mysql-runner.ts";
import { migratePostgresDatabase } from "../../src/db/migrate/postgres-runner.ts";
import { migrateSqliteDatabase } from "../../src/db/migrate/runner.ts";
import { openReadPool } from "../../src/db/read-pool/open.ts";
import type { ReadPool } from "../../src/db/read-pool/pool.ts";
import { silentLogger } from "../../src/log.ts";
import type { RequestContext, ServiceContext } from "../../src/services/context.ts";
import { startMariaDb, startPostgres, type DbServer } from "./db-servers.ts";
import { tempDir } from "./tmp.ts";

/**
 * The same tests on every database engine cc-backend supports: a migrated, empty database per test
 * (a file for SQLite, a new database on a private MariaDB or PostgreSQL server), with the Prisma client
 * and the read pool the services use on it.
 *
 *   const engines = useEngines();              // servers start in beforeAll, everything stops in afterAll
 *   for (const kind of ENGINES) {
 *     it(`... on ${kind}`, async () => {
 *       const db = await engines.open(kind);   // closed in afterAll, or earlier with db.close()
 *       await db.prisma.job.createMany({ data: [...] });
 *       const ctx = db.context(adminUser);
 *     });
 *   }
 */
export const ENGINES = ["sqlite", "mysql", "postgres"] as const;
export type EngineKind = (typeof ENGINES)[number];

export interface Engine {
  kind: EngineKind;
  /** Where the database is, as parseDatabaseLocation gives it (the config's db-driver and db). */
  location: DatabaseLocation;
  /** The Prisma client of the engine (the three generated clients share the SQLite client's type). */
  prisma: PrismaClient;
  /** The services' read pool on the database. */
  reader: ReadPool;
  /** A service context on this database: default config, silent logger, prisma and reader; `extra` wins. */
  services(extra?: Partial<ServiceContext>): ServiceContext;
  /** A request context for `user` on this database. */
  context(user: AuthUser, extra?: Partial<ServiceContext>): RequestContext;
  /** Closes the client and the pool (the database itself stays until the server stops); safe to call twice. */
  close(): Promise<void>;
}

export interface OpenEngineOptions {
  /** Slots of the read pool (default 2: enough for a light and a heavy batch side by side). */
  readPoolSize?: number;
  /** Config keys for services()/context() (default: parseConfig({}) with authentication disabled). */
  config?: Record<string, unknown>;
}

export const DRIVER: Record<EngineKind, "sqlite3" | "mysql" | "postgres"> = { sqlite: "sqlite3", mysql: "mysql", postgres: "postgres" };

export interface EngineServers {
  /** A new migrated, empty database of that engine. */
  open(kind: EngineKind, options?: OpenEngineOptions): Promise<Engine>;
  /** Closes every engine opened here, then stops the servers. */
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Starts the servers `kinds` need (in parallel) and returns a factory of engines on them. Prefer
 * useEngines() in test files; this is for callers that manage lifetimes themselves.
 */
export async function startEngineServers(kinds: readonly EngineKind[] = ENGINES, dir?: string): Promise<EngineServers> {
  const started = await Promise.allSettled([kinds.includes("mysql") ? startMariaDb() : undefined, kinds.includes("postgres") ? startPostgres() : undefined]);
  const servers = started.flatMap((r) => (r.status === "fulfilled" && r.value ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    await Promise.all(servers.map((s) => s.stop()));
    throw failed.reason;
  }
  const server: Partial<Record<EngineKind, DbServer>> = Object.fromEntries(servers.map((s) => [s.kind, s]));
  const opened = new Set<Engine>();

  async function locate(kind: EngineKind): Promise<DatabaseLocation> {
    const name = `t${process.pid}_${counter++}`;
    if (kind === "sqlite") {
      if (!dir) throw new Error("startEngineServers needs a directory for SQLite database files");
      const file = path.join(dir, `${name}.db`);
      await migrateSqliteDatabase(file);
      return parseDatabaseLocation("sqlite3", file);
    }
    const s = server[kind];
    if (!s) throw new Error(`no ${kind} server was started (pass "${kind}" to startEngineServers/useEngines)`);
    const location = parseDatabaseLocation(DRIVER[kind], await s.createDatabase(name));
    if (location.driver === "mysql") await migrateMysqlDatabase(location);
    else if (location.driver === "postgres") await migratePostgresDatabase(location.connectionString);
    return location;
  }

  return {
    async open(kind, options = {}) {
      const location = await locate(kind);
      const prisma = openPrismaClient(location);
      let reader: ReadPool;
      try {
        reader = await openReadPool(location, { size: options.readPoolSize ?? 2 });
      } catch (error) {
        await prisma.$disconnect();
        throw error;
      }
      const config = parseConfig(options.config ?? { "disable-authentication": true }).config;
      let closing: Promise<void> | undefined;
      const engine: Engine = {
        kind,
        location,
        prisma,
        reader,
        services: (extra = {}) => ({ prisma, reader, config, logger: silentLogger, ...extra }),
        context: (user, extra = {}) => ({ ...engine.services(extra), user }),
        close() {
          closing ??= (async () => {
            opened.delete(engine);
            await Promise.allSettled([reader.close(), prisma.$disconnect()]);
            if (location.driver === "sqlite3") for (const suffix of ["", "-wal", "-shm"]) rmSync(location.file + suffix, { force: true });
          })();
          return closing;
        },
      };
      opened.add(engine);
      return engine;
    },
    async stop() {
      await Promise.allSettled([...opened].map((e) => e.close()));
      await Promise.allSettled(servers.map((s) => s.stop()));
    },
  };
}

/**
 * For a test file: starts the servers of `kinds` in beforeAll and stops them (after closing every
 * engine opened) in afterAll. open() may be called from beforeAll hooks declared after this call, and
 * from tests.
 */
export function useEngines(kinds: readonly EngineKind[] = ENGINES): { open(kind: EngineKind, options?: OpenEngineOptions): Promise<Engine> } {
  const dir = tempDir("ccb-engines-");
  let servers: EngineServers | undefined;
  beforeAll(async () => {
    servers = await startEngineServers(kinds, dir);
  });
  afterAll(async () => {
    await servers?.stop();
  });
  return {
    open(kind, options) {
      if (!servers) return Promise.reject(new Error("useEngines: the servers are not started yet (call open() in a beforeAll declared after useEngines, or in a test)"));
      return servers.open(kind, options);
    },
  };
}
