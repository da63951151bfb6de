import { describe, expect, it } from "vitest";
import { DatabaseLocationError, describeDatabase, parseDatabaseLocation } from "../../src/db/dsn.ts";

const mysql = (dsn: string) => parseDatabaseLocation("mysql", dsn);
const postgres = (url: string) => parseDatabaseLocation("postgres", url);

/** The error thrown for `input`, which must be a DatabaseLocationError. */
function failure(driver: "sqlite3" | "mysql" | "postgres", input: string): DatabaseLocationError {
  try {
    parseDatabaseLocation(driver, input);
  } catch (error) {
    expect(error).toBeInstanceOf(DatabaseLocationError);
    return error as DatabaseLocationError;
  }
  throw new Error(`${JSON.stringify(input)} was accepted`);
}

describe("sqlite3", () => {
  it("takes the value as a file path", () => {
    expect(parseDatabaseLocation("sqlite3", "./var/job.db")).toEqual({ driver: "sqlite3", file: "./var/job.db" });
    expect(describeDatabase({ driver: "sqlite3", file: "./var/job.db" })).toBe("sqlite3 database ./var/job.db");
  });

  it("rejects an empty path", () => {
    expect(failure("sqlite3", "").message).toMatch(/empty.*file path/);
    expect(failure("sqlite3", "  ").message).toMatch(/empty/);
  });
});

describe("mysql (go-sql-driver DSN)", () => {
  it("reads cc-backend's documented example", () => {
    expect(mysql("cc:secret@tcp(127.0.0.1:3306)/ccbackend?parseTime=true")).toEqual({
      driver: "mysql",
      host: "127.0.0.1",
      port: 3306,
      user: "cc",
      password: "secret",
      database: "ccbackend",
      params: { parseTime: "true" },
    });
  });

  it("splits at the last '@' and the first ':', so passwords may contain '@', ':' and '/'", () => {
    const loc = mysql("cc:p@ss:w/rd@x@tcp(db.example.org:3307)/jobs");
    expect(loc).toMatchObject({ user: "cc", password: "p@ss:w/rd@x", host: "db.example.org", port: 3307, database: "jobs" });
  });

  it("applies Go's defaults: tcp, 127.0.0.1, port 3306, empty password", () => {
    expect(mysql("cc@/ccbackend")).toMatchObject({ user: "cc", password: "", host: "127.0.0.1", port: 3306, database: "ccbackend" });
    expect(mysql("cc:pw@tcp/ccbackend")).toMatchObject({ host: "127.0.0.1", port: 3306 });
    expect(mysql("cc:pw@tcp(db)/ccbackend")).toMatchObject({ host: "db", port: 3306 });
    expect(mysql("cc:pw@tcp(:3310)/ccbackend")).toMatchObject({ host: "127.0.0.1", port: 3310 });
    expect(mysql("cc:pw@tcp(db)/ccbackend")).not.toHaveProperty("socketPath");
  });

  it("reads IPv6 addresses with and without a port", () => {
    expect(mysql("cc:pw@tcp([::1]:3307)/x")).toMatchObject({ host: "::1", port: 3307 });
    expect(mysql("cc:pw@tcp6([fe80::1])/x")).toMatchObject({ host: "fe80::1", port: 3306 });
    expect(mysql("cc:pw@tcp(::1)/x")).toMatchObject({ host: "::1", port: 3306 });
  });

  it("reads unix socket addresses", () => {
    expect(mysql("cc:pw@unix(/run/mysqld/mysqld.sock)/ccbackend")).toMatchObject({ socketPath: "/run/mysqld/mysqld.sock", database: "ccbackend", user: "cc" });
    expect(mysql("cc@unix/ccbackend")).toMatchObject({ socketPath: "/tmp/mysql.sock" });
  });

  it("keeps parameters without acting on them, skipping malformed ones", () => {
    const loc = mysql("cc:pw@tcp(h:1)/db?parseTime=true&loc=Europe%2FBerlin&novalue&=x&charset=utf8mb4,utf8&timeout=5s");
    expect(loc).toMatchObject({ database: "db", params: { parseTime: "true", loc: "Europe/Berlin", charset: "utf8mb4,utf8", timeout: "5s" } });
    expect(mysql("cc:pw@tcp(h:1)/db?")).toMatchObject({ database: "db", params: {} });
  });

  it("unescapes the database name", () => {
    expect(mysql("cc:pw@tcp(h)/cc%20backend")).toMatchObject({ database: "cc backend" });
  });

  it("describes the location without the password", () => {
    const described = describeDatabase(mysql("cc:top-secret@tcp(db:3307)/jobs?parseTime=true"));
    expect(described).toBe("mysql://cc@db:3307/jobs");
    expect(describeDatabase(mysql("cc:top-secret@unix(/run/mysqld/mysqld.sock)/jobs"))).toBe("mysql://cc@unix(/run/mysqld/mysqld.sock)/jobs");
    expect(describeDatabase(mysql("cc:top-secret@tcp([::1]:3307)/jobs"))).toBe("mysql://cc@[::1]:3307/jobs");
  });

  it.each([
    ["empty", "", /empty/],
    ["no slash", "cc:top-secret@tcp(127.0.0.1:3306)", /no '\/'/],
    ["no database name", "cc:top-secret@tcp(127.0.0.1:3306)/", /no database/],
    ["no database name but params", "cc:top-secret@tcp(127.0.0.1:3306)/?parseTime=true", /no database/],
    ["no user", "tcp(127.0.0.1:3306)/ccbackend", /no user/],
    ["empty user", ":top-secret@tcp(127.0.0.1)/ccbackend", /no user/],
    ["unclosed address", "cc:top-secret@tcp(127.0.0.1:3306/ccbackend", /closing '\)'/],
    ["unknown network", "cc:top-secret@udp(127.0.0.1)/ccbackend", /network "udp" is not supported/],
    ["a URL instead of a DSN", "mysql://cc:top-secret@127.0.0.1:3306/ccbackend", /is a URL/],
    ["port out of range", "cc:top-secret@tcp(127.0.0.1:99999)/ccbackend", /port/],
    ["non-numeric port", "cc:top-secret@tcp(db:abc)/ccbackend", /host\[:port\]/],
    ["garbage", "top-secret", /no '\/'/],
    ["bad percent-encoding", "cc:top-secret@tcp(h)/db%zz", /percent-encoding/],
  ])("rejects %s with a clear message that does not reveal the password", (_name, input, message) => {
    const error = failure("mysql", input);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("top-secret");
  });

  it("does not echo a network name that could be a misplaced password", () => {
    // A forgotten '@' leaves no user name; a stray '@' turns the rest of the credentials into the network name.
    const forgotten = failure("mysql", "cc:top-secret(h)/db");
    expect(forgotten.message).toMatch(/no user name/);
    expect(forgotten.message).not.toContain("top-secret");
    const stray = failure("mysql", "c@c:top-secret(h)/db");
    expect(stray.message).toMatch(/network is not supported/);
    expect(stray.message).not.toContain("top-secret");
  });
});

describe("postgres (URL)", () => {
  it("reads a full URL and keeps it as the connection string", () => {
    const url = "postgres://cc:secret@db.example.org:5433/ccbackend?sslmode=require";
    expect(postgres(url)).toEqual({ driver: "postgres", connectionString: url, host: "db.example.org", port: 5433, user: "cc", database: "ccbackend" });
  });

  it("accepts postgresql:// and applies the default host and port", () => {
    expect(postgres("postgresql://cc@/ccbackend")).toMatchObject({ host: "localhost", port: 5432, user: "cc", database: "ccbackend" });
    expect(postgres("postgres://cc:pw@db/ccbackend")).toMatchObject({ host: "db", port: 5432 });
  });

  it("decodes percent-encoded parts and reads IPv6 hosts", () => {
    expect(postgres("postgres://c%40c:p%40ss%3Aw%2Frd@[::1]:5433/cc%20db")).toMatchObject({ user: "c@c", host: "::1", port: 5433, database: "cc db" });
  });

  it("takes host, port and user from query parameters over the URL's, as pg does", () => {
    expect(postgres("postgres:///jobs?host=/var/run/postgresql&port=5433&user=cc")).toMatchObject({ host: "/var/run/postgresql", port: 5433, user: "cc", database: "jobs" });
    expect(postgres("postgres://cc:pw@db:1/jobs?host=other&port=2&user=dd")).toMatchObject({ host: "other", port: 2, user: "dd" });
    expect(postgres("postgres://cc@%2Fvar%2Frun%2Fpostgresql/jobs")).toMatchObject({ host: "/var/run/postgresql", database: "jobs" });
  });

  it("describes the location without the password", () => {
    expect(describeDatabase(postgres("postgres://cc:top-secret@db:5433/jobs?sslmode=require"))).toBe("postgres://cc@db:5433/jobs");
    expect(describeDatabase(postgres("postgres://cc:top-secret@[::1]/jobs"))).toBe("postgres://cc@[::1]:5432/jobs");
    expect(describeDatabase(postgres("postgres://cc@/jobs?host=/var/run/postgresql"))).toBe("postgres://cc@unix(/var/run/postgresql/.s.PGSQL.5432)/jobs");
  });

  it.each([
    ["empty", "", /empty/],
    ["not a URL", "host=db user=cc password=top-secret dbname=jobs", /not a postgres:\/\/ URL/],
    ["another scheme", "mysql://cc:top-secret@db/jobs", /not a postgres:\/\/ URL/],
    ["no database name", "postgres://cc:top-secret@db:5432/", /names no database/],
    ["no database name at all", "postgres://cc:top-secret@db:5432", /names no database/],
    ["no user", "postgres://:top-secret@db/jobs", /no user/],
    ["invalid port", "postgres://cc:top-secret@db:99999/jobs", /not a valid URL|port/],
    ["invalid port parameter", "postgres://cc:top-secret@db/jobs?port=5x", /port must be/],
    ["invalid URL", "postgres://cc:top-secret@db:12ab/jobs", /not a valid URL/],
    ["bad percent-encoding", "postgres://cc:top-secret@db/jo%zzbs", /percent-encoding/],
  ])("rejects %s with a clear message that does not reveal the password", (_name, input, message) => {
    const error = failure("postgres", input);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain("top-secret");
  });
});

it("rejects an unknown driver", () => {
  expect(() => parseDatabaseLocation("oracle" as never, "x")).toThrow(/unknown db-driver "oracle"/);
});
