import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum, type SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import pg from "pg";
import type { ClosableAdapterFactory } from "../adapter.js";

/**
 * @prisma/adapter-pg for the schema engine, with two changes that matter for migrations:
 *
 * - A script (one migration.sql) goes to the server as one simple query, which PostgreSQL runs as one
 *   implicit transaction: a failing migration leaves no half of itself behind (and cannot use what
 *   refuses to run in a transaction, such as CREATE INDEX CONCURRENTLY). The adapter's own
 *   executeScript splits at every ';' (even inside comments and strings) and runs the pieces on
 *   whichever pooled connection is free, outside any transaction.
 * - The shadow database gets a connection string of its own: the adapter spreads its config and
 *   overrides `database`, which pg ignores when the config is a connection string, so the "shadow"
 *   would be the real database.
 */
export function pgAdapterFactory(connectionString: string): ClosableAdapterFactory {
  const open = new Set<SqlDriverAdapter>();

  const track = (adapter: SqlDriverAdapter, pool: pg.Pool, onDispose: () => Promise<void>): SqlDriverAdapter => {
    adapter.executeScript = async (script) => {
      const client = await pool.connect();
      try {
        await client.query(script);
      } finally {
        client.release();
      }
    };
    open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      open.delete(adapter);
      await dispose();
      await onDispose();
    };
    return adapter;
  };

  const connectTo = async (database: string | undefined, onDispose: () => Promise<void>) => {
    const pool = new pg.Pool({ connectionString: database ? withDatabase(connectionString, database) : connectionString, max: 2 });
    const adapter = await new PrismaPg(pool, { disposeExternalPool: true }).connect();
    readCatalogChars(adapter);
    return track(adapter, pool, onDispose);
  };

  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => connectTo(undefined, async () => {}),
    async connectToShadowDb() {
      const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      return connectTo(name, async () => {
        const dropper = new pg.Client({ connectionString });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      });
    },
    async closeAll() {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}

/** The same server and credentials, another database. */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  url.searchParams.delete("dbname");
  return url.toString();
}

/** PostgreSQL's one-byte "char" type and text. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type PerformIO = (query: unknown) => Promise<pg.QueryResult>;

/**
 * To describe a schema the engine reads catalog columns of PostgreSQL's internal "char" type
 * (pg_constraint.contype, pg_class.relkind, ...) and expects them as characters, but the adapter
 * rejects that type as unsupported. Such columns are read as text and reported as Character. The
 * column positions travel with the rows array, which queryRaw returns as performIO produced it.
 */
function readCatalogChars(adapter: SqlDriverAdapter): void {
  const charColumns = new WeakMap<object, number[]>();
  const internals = adapter as unknown as { performIO: PerformIO };
  const performIO = internals.performIO.bind(adapter);
  internals.performIO = async (query) => {
    const result = await performIO(query);
    const columns: number[] = [];
    result.fields?.forEach((field, i) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      columns.push(i);
    });
    if (columns.length > 0) charColumns.set(result.rows, columns);
    return result;
  };
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const i of charColumns.get(result.rows) ?? []) result.columnTypes[i] = ColumnTypeEnum.Character;
    return result;
  };
}
