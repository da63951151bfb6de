import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { startSlapd, type Slapd } from "../helpers/slapd.ts";
import { freshDatabase } from "../helpers/db.ts";
import { databaseConfig, queryDatabase, TEST_ENGINE } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

let slapd: Slapd;
const dir = path.join(tempDir("ccb-cli-ldap-"), "site");

beforeAll(async () => {
  slapd = await startSlapd();
  await slapd.addUser("lena", "Lena Ldap", "lena-pw");
  mkdirSync(dir);
});
afterAll(async () => slapd?.stop());

describe("cc-backend --sync-ldap", () => {
  it("adds the directory's users to the user table, with LDAP_ADMIN_PASSWORD from .env", async () => {
    const ldap = { url: slapd.url, user_base: slapd.userBase, search_dn: slapd.searchDn, user_bind: `uid={username},${slapd.userBase}`, user_filter: "(&(objectClass=posixAccount)(uid=*))" };
    // On SQLite a new file that --migrate-db creates; on a server a new (already migrated) database.
    const db = TEST_ENGINE === "sqlite" ? path.join(dir, "job.db") : await freshDatabase(dir);
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...databaseConfig(db), ldap }));
    expect(runCli(["--migrate-db"], dir).code).toBe(0);

    writeFileSync(path.join(dir, ".env"), 'LDAP_ADMIN_PASSWORD=""\n');
    const noPassword = runCli(["--sync-ldap"], dir);
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr.trim().split("\n")).toHaveLength(1);
    expect(noPassword.stderr).toMatch(/LDAP_ADMIN_PASSWORD/);

    writeFileSync(path.join(dir, ".env"), `LDAP_ADMIN_PASSWORD="${slapd.searchPassword}"\n`);
    const { code, stdout, stderr } = runCli(["--sync-ldap"], dir);
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe("LDAP sync: 1 added, 0 removed, 0 skipped");
    const users = await queryDatabase(db, 'SELECT username, ldap, name, roles FROM "user"');
    expect(users).toEqual([{ username: "lena", ldap: 1, name: "Lena Ldap", roles: '["user"]' }]);
  });

  it("says so when config.json has no ldap section", () => {
    const other = path.join(path.dirname(dir), "plain");
    mkdirSync(other);
    writeFileSync(path.join(other, "config.json"), JSON.stringify({ db: "./job.db" }));
    runCli(["--migrate-db"], other);
    const { code, stderr } = runCli(["--sync-ldap"], other);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("cc-backend: --sync-ldap: no ldap section in config.json");
  });
});
