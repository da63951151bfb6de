import { parentPort, workerData } from "node:worker_threads";
import type Database from "better-sqlite3";
import { openSqlite } from "../sqlite.js";
import type { ReadRequest, ReadResponse, ReadStatement, ReadWorkerData } from "./protocol.js";

/**
 * One read-only connection in its own thread. A request's statements run inside one read transaction,
 * so statistics and their histograms see the same snapshot; WAL lets this run beside the writer.
 */
const { file, cacheSize } = workerData as ReadWorkerData;
const db = openSqlite(file, { readonly: true, mustExist: true });
const cache = new Map<string, Database.Statement>();

function prepared(sql: string): Database.Statement {
  let statement = cache.get(sql);
  if (statement) {
    // Re-insert: Map order is the recency order.
    cache.delete(sql);
  } else {
    statement = db.prepare(sql);
    if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
  }
  cache.set(sql, statement);
  return statement;
}

function run(statement: ReadStatement): unknown {
  const prepared_ = prepared(statement.sql);
  const params = (statement.params ?? []) as unknown[];
  switch (statement.mode ?? "all") {
    case "get":
      return prepared_.get(...params);
    case "pluck":
      return prepared_.pluck(true).all(...params);
    default:
      return prepared_.pluck(false).all(...params);
  }
}

const inSnapshot = db.transaction((statements: ReadStatement[]) => statements.map(run));

parentPort!.on("message", (request: ReadRequest) => {
  let response: ReadResponse;
  try {
    const results = request.statements.length === 1 ? [run(request.statements[0]!)] : inSnapshot(request.statements);
    response = { id: request.id, results };
  } catch (error) {
    const e = error as Error & { code?: string };
    response = { id: request.id, error: e.message, code: e.code };
  }
  parentPort!.postMessage(response);
});
