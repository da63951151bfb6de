import type Database from "better-sqlite3";

/**
 * Statements prepared once per connection and reused: `preparedFor(build)` returns a function that
 * gives the statements of a connection, preparing them on first use.
 */
export function preparedFor<T>(build: (db: Database.Database) => T): (db: Database.Database) => T {
  const cache = new WeakMap<Database.Database, T>();
  return (db) => {
    let statements = cache.get(db);
    if (statements === undefined) {
      statements = build(db);
      cache.set(db, statements);
    }
    return statements;
  };
}
