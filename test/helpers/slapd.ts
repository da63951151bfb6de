import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** Debian's slapd and ldap-utils (packages slapd, ldap-utils). */
const SLAPD = "/usr/sbin/slapd";
const MODULE_PATH = "/usr/lib/ldap";
const SCHEMA_DIR = "/etc/ldap/schema";
const SCHEMAS = ["core", "cosine", "inetorgperson", "nis"];

const SUFFIX = "dc=example,dc=org";

export interface Slapd {
  url: string;
  adminDn: string;
  adminPassword: string;
  /** Where the users are (ou=people). */
  userBase: string;
  /** The search user for the sync and its password (LDAP_ADMIN_PASSWORD). */
  searchDn: string;
  searchPassword: string;
  /** A posixAccount + inetOrgPerson entry uid=<uid>,ou=people with gecos and cn = name. */
  addUser(uid: string, name: string, password: string): Promise<void>;
  removeUser(uid: string): Promise<void>;
  /** Adds arbitrary entries (LDIF) as the root DN. */
  addLdif(ldif: string): Promise<void>;
  /** Ends slapd and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`))));
    child.stdin.end(input);
  });
}

/** An LDIF line; values LDIF cannot carry as plain text (non-ASCII, leading space or colon) go base64. */
function ldifLine(attribute: string, value: string): string {
  return /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(" ")
    ? `${attribute}: ${value}`
    : `${attribute}:: ${Buffer.from(value, "utf8").toString("base64")}`;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`slapd exited early (${child.exitCode ?? child.signalCode}): ${output()}`);
    const connected = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => (socket.destroy(), resolve(false)));
    });
    if (connected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`slapd did not listen on port ${port} within ${timeoutMs} ms: ${output()}`);
}

/**
 * A real OpenLDAP server on a free loopback port with an mdb database for dc=example,dc=org, seeded with
 * ou=people and the search user cn=hpcmonitoring. Anonymous clients can only bind: reading needs a bind,
 * so a sync that forgot to bind sees nothing.
 */
export async function startSlapd(): Promise<Slapd> {
  for (const file of [SLAPD, path.join(MODULE_PATH, "back_mdb.so"), ...SCHEMAS.map((s) => path.join(SCHEMA_DIR, `${s}.schema`))]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: install Debian's slapd and ldap-utils`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "ccb-slapd-"));
  mkdirSync(path.join(dir, "db"));
  const adminDn = `cn=admin,${SUFFIX}`;
  const adminPassword = "admin-secret";
  const userBase = `ou=people,${SUFFIX}`;
  const searchDn = `cn=hpcmonitoring,${SUFFIX}`;
  const searchPassword = "search-secret";
  const conf = path.join(dir, "slapd.conf");
  writeFileSync(
    conf,
    [
      ...SCHEMAS.map((s) => `include ${path.join(SCHEMA_DIR, `${s}.schema`)}`),
      `modulepath ${MODULE_PATH}`,
      "moduleload back_mdb",
      `pidfile ${path.join(dir, "slapd.pid")}`,
      `argsfile ${path.join(dir, "slapd.args")}`,
      "database mdb",
      "maxsize 16777216",
      `suffix "${SUFFIX}"`,
      `rootdn "${adminDn}"`,
      `rootpw ${adminPassword}`,
      `directory ${path.join(dir, "db")}`,
      "access to attrs=userPassword by self write by anonymous auth by * none",
      "access to * by users read by * none",
      "",
    ].join("\n"),
  );

  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}/`;
  // -d 0: stay in the foreground (so the child is slapd itself and can be killed by pid) without debug output.
  const child = spawn(SLAPD, ["-f", conf, "-h", url, "-d", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // If the test worker dies without running afterAll, slapd must not outlive it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const ldapadd = (ldif: string) => run("ldapadd", ["-x", "-D", adminDn, "-w", adminPassword, "-H", url], ldif);
  let nextUidNumber = 10_000;
  try {
    await waitForPort(port, child, () => output);
    await ldapadd(
      [
        `dn: ${SUFFIX}`,
        "objectClass: dcObject",
        "objectClass: organization",
        "dc: example",
        "o: Example",
        "",
        `dn: ${userBase}`,
        "objectClass: organizationalUnit",
        "ou: people",
        "",
        `dn: ${searchDn}`,
        "objectClass: organizationalRole",
        "objectClass: simpleSecurityObject",
        "cn: hpcmonitoring",
        `userPassword: ${searchPassword}`,
        "",
      ].join("\n"),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    adminDn,
    adminPassword,
    userBase,
    searchDn,
    searchPassword,
    addLdif: ldapadd,
    async addUser(uid, name, password) {
      const uidNumber = nextUidNumber++;
      await ldapadd(
        [
          `dn: uid=${uid},${userBase}`,
          "objectClass: inetOrgPerson",
          "objectClass: posixAccount",
          ldifLine("uid", uid),
          ldifLine("cn", name),
          ldifLine("sn", name.split(" ").at(-1) || uid),
          ldifLine("gecos", name),
          `uidNumber: ${uidNumber}`,
          `gidNumber: ${uidNumber}`,
          `homeDirectory: /home/${uid}`,
          ldifLine("userPassword", password),
          "",
        ].join("\n"),
      );
    },
    async removeUser(uid) {
      await run("ldapdelete", ["-x", "-D", adminDn, "-w", adminPassword, "-H", url], `uid=${uid},${userBase}\n`);
    },
    stop,
  };
}
