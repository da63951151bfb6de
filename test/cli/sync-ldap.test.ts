import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { startSlapd, type Slapd } from "../helpers/slapd.ts";
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
  it("adds the directory's users to the user table, with LDAP_ADMIN_PASSWORD from .env", () => {
    const ldap = { url: slapd.url, user_base: slapd.userBase, search_dn: slapd.searchDn, user_bind: `uid={username},${slapd.userBase}`, user_filter: "(&(objectClass=posixAccount)(uid=*))" };
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ db: "./job.db", ldap }));
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
    const db = new Database(path.join(dir, "job.db"), { readonly: true });
    expect(db.prepare("SELECT username, ldap, name, roles FROM user").all()).toEqual([{ username: "lena", ldap: 1, name: "Lena Ldap", roles: '["user"]' }]);
    db.close();
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
