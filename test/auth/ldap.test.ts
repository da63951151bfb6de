import net from "node:net";
import { Client } from "ldapts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escapeDnValue, LdapDirectory, startPeriodicSync, type LdapConfig } from "../../src/auth/ldap.ts";
import { openPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { addUser, findUser } from "../../src/services/users.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { snapshotDatabase, testDatabaseLocation } from "../helpers/test-engine.ts";
import { createJobs } from "../helpers/factories.ts";
import { captureLogger } from "../helpers/logger.ts";
import { startSlapd, type Slapd } from "../helpers/slapd.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const FAILED = { status: "Unauthorized", error: "invalid username or password" };
/** Every user of the seeded directory the sync's filter matches (x,ou=admins is no posixAccount). */
const LDAP_USERS = ["alice", "doe,jane", "lena", "otto"];

let slapd: Slapd | undefined;
let ldap: Slapd;
let config: LdapConfig;
let directory: LdapDirectory;
let app: TestApp;
const clients: PrismaClient[] = [];

afterAll(async () => {
  await slapd?.stop();
  await Promise.all(clients.map((c) => c.$disconnect()));
});

beforeAll(async () => {
  ldap = slapd = await startSlapd();
  config = {
    url: ldap.url,
    user_base: ldap.userBase,
    search_dn: ldap.searchDn,
    user_bind: `uid={username},${ldap.userBase}`,
    user_filter: "(&(objectClass=posixAccount)(uid=*))",
  };
  directory = new LdapDirectory(config, ldap.searchPassword, { timeoutMs: 2000 });
  await ldap.addUser("lena", "Lena Ldap", "lena-pw");
  await ldap.addUser("otto", "Otto Old", "otto-pw");
  // Same name as a local account below: the sync must leave the local one alone.
  await ldap.addUser("alice", "Alice Clash", "ldap-alice-pw");
  await ldap.addLdif(
    [
      // A legitimate uid with a comma, whose DN needs escaping.
      `dn: uid=doe\\,jane,${ldap.userBase}`,
      "objectClass: inetOrgPerson",
      "objectClass: posixAccount",
      "uid: doe,jane",
      "cn: Jane Doe",
      "sn: Doe",
      "gecos: Jane Doe",
      "uidNumber: 20001",
      "gidNumber: 20001",
      "homeDirectory: /home/jdoe",
      "userPassword: jane-pw",
      "",
      // The entry an unescaped "x,ou=admins" would bind as.
      `dn: ou=admins,${ldap.userBase}`,
      "objectClass: organizationalUnit",
      "ou: admins",
      "",
      `dn: uid=x,ou=admins,${ldap.userBase}`,
      "objectClass: inetOrgPerson",
      "uid: x",
      "cn: x",
      "sn: x",
      "userPassword: x-pw",
      "",
    ].join("\n"),
  );

  app = await startTestApp(await freshDatabase(dir), { webRoot: false }, {}, directory);
  await addUser(app.prisma, { username: "alice", roles: ["user"], password: "alice-pw" });
  await addUser(app.prisma, { username: "lena", roles: ["user"], name: "Lena Ldap", ldap: 1 });
  await addUser(app.prisma, { username: "doe,jane", roles: ["user"], ldap: 1 });
  await addUser(app.prisma, { username: "x,ou=admins", roles: ["admin"], ldap: 1 });
  await createJobs(app.prisma, 2, { user: "lena", project: "p1" });
  await createJobs(app.prisma, 3, { user: "alice", project: "p1" });
});

async function login(username: string, password: string) {
  const response = await fetch(`${app.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const cookie = response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  return { status: response.status, body: (await response.json()) as unknown, cookie };
}

async function jobCount(cookie: string): Promise<number | undefined> {
  const response = await fetch(`${app.url}/query`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ query: "{ jobs { count } }" }),
  });
  return ((await response.json()) as { data?: { jobs: { count: number } } }).data?.jobs.count;
}

async function newDatabase(): Promise<{ file: string; prisma: PrismaClient }> {
  const file = await freshDatabase(dir);
  const prisma = openPrismaClient(testDatabaseLocation(file));
  clients.push(prisma);
  return { file, prisma };
}

async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("LDAP login over HTTP", () => {
  it("logs an LDAP user of the user table in with the LDAP password; the session can query jobs", async () => {
    const result = await login("lena", "lena-pw");
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ username: "lena", roles: ["user"] });
    expect(await jobCount(result.cookie)).toBe(2);
  });

  it("refuses a wrong password, an empty password, an unknown user and an LDAP user not yet synced alike", async () => {
    for (const [username, password] of [
      ["lena", "wrong"],
      // An empty password would be an unauthenticated bind, which slapd accepts.
      ["lena", ""],
      ["nobody", "lena-pw"],
      // In LDAP with the right password but not in the user table: cc-backend v1.0 refuses.
      ["otto", "otto-pw"],
    ]) {
      const result = await login(username!, password!);
      expect(result.status, `${username}/${password}`).toBe(401);
      expect(result.body).toEqual(FAILED);
    }
  });

  it("does not accept the LDAP password of a local account, nor the local password of an LDAP account", async () => {
    expect((await login("alice", "ldap-alice-pw")).status).toBe(401);
    expect((await login("alice", "alice-pw")).status).toBe(200);
  });

  it("escapes DN special characters so a user name cannot move the bind to another entry", async () => {
    // The entry exists and its password is right: only the escaping stops the login.
    const direct = new Client({ url: ldap.url, timeout: 2000, connectTimeout: 2000 });
    await expect(direct.bind(`uid=x,ou=admins,${ldap.userBase}`, "x-pw")).resolves.toBeUndefined();
    await direct.unbind();
    const escaped = await login("x,ou=admins", "x-pw");
    expect(escaped.status).toBe(401);
    expect(escaped.body).toEqual(FAILED);
    expect(await directory.authenticate("x,ou=admins", "x-pw")).toBe(false);

    // And a uid that really contains a comma still logs in.
    expect((await login("doe,jane", "jane-pw")).status).toBe(200);
  });

  it("escapes by RFC 4514", () => {
    expect(escapeDnValue("x,ou=admins")).toBe("x\\,ou\\=admins");
    expect(escapeDnValue('a+b"c\\d<e>f;g')).toBe('a\\+b\\"c\\\\d\\<e\\>f\\;g');
    expect(escapeDnValue("#lead and trail ")).toBe("\\#lead and trail\\ ");
    expect(escapeDnValue(" x")).toBe("\\ x");
    expect(escapeDnValue("a\0b")).toBe("a\\00b");
    expect(escapeDnValue("plain.name-1")).toBe("plain.name-1");
  });
});

describe("LDAP sync", () => {
  it("adds LDAP users (ldap = 1, role user, name from gecos, no password) and leaves local accounts alone", async () => {
    const { prisma } = await newDatabase();
    await addUser(prisma, { username: "alice", roles: ["admin"], password: "alice-pw", name: "Alice Local" });
    await addUser(prisma, { username: "zoe", roles: ["user"], password: "zoe-pw" });
    const localBefore = await prisma.user.findMany({ where: { ldap: 0 }, orderBy: { username: "asc" } });

    const result = await directory.sync(prisma);
    expect(result.added.sort()).toEqual(["doe,jane", "lena", "otto"]);
    expect(result.skipped).toEqual(["alice"]);
    expect(result.removed).toEqual([]);

    const lena = await prisma.user.findUnique({ where: { username: "lena" } });
    expect(lena).toMatchObject({ ldap: 1, name: "Lena Ldap", password: null });
    expect(JSON.parse(lena!.roles)).toEqual(["user"]);
    expect((await findUser(prisma, "doe,jane"))?.name).toBe("Jane Doe");
    expect(await prisma.user.findMany({ where: { ldap: 0 }, orderBy: { username: "asc" } })).toEqual(localBefore);

    // A second run changes nothing.
    expect(await directory.sync(prisma)).toEqual({ added: [], removed: [], skipped: ["alice"] });
  });

  it("deletes LDAP users that left LDAP only with sync_del_old_users", async () => {
    const { prisma } = await newDatabase();
    await addUser(prisma, { username: "zoe", roles: ["user"], password: "zoe-pw" });
    await ldap.addUser("temp", "Temp Orary", "temp-pw");
    expect((await directory.sync(prisma)).added).toContain("temp");
    await ldap.removeUser("temp");

    expect((await directory.sync(prisma)).removed).toEqual([]);
    expect(await findUser(prisma, "temp")).toBeDefined();

    const deleting = new LdapDirectory({ ...config, sync_del_old_users: true }, ldap.searchPassword, { timeoutMs: 2000 });
    expect(await deleting.sync(prisma)).toEqual({ added: [], removed: ["temp"], skipped: [] });
    expect(await findUser(prisma, "temp")).toBeUndefined();
    expect(await findUser(prisma, "zoe")).toBeDefined();
    expect((await prisma.user.findMany({ where: { ldap: 1 }, orderBy: { username: "asc" } })).map((u) => u.username)).toEqual(LDAP_USERS);
  });

  it("refuses to sync without LDAP_ADMIN_PASSWORD or with a wrong one, and changes nothing", async () => {
    const { file, prisma } = await newDatabase();
    await addUser(prisma, { username: "old", roles: ["user"], ldap: 1 });
    const before = await snapshotDatabase(file);
    for (const password of [undefined, ""]) {
      const withoutPassword = new LdapDirectory({ ...config, sync_del_old_users: true }, password);
      await expect(withoutPassword.sync(prisma)).rejects.toThrow(/LDAP_ADMIN_PASSWORD/);
    }
    const wrongPassword = new LdapDirectory({ ...config, sync_del_old_users: true }, "wrong", { timeoutMs: 2000 });
    await expect(wrongPassword.sync(prisma)).rejects.toThrow(/bind as cn=hpcmonitoring,dc=example,dc=org failed: InvalidCredentials.*LDAP_ADMIN_PASSWORD/);
    expect(await snapshotDatabase(file)).toEqual(before);
  });

  it("reads sync_interval as a Go duration", () => {
    expect(new LdapDirectory({ ...config, sync_interval: "24h" }, "pw").syncIntervalSeconds).toBe(86_400);
    expect(new LdapDirectory({ ...config, sync_interval: "" }, "pw").syncIntervalSeconds).toBe(0);
    expect(new LdapDirectory({ ...config, sync_interval: "0" }, "pw").syncIntervalSeconds).toBe(0);
    expect(new LdapDirectory(config, "pw").syncIntervalSeconds).toBe(0);
  });
});

describe("periodic LDAP sync", () => {
  it("runs at the interval, logs its result, and stops when told", async () => {
    const { prisma } = await newDatabase();
    const { logger, messages } = captureLogger();
    const stop = startPeriodicSync(directory, prisma, 0.3, logger);
    await waitFor(async () => (await findUser(prisma, "lena")) !== undefined);
    await waitFor(() => messages().includes("LDAP sync done"));
    stop();
    const runs = messages().length;

    await ldap.addUser("later", "Later Comer", "later-pw");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await findUser(prisma, "later")).toBeUndefined();
    expect(messages()).toHaveLength(runs);
    await ldap.removeUser("later");
  });

  it("logs a failing sync as a warning and keeps going", async () => {
    const { prisma } = await newDatabase();
    const { logger, messages } = captureLogger();
    const stop = startPeriodicSync(new LdapDirectory(config, undefined), prisma, 0.2, logger);
    await waitFor(() => messages().filter((m) => m === "LDAP sync failed").length >= 2);
    stop();
    expect(await prisma.user.count()).toBe(0);
  });

  it("does nothing for an interval of 0", async () => {
    const { prisma } = await newDatabase();
    const { logger, messages } = captureLogger();
    const stop = startPeriodicSync(directory, prisma, 0, logger);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stop();
    expect(messages()).toEqual([]);
    expect(await prisma.user.count()).toBe(0);
  });
});

describe("LDAP server unavailable", () => {
  it("a server that accepts connections but never answers does not hang the login", async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const url = `ldap://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
      const hanging = new LdapDirectory({ ...config, url }, ldap.searchPassword, { timeoutMs: 300 });
      const started = Date.now();
      expect(await hanging.authenticate("lena", "lena-pw")).toBe(false);
      await expect(hanging.sync(app.prisma)).rejects.toThrow(/timed out/i);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  // Last: stops the shared slapd.
  it("refuses LDAP logins with the usual message once slapd is stopped, and local logins keep working", async () => {
    await ldap.stop();
    const started = Date.now();
    const result = await login("lena", "lena-pw");
    expect(result.status).toBe(401);
    expect(result.body).toEqual(FAILED);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await directory.authenticate("lena", "lena-pw")).toBe(false);
    await expect(directory.sync(app.prisma)).rejects.toThrow(/LDAP server/);

    const local = await login("alice", "alice-pw");
    expect(local.status).toBe(200);
    expect(await jobCount(local.cookie)).toBe(3);
  });
});
