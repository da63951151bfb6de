/**
 * The raw SQL of the services is written once, in the subset SQLite, MariaDB/MySQL and PostgreSQL
 * share: `?` placeholders (numbered for PostgreSQL by the executor), identifiers and camelCase aliases
 * in double quotes (MySQL connections run with ANSI_QUOTES), strings in single quotes with standard
 * backslash handling (MySQL: NO_BACKSLASH_ESCAPES). What the three spell differently is here.
 */
export type SqlEngine = "sqlite" | "mysql" | "postgres";

export interface SqlDialect {
  readonly engine: SqlEngine;
  /** The text of `key` in a JSON object stored as text in `column` (NULL when absent). */
  jsonText(column: string, key: string): string;
  /**
   * A FROM item with one row per element of the JSON array in `column`, and the expression of an
   * element's `hostname` (the job's resources).
   */
  hostnamesOf(column: string, alias: string): { from: string; hostname: string };
  /** How many rows of the group satisfy `condition`. */
  countWhere(condition: string): string;
  /** `expression` as an integer (after ROUND). */
  integer(expression: string): string;
  /** A number column as its decimal text, for LIKE. */
  text(expression: string): string;
  /** `<expression> LIKE` as SQLite has it: case-insensitive for ASCII. */
  like(expression: string): string;
  /** After `ASC`/`DESC`: NULL sorts as the smallest value, as on SQLite and MySQL. */
  nullsSmallest(direction: "ASC" | "DESC"): string;
  /** `INSERT INTO <into>` that skips a row whose unique key exists already. */
  insertOrIgnore(into: string): string;
  /**
   * After a SELECT in a write transaction: read the newest committed rows and keep them from changing
   * until the transaction ends. MySQL's plain SELECT reads the transaction's snapshot (REPEATABLE
   * READ), which misses a row that INSERT IGNORE just skipped because another transaction committed it.
   */
  forShare(): string;
}

export const SQLITE: SqlDialect = {
  engine: "sqlite",
  jsonText: (column, key) => `json_extract(${column}, '$.${key}')`,
  hostnamesOf: (column, alias) => ({ from: `json_each(${column}) AS ${alias}`, hostname: `json_extract(${alias}.value, '$.hostname')` }),
  // A comparison is 0 or 1 in SQLite; summing it is half the cost of a CASE over a million rows.
  countWhere: (condition) => `SUM(${condition})`,
  integer: (expression) => `CAST(${expression} AS INTEGER)`,
  // LIKE converts by itself; a cast would only hide the column from the planner.
  text: (expression) => expression,
  like: (expression) => `${expression} LIKE`,
  nullsSmallest: () => "",
  insertOrIgnore: (into) => `INSERT OR IGNORE INTO ${into}`,
  // A write transaction holds the database's only write lock: nothing can change under it.
  forShare: () => "",
};

export const MYSQL: SqlDialect = {
  engine: "mysql",
  jsonText: (column, key) => `JSON_UNQUOTE(JSON_EXTRACT(${column}, '$.${key}'))`,
  hostnamesOf: (column, alias) => ({
    from: `JSON_TABLE(${column}, '$[*]' COLUMNS (hostname VARCHAR(255) PATH '$.hostname')) AS ${alias}`,
    hostname: `${alias}.hostname`,
  }),
  countWhere: (condition) => `SUM(${condition})`,
  integer: (expression) => `CAST(${expression} AS SIGNED)`,
  text: (expression) => `CAST(${expression} AS CHAR)`,
  // Job names compare exactly (utf8mb4_bin, see prisma/mysql/migrations), JSON text too: patterns not.
  like: (expression) => `${expression} COLLATE utf8mb4_general_ci LIKE`,
  nullsSmallest: () => "",
  insertOrIgnore: (into) => `INSERT IGNORE INTO ${into}`,
  // MariaDB knows no FOR SHARE; MySQL 8 still takes this spelling.
  forShare: () => " LOCK IN SHARE MODE",
};

export const POSTGRES: SqlDialect = {
  engine: "postgres",
  jsonText: (column, key) => `(${column}::jsonb ->> '${key}')`,
  hostnamesOf: (column, alias) => ({ from: `jsonb_array_elements(${column}::jsonb) AS ${alias}(value)`, hostname: `(${alias}.value ->> 'hostname')` }),
  countWhere: (condition) => `COUNT(*) FILTER (WHERE ${condition})`,
  integer: (expression) => `CAST(${expression} AS BIGINT)`,
  text: (expression) => `CAST(${expression} AS TEXT)`,
  like: (expression) => `${expression} ILIKE`,
  nullsSmallest: (direction) => (direction === "ASC" ? " NULLS FIRST" : " NULLS LAST"),
  insertOrIgnore: (into) => `INSERT INTO ${into} ON CONFLICT DO NOTHING`,
  forShare: () => " FOR SHARE",
};
