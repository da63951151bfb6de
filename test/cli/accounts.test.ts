/** Local accounts from the CLI, on the run's database engine: --add-user, --del-user and --jwt. */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { freshDatabase } from "../helpers/db.ts";
import { databaseConfig, queryDatabase, TEST_ENGINE } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = tempDir("ccb-accounts-");
let n = 0;

/** A site made by --init; on a server its config.json points at a new database there. */
async function newSite(): Promise<{ dir: string; db: string }> {
  const dir = path.join(root, String(n++));
  mkdirSync(dir);
  expect(runCli(["--init"], dir).code).toBe(0);
  if (TEST_ENGINE === "sqlite") return { dir, db: path.join(dir, "var", "job.db") };
  const db = await freshDatabase(dir);
  const config = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, ...databaseConfig(db) }));
  return { dir, db };
}

const users = (db: string) => queryDatabase<{ username: string; roles: string; password: string | null }>(db, 'SELECT username, roles, password FROM "user" ORDER BY username');

describe("cc-backend accounts", () => {
  it("--add-user and --del-user manage local accounts with bcrypt hashes", async () => {
    const { dir, db } = await newSite();
    const add = runCli(["--add-user", "alice:admin,api:s3cret:with:colons"], dir);
    expect(add.code, add.stderr).toBe(0);
    const [alice] = await users(db);
    expect(alice!.username).toBe("alice");
    expect(JSON.parse(alice!.roles)).toEqual(["admin", "api"]);
    expect(bcrypt.compareSync("s3cret:with:colons", alice!.password!)).toBe(true);

    const again = runCli(["--add-user", "alice:user:x"], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/user "alice" already exists/);
    const badRole = runCli(["--add-user", "bob:wizard:x"], dir);
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/unknown role "wizard"/);

    expect(runCli(["--del-user", "alice"], dir).code).toBe(0);
    expect(await users(db)).toEqual([]);
    const gone = runCli(["--del-user", "alice"], dir);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/user "alice" does not exist/);
  });

  it("--jwt prints a token for a user, signed with the key pair from .env", async () => {
    const { dir } = await newSite();
    expect(runCli(["--add-user", "robot:api:secret"], dir).code).toBe(0);
    const { code, stdout, stderr } = runCli(["--jwt", "robot"], dir);
    expect(code, stderr).toBe(0);
    const token = stdout.trim();
    expect(stdout.split("\n").filter(Boolean)).toHaveLength(1);
    const env = readFileSync(path.join(dir, ".env"), "utf8");
    const publicKey = /^JWT_PUBLIC_KEY="(.*)"$/m.exec(env)![1]!;
    const { verifyToken } = await import("../../src/auth/jwt.ts");
    const { keysFromEnv } = await import("../../src/auth/jwt.ts");
    expect(await verifyToken(keysFromEnv({ JWT_PUBLIC_KEY: publicKey }), token)).toMatchObject({ username: "robot", roles: ["api"] });
    // jwts.max-age 2000h from --init's config.json
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims.exp - claims.iat).toBe(2000 * 3600);

    const unknown = runCli(["--jwt", "nobody"], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/user "nobody" does not exist/);
    writeFileSync(path.join(dir, ".env"), env.replace(/^JWT_PRIVATE_KEY=.*$/m, 'JWT_PRIVATE_KEY=""'));
    const noKey = runCli(["--jwt", "robot"], dir);
    expect(noKey.code).toBe(1);
    expect(noKey.stderr.trim()).toBe("cc-backend: cannot issue tokens: JWT_PRIVATE_KEY is not set");
  });

});
