import { beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/jwt.ts";
import { addUser } from "../../src/services/users.ts";
import { startTestApp, testKeys, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createJobs } from "../helpers/factories.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: TestApp;
const COUNT = "{ jobs { count } }";

beforeAll(async () => {
  app = await startTestApp(await freshDatabase(dir), { webRoot: false }, {});
  await addUser(app.prisma, { username: "alice", roles: ["user"], password: "alice-pw" });
  await addUser(app.prisma, { username: "mona", roles: ["manager", "user"], password: "mona-pw", projects: ["p1"] });
  await addUser(app.prisma, { username: "ada", roles: ["admin"], password: "ada-pw" });
  await addUser(app.prisma, { username: "lars", roles: ["user"], password: "lars-pw" });
  await createJobs(app.prisma, 3, { user: "alice", project: "p1" });
  await createJobs(app.prisma, 4, { user: "bob", project: "p1" });
  await createJobs(app.prisma, 5, { user: "carl", project: "p2" });
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.url}${path}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** Logs in and returns the Cookie header the browser would send afterwards. */
async function login(username: string, password: string): Promise<string> {
  const response = await post("/login", { username, password });
  expect(response.status, `login ${username}`).toBe(200);
  return response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

async function count(headers: Record<string, string>): Promise<{ status: number; count?: number; body: unknown }> {
  const response = await post("/query", { query: COUNT }, headers);
  const body = (await response.json()) as { data?: { jobs: { count: number } } };
  return { status: response.status, count: body.data?.jobs.count, body };
}

describe("authentication over HTTP", () => {
  it("refuses GraphQL without credentials: 401 with cc-backend's error body", async () => {
    const result = await count({});
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ status: "Unauthorized", error: "authentication required" });
  });

  it("logs in with a signed, HttpOnly, SameSite session cookie, and logs out", async () => {
    const response = await post("/login", { username: "alice", password: "alice-pw" });
    const cookies = response.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith("session="))).toMatch(/httponly/i);
    expect(cookies.find((c) => c.startsWith("session="))).toMatch(/samesite=lax/i);
    expect(cookies.some((c) => c.startsWith("session.sig="))).toBe(true);
    const cookie = cookies.map((c) => c.split(";")[0]).join("; ");
    expect((await count({ cookie })).count).toBe(3);

    const logout = await fetch(`${app.url}/logout`, { redirect: "manual", headers: { cookie } });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe("/login");
    const cleared = logout.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    expect((await count({ cookie: cleared })).status).toBe(401);
  });

  it("a form login redirects to / on success and back to /login with a message on failure", async () => {
    const form = (body: string) => fetch(`${app.url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" }, body });
    const ok = await form("username=ada&password=ada-pw");
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/");
    const bad = await form("username=ada&password=nope");
    expect(bad.headers.get("location")).toBe("/login?error=invalid%20username%20or%20password");
  });

  it("gives the same answer for a wrong password and an unknown user", async () => {
    const wrong = await post("/login", { username: "ada", password: "wrong" });
    const unknown = await post("/login", { username: "nobody", password: "wrong" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual(await unknown.json());
  });

  it("each role sees its jobs: user own, manager own projects, admin all", async () => {
    expect((await count({ cookie: await login("alice", "alice-pw") })).count).toBe(3);
    expect((await count({ cookie: await login("mona", "mona-pw") })).count).toBe(7);
    expect((await count({ cookie: await login("ada", "ada-pw") })).count).toBe(12);
  });

  it("accepts JWTs in Authorization: Bearer and X-Auth-Token, and refuses bad ones", async () => {
    const api = await issueToken(testKeys, { username: "slurm", roles: ["api"] });
    expect((await count({ authorization: `Bearer ${api}` })).count).toBe(12);
    const user = await issueToken(testKeys, { username: "alice", roles: ["user"] });
    expect((await count({ "x-auth-token": user })).count).toBe(3);
    const bad = await count({ authorization: `Bearer ${api.slice(0, -4)}AAAA` });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ status: "Unauthorized", error: "invalid token" });
  });

  it("refuses a session cookie whose content was changed", async () => {
    const cookie = await login("alice", "alice-pw");
    const forged = cookie.replace(/session=([^;]+)/, `session=${Buffer.from(JSON.stringify({ username: "ada" })).toString("base64")}`);
    expect((await count({ cookie: forged })).status).toBe(401);
  });

  it("refuses cookie-authenticated requests from other sites (CSRF)", async () => {
    const cookie = await login("ada", "ada-pw");
    expect((await count({ cookie, origin: "http://evil.example" })).status).toBe(403);
    expect((await count({ cookie, origin: app.url })).count).toBe(12);
  });

  it("throttles repeated failed logins per address and user", async () => {
    for (let i = 0; i < 5; i++) expect((await post("/login", { username: "lars", password: `guess${i}` })).status).toBe(401);
    const blocked = await post("/login", { username: "lars", password: "lars-pw" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await blocked.json()) as { error: string }).error).toMatch(/too many failed logins/);
    // Other users are not affected.
    expect((await post("/login", { username: "alice", password: "alice-pw" })).status).toBe(200);
  });

  it("sends security headers", async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
  });
});
