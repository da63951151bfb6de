/** Messages between the read pool (main thread) and its workers. */

/** How a statement's rows come back: every row, the first row, or the first column of every row. */
export type ReadMode = "all" | "get" | "pluck";

export interface ReadStatement {
  sql: string;
  params?: readonly unknown[];
  mode?: ReadMode;
}

export interface ReadRequest {
  id: number;
  statements: ReadStatement[];
}

export type ReadResponse = { id: number; results: unknown[] } | { id: number; error: string; code?: string };

export interface ReadWorkerData {
  file: string;
  /** Prepared statements kept per worker; the least recently used beyond this are dropped. */
  cacheSize: number;
}
