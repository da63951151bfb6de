import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator } from "../../src/auth/auth.ts";
import { keysFromEnv } from "../../src/auth/jwt.ts";
import { generateKeyPair } from "../../src/auth/keys.ts";
import { parseConfig } from "../../src/config/load.ts";
import { openPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { silentLogger } from "../../src/log.ts";
import { createApp } from "../../src/server/app.ts";
import { addUser, findUser } from "../../src/services/users.ts";
import { freshDatabase } from "../helpers/db.ts";
import { testDatabaseLocation } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("ccb-https-");
const crossSecret = Buffer.from("secret shared with the portal that hands out login tokens");
let server: https.Server;
let prisma: PrismaClient;
let base: string;

function request(method: string, url: string, body?: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
    const req = https.request(url, { method, rejectUnauthorized: false, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function hs512(claims: object, secret = crossSecret): string {
  const input = `${b64({ alg: "HS512", typ: "JWT" })}.${b64(claims)}`;
  return `${input}.${createHmac("sha512", secret).update(input).digest("base64url")}`;
}

beforeAll(async () => {
  execFileSync("openssl", ["req", "-x509", "-newkey", "ed25519", "-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
  prisma = openPrismaClient(testDatabaseLocation(await freshDatabase(dir)));
  await addUser(prisma, { username: "ada", roles: ["admin"], password: "ada-pw" });
  const config = parseConfig({}).config;
  const pair = generateKeyPair();
  const keys = keysFromEnv({ JWT_PUBLIC_KEY: pair.publicKey, JWT_PRIVATE_KEY: pair.privateKey, CROSS_LOGIN_JWT_HS512_KEY: crossSecret.toString("base64") });
  const app = createApp({ prisma, config, logger: silentLogger }, new Authenticator(prisma, config, keys), { webRoot: false, sessionKey: "k".repeat(32), secure: true });
  server = https.createServer({ cert: readFileSync(path.join(dir, "cert.pem")), key: readFileSync(path.join(dir, "key.pem")) }, app.callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await prisma?.$disconnect();
});

describe("under HTTPS", () => {
  it("session cookies are Secure and responses carry HSTS", async () => {
    const response = await request("POST", `${base}/login`, JSON.stringify({ username: "ada", password: "ada-pw" }), { "content-type": "application/json" });
    expect(response.status).toBe(200);
    const cookies = response.headers["set-cookie"] as string[];
    expect(cookies.find((c) => c.startsWith("session="))).toMatch(/;\s*secure/i);
    expect(response.headers["strict-transport-security"]).toMatch(/max-age=\d+/);
  });
});

describe("cross-login tokens (/login?login-token=...)", () => {
  it("log in a user vouched for by the portal's HS512 token, creating the account", async () => {
    const response = await request("GET", `${base}/login?login-token=${hs512({ sub: "portal-user", roles: ["user"] })}`);
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe("/");
    expect((response.headers["set-cookie"] as string[]).some((c) => c.startsWith("session="))).toBe(true);
    expect(await findUser(prisma, "portal-user")).toMatchObject({ roles: ["user"], hasPassword: false });
  });

  it("refuse a token signed with another secret", async () => {
    const response = await request("GET", `${base}/login?login-token=${hs512({ sub: "mallory", roles: ["admin"] }, Buffer.from("guess"))}`);
    expect(response.headers.location).toBe("/login?error=invalid%20token");
    expect(response.headers["set-cookie"]).toBeUndefined();
    expect(await findUser(prisma, "mallory")).toBeUndefined();
  });
});
