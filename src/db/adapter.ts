import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { BUSY_TIMEOUT_MS, CONNECTION_PRAGMAS } from "./sqlite.js";

/**
 * The better-sqlite3 driver adapter, with two things Prisma's own factory does not do: every connection
 * gets this project's pragmas (busy timeout, foreign keys), and the factory can close the connections
 * it opened, which the migration runner needs before it restores a backup.
 */
export interface ClosableAdapterFactory extends SqlMigrationAwareDriverAdapterFactory {
  closeAll(): Promise<void>;
}

/**
 * Prisma's schema engine reads a partial index's definition with `name = "<index>"`, a string in
 * double quotes, which better-sqlite3 (built with SQLITE_DQS=0) rejects as an unknown column.
 */
const INDEX_LOOKUP = /^(SELECT sql FROM sqlite_master WHERE type = 'index' AND name = )"([^"]*)"(;?)$/;

function singleQuotedIndexLookup(sql: string): string {
  const match = INDEX_LOOKUP.exec(sql);
  return match ? `${match[1]}'${match[2]!.replaceAll("'", "''")}'${match[3]}` : sql;
}

export function sqliteAdapterFactory(file: string): ClosableAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: BUSY_TIMEOUT_MS });
  const open = new Set<SqlDriverAdapter>();
  const prepare = async (adapter: SqlDriverAdapter, wal: boolean) => {
    const queryRaw = adapter.queryRaw.bind(adapter);
    adapter.queryRaw = (query) => queryRaw({ ...query, sql: singleQuotedIndexLookup(query.sql) });
    await adapter.executeScript(
      [...(wal ? ["journal_mode = WAL"] : []), ...CONNECTION_PRAGMAS].map((p) => `PRAGMA ${p};`).join("\n"),
    );
    open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      open.delete(adapter);
      await dispose();
    };
    return adapter;
  };
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => prepare(await inner.connect(), true),
    connectToShadowDb: async () => prepare(await inner.connectToShadowDb(), false),
    async closeAll() {
      await Promise.all([...open].map((adapter) => adapter.dispose()));
    },
  };
}
