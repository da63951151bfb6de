/**
 * The `db` config value, read the way cc-backend (Go) reads it for each `db-driver`, so existing
 * config files keep working. Passwords are part of these values: no error message or description
 * produced here ever contains one, nor any raw piece of the input that could hold one.
 */

export type DatabaseDriver = "sqlite3" | "mysql" | "postgres";

export type DatabaseLocation =
  | { driver: "sqlite3"; file: string }
  | {
      driver: "mysql";
      host: string;
      port: number;
      /** Set for unix(/path) addresses; host and port then only serve descriptions. */
      socketPath?: string;
      user: string;
      password: string;
      database: string;
      /** The DSN's ?key=value parameters (parseTime, tls, ...), unescaped; none are acted on yet. */
      params: Readonly<Record<string, string>>;
    }
  | {
      driver: "postgres";
      /** The URL as given, for pg's Pool; it contains the password. */
      connectionString: string;
      host: string;
      port: number;
      user: string;
      database: string;
    };

export class DatabaseLocationError extends Error {
  override name = "DatabaseLocationError";
}

const MYSQL_DEFAULT_PORT = 3306;
const POSTGRES_DEFAULT_PORT = 5432;
const MYSQL_FORMAT = "expected [user[:password]@][net[(addr)]]/dbname[?param=value&...], e.g. cc:secret@tcp(127.0.0.1:3306)/ccbackend";
const POSTGRES_FORMAT = "expected postgres://user[:password]@host[:port]/dbname[?param=value&...]";

export function parseDatabaseLocation(driver: DatabaseDriver, db: string): DatabaseLocation {
  if (typeof db !== "string" || db.trim() === "") throw new DatabaseLocationError(`the db setting is empty; db-driver ${driver} needs ${driver === "sqlite3" ? "a database file path" : "a connection string"}`);
  switch (driver) {
    case "sqlite3":
      return { driver, file: db };
    case "mysql":
      return parseMysqlDsn(db);
    case "postgres":
      return parsePostgresUrl(db);
    default:
      throw new DatabaseLocationError(`unknown db-driver ${JSON.stringify(driver)}: expected sqlite3, mysql or postgres`);
  }
}

/** A one-line description for logs and error messages: everything needed to find the database, but no password. */
export function describeDatabase(loc: DatabaseLocation): string {
  switch (loc.driver) {
    case "sqlite3":
      return `sqlite3 database ${loc.file}`;
    case "mysql": {
      const address = loc.socketPath === undefined ? `${bracketIpv6(loc.host)}:${loc.port}` : `unix(${loc.socketPath})`;
      return `mysql://${loc.user}@${address}/${loc.database}`;
    }
    case "postgres": {
      const address = loc.host.startsWith("/") ? `unix(${loc.host.replace(/\/$/, "")}/.s.PGSQL.${loc.port})` : `${bracketIpv6(loc.host)}:${loc.port}`;
      return `postgres://${loc.user}@${address}/${loc.database}`;
    }
  }
}

function bracketIpv6(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

function decode(text: string, what: string, format: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new DatabaseLocationError(`invalid percent-encoding in the ${what}: ${format}`);
  }
}

/**
 * go-sql-driver/mysql's DSN rules: the last '/' starts the database name (so passwords may contain
 * '/'), the last '@' before it ends the credentials (so passwords may contain '@'), and the first ':'
 * in the credentials ends the user name (so passwords may contain ':').
 */
function parseMysqlDsn(dsn: string): DatabaseLocation {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dsn)) throw new DatabaseLocationError(`the mysql db setting is a URL, but cc-backend reads Go's MySQL DSN: ${MYSQL_FORMAT}`);
  const slash = dsn.lastIndexOf("/");
  if (slash < 0) throw new DatabaseLocationError(`the mysql DSN has no '/' before the database name: ${MYSQL_FORMAT}`);
  const head = dsn.slice(0, slash);
  const tail = dsn.slice(slash + 1);

  const at = head.lastIndexOf("@");
  const credentials = at < 0 ? "" : head.slice(0, at);
  const colon = credentials.indexOf(":");
  const user = colon < 0 ? credentials : credentials.slice(0, colon);
  const password = colon < 0 ? "" : credentials.slice(colon + 1);
  if (user === "") throw new DatabaseLocationError(`the mysql DSN has no user name: ${MYSQL_FORMAT}`);

  const { host, port, socketPath } = parseMysqlAddress(head.slice(at + 1));

  const question = tail.indexOf("?");
  const database = decode(question < 0 ? tail : tail.slice(0, question), "mysql database name", MYSQL_FORMAT);
  if (database === "") throw new DatabaseLocationError(`the mysql DSN names no database after the '/': ${MYSQL_FORMAT}`);
  const params = question < 0 ? {} : parseMysqlParams(tail.slice(question + 1));

  return { driver: "mysql", host, port, ...(socketPath === undefined ? {} : { socketPath }), user, password, database, params };
}

/** net[(addr)] with Go's defaults: tcp, 127.0.0.1, port 3306. */
function parseMysqlAddress(text: string): { host: string; port: number; socketPath?: string } {
  const open = text.indexOf("(");
  const net = open < 0 ? text : text.slice(0, open);
  let addr = "";
  if (open >= 0) {
    if (!text.endsWith(")")) throw new DatabaseLocationError(`the mysql DSN's address is missing its closing ')' (special characters in the database name or password must be escaped): ${MYSQL_FORMAT}`);
    addr = text.slice(open + 1, -1);
  }
  switch (net) {
    case "":
    case "tcp":
    case "tcp4":
    case "tcp6":
      return addr === "" ? { host: "127.0.0.1", port: MYSQL_DEFAULT_PORT } : parseHostPort(addr);
    case "unix":
      return { host: "localhost", port: MYSQL_DEFAULT_PORT, socketPath: addr === "" ? "/tmp/mysql.sock" : addr };
    default:
      // The network name is only echoed when it cannot be a misplaced password.
      throw new DatabaseLocationError(`the mysql DSN's network ${/^[a-z0-9]{1,16}$/i.test(net) ? `"${net}" ` : ""}is not supported (use tcp or unix): ${MYSQL_FORMAT}`);
  }
}

function parseHostPort(addr: string): { host: string; port: number } {
  let host: string;
  let portText = "";
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(addr);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2] ?? "";
  } else if (/^[0-9a-f]*:[0-9a-f:.]*:[0-9a-f:.]*$/i.test(addr)) {
    // A bare IPv6 address: Go's driver cannot split it either and appends the default port.
    host = addr;
  } else {
    const match = /^([^:[\]]*)(?::(\d*))?$/.exec(addr);
    if (!match) throw new DatabaseLocationError(`the mysql DSN's tcp address is not host[:port]: ${MYSQL_FORMAT}`);
    // An empty host means the local machine, as for Go's net.Dial.
    host = match[1] || "127.0.0.1";
    portText = match[2] ?? "";
  }
  const port = portText ? Number(portText) : MYSQL_DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DatabaseLocationError(`the mysql DSN's port must be between 1 and 65535: ${MYSQL_FORMAT}`);
  return { host, port };
}

/** Like Go: pairs without '=' are skipped, values are query-unescaped, unknown keys are kept but ignored. */
function parseMysqlParams(query: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) continue;
    params[pair.slice(0, eq)] = decode(pair.slice(eq + 1).replace(/\+/g, " "), "mysql DSN parameter", MYSQL_FORMAT);
  }
  return params;
}

/**
 * A postgres:// or postgresql:// URL, read as pg reads it: host, port and user query parameters win over
 * the URL's own, and an empty host after credentials ("cc@/db") is allowed.
 */
function parsePostgresUrl(connectionString: string): DatabaseLocation {
  if (!/^postgres(ql)?:\/\//i.test(connectionString)) throw new DatabaseLocationError(`the postgres db setting is not a postgres:// URL: ${POSTGRES_FORMAT}`);
  const url = parseUrl(connectionString) ?? parseUrl(connectionString.replace("@/", "@placeholder.invalid/"));
  // The URL parser's own error carries the input, so it is not passed on.
  if (!url) throw new DatabaseLocationError(`the postgres db setting is not a valid URL (percent-encode special characters in the password): ${POSTGRES_FORMAT}`);
  const hostname = url.hostname === "placeholder.invalid" ? "" : url.hostname;
  const query = url.searchParams;
  const user = query.get("user") || decode(url.username, "postgres user name", POSTGRES_FORMAT);
  if (user === "") throw new DatabaseLocationError(`the postgres URL has no user name: ${POSTGRES_FORMAT}`);
  const database = decode(url.pathname.replace(/^\//, ""), "postgres database name", POSTGRES_FORMAT);
  if (database === "") throw new DatabaseLocationError(`the postgres URL names no database: ${POSTGRES_FORMAT}`);
  // A host parameter may name a socket directory, which a URL's authority cannot hold.
  const host = query.get("host") || decode(hostname.replace(/^\[(.*)\]$/, "$1"), "postgres host", POSTGRES_FORMAT) || "localhost";
  const portText = query.get("port") || url.port;
  const port = /^\d+$/.test(portText) ? Number(portText) : portText === "" ? POSTGRES_DEFAULT_PORT : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DatabaseLocationError(`the postgres URL's port must be between 1 and 65535: ${POSTGRES_FORMAT}`);
  return { driver: "postgres", connectionString, host, port, user, database };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
