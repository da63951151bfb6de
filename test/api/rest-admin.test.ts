import { beforeAll, describe, expect, it } from "vitest";
import { verifyToken } from "../../src/auth/jwt.ts";
import { addUser } from "../../src/services/users.ts";
import { startTestApp, testKeys } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { call, startRestApp, token, type RestApp } from "../helpers/rest.ts";
import { queryDatabase } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: RestApp;
let admin: string;
let api: string;
let alice: string;
const job = { jobId: 1, user: "u", cluster: "fritz", numNodes: 1, resources: [{ hostname: "f0101" }], startTime: 1700000000 };

beforeAll(async () => {
  app = await startRestApp(dir);
  await addUser(app.prisma, { username: "ada", roles: ["admin"], password: "ada-pw" });
  await addUser(app.prisma, { username: "alice", roles: ["user"], password: "alice-pw" });
  await addUser(app.prisma, { username: "mona", roles: ["manager", "user"], password: "mona-pw", projects: ["p1"] });
  admin = await token("ada", ["admin"]);
  api = await token("slurm", ["api"]);
  alice = await token("alice", ["user"]);
});

function configurationRows(): Promise<unknown[]> {
  return queryDatabase(app.dbFile, "SELECT username, confkey, value FROM configuration ORDER BY username, confkey");
}

describe("REST API roles", () => {
  it("no token: 401 everywhere, with cc-backend's error body", async () => {
    for (const [method, url] of [
      ["POST", "/api/jobs/start_job/"],
      ["GET", "/api/jobs/"],
      ["DELETE", "/api/jobs/delete_job_before/1"],
      ["GET", "/api/users/"],
      ["GET", "/api/roles/"],
      ["GET", "/api/jwt/"],
      ["POST", "/api/configuration/"],
      ["GET", "/api/clusters/"],
    ] as const) {
      const response = await call(app, method, url, { json: method === "POST" ? job : undefined });
      expect(response.status, `${method} ${url}`).toBe(401);
      expect(response.body).toEqual({ status: "Unauthorized", error: "authentication required" });
    }
    expect((await call(app, "GET", "/api/jobs/", { token: `${api.slice(0, -4)}AAAA` })).body).toEqual({ status: "Unauthorized", error: "invalid token" });
  });

  it("job endpoints need role api: user and admin tokens get 403, nothing is stored", async () => {
    for (const who of [alice, admin]) {
      const response = await call(app, "POST", "/api/jobs/start_job/", { token: who, json: job });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ status: "Forbidden", error: "missing role: api" });
      expect((await call(app, "GET", "/api/jobs/", { token: who })).status).toBe(403);
      expect((await call(app, "GET", "/api/clusters/", { token: who })).status).toBe(403);
    }
    expect(await app.prisma.job.count()).toBe(0);
    // X-Auth-Token, cc-backend v1.0's header, works as well as Authorization: Bearer.
    const response = await call(app, "POST", "/api/jobs/start_job/", { headers: { "x-auth-token": api }, json: job });
    expect(response.status).toBe(201);
  });

  it("user management needs role admin: user and api tokens get 403", async () => {
    for (const who of [alice, api]) {
      expect((await call(app, "GET", "/api/users/", { token: who })).status).toBe(403);
      expect((await call(app, "POST", "/api/users/", { token: who, form: { username: "eve", password: "x", role: "admin" } })).status).toBe(403);
      expect((await call(app, "DELETE", "/api/users/", { token: who, form: { username: "ada" } })).status).toBe(403);
      expect((await call(app, "POST", "/api/user/alice", { token: who, form: { "add-role": "admin" } })).status).toBe(403);
      expect((await call(app, "GET", "/api/roles/", { token: who })).status).toBe(403);
    }
    expect(await app.prisma.user.findUnique({ where: { username: "eve" } })).toBeNull();
  });
});

describe("REST API: tokens, roles, users, configuration, clusters", () => {
  it("/api/jwt/: admins sign tokens for anyone, users only for themselves", async () => {
    const forAlice = await call(app, "GET", "/api/jwt/?username=alice", { token: admin });
    expect(forAlice.status).toBe(200);
    expect(forAlice.headers.get("content-type")).toMatch(/text\/plain/);
    expect(await verifyToken(testKeys, forAlice.text)).toMatchObject({ username: "alice", roles: ["user"] });
    const viaForm = await call(app, "POST", "/api/jwt/", { token: admin, form: { username: "mona" } });
    expect(await verifyToken(testKeys, viaForm.text)).toMatchObject({ username: "mona", roles: ["manager", "user"] });
    const own = await call(app, "POST", "/api/jwt/", { token: alice });
    expect((await verifyToken(testKeys, own.text)).username).toBe("alice");
    const other = await call(app, "GET", "/api/jwt/?username=ada", { token: alice });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe("Only admins are allowed to sign JWTs not for themselves");
    expect((await call(app, "GET", "/api/jwt/?username=nobody", { token: admin })).status).toBe(422);
    expect((await call(app, "GET", "/api/jwt/?user=alice", { token: admin })).status).toBe(400);
  });

  it("/api/roles/ lists the roles in cc-backend's order", async () => {
    for (const method of ["GET", "POST"]) {
      expect((await call(app, method, "/api/roles/", { token: admin })).body).toEqual(["api", "user", "manager", "support", "admin"]);
    }
  });

  it("/api/users/ lists users; not-just-user leaves out plain users", async () => {
    const all = await call(app, "GET", "/api/users/", { token: admin });
    expect(all.body.map((u: { username: string }) => u.username)).toEqual(["ada", "alice", "mona"]);
    expect(all.body[2]).toEqual({ username: "mona", name: "", email: "", roles: ["manager", "user"], projects: ["p1"], via: 0 });
    const special = await call(app, "GET", "/api/users/?not-just-user=true", { token: admin });
    expect(special.body.map((u: { username: string }) => u.username)).toEqual(["ada", "mona"]);
  });

  it("POST /api/users/ creates users with cc-backend's rules (urlencoded and multipart)", async () => {
    const created = await call(app, "POST", "/api/users/", { token: admin, form: { username: "bob", password: "bob-pw", role: "user", name: "Bob", email: "bob@example.org" } });
    expect(created.status).toBe(200);
    expect(created.text).toBe("User bob successfully created!\n");
    expect(await app.prisma.user.findUnique({ where: { username: "bob" } })).toMatchObject({ name: "Bob", email: "bob@example.org", roles: '["user"]' });
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "bob", password: "x", role: "user" } })).status).toBe(422);
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "carl", role: "user" } })).body.error).toMatch(/blank password/);
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "carl", password: "x", role: "manager" } })).body.error).toMatch(/require a project/);
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "carl", password: "x", role: "user", project: "p1" } })).body.error).toMatch(/only managers/);
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "carl", password: "x", role: "root" } })).status).toBe(400);
    expect((await call(app, "POST", "/api/users/", { token: admin, form: { username: "carl", password: "x", role: "user", isAdmin: "1" } })).body.error).toMatch(/unknown field "isAdmin"/);
    const apiUser = await call(app, "PUT", "/api/users/", { token: admin, form: { username: "slurm", role: "api" } });
    expect(apiUser.status).toBe(200);

    const form = new FormData();
    form.set("username", "dora");
    form.set("password", "dora-pw");
    form.set("role", "manager");
    form.set("project", "p2");
    const multipart = await fetch(`${app.url}/api/users/`, { method: "POST", headers: { authorization: `Bearer ${admin}` }, body: form });
    expect(multipart.status, await multipart.clone().text()).toBe(200);
    expect(await app.prisma.user.findUnique({ where: { username: "dora" } })).toMatchObject({ projects: '["p2"]', roles: '["manager"]' });
    const upload = new FormData();
    upload.set("username", new Blob(["x"]), "name.txt");
    const refused = await fetch(`${app.url}/api/users/`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` }, body: upload });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: string }).error).toMatch(/file uploads are not accepted/);
  });

  it("POST /api/user/{id} adds and removes roles and projects", async () => {
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-role": "support" } })).text).toBe("Add Role Success");
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-role": "support" } })).status).toBe(422);
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-role": "wizard" } })).status).toBe(422);
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "remove-role": "support" } })).text).toBe("Remove Role Success");
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-project": "p9" } })).body.error).toMatch(/not a manager/);
    expect((await call(app, "POST", "/api/user/mona", { token: admin, form: { "add-project": "p9" } })).text).toBe("Add Project Success");
    expect((await call(app, "POST", "/api/user/mona", { token: admin, form: { "remove-role": "manager" } })).body.error).toMatch(/still has assigned project/);
    expect((await call(app, "POST", "/api/user/mona", { token: admin, form: { "remove-project": "p1" } })).text).toBe("Remove Project Success");
    expect((await call(app, "POST", "/api/user/mona", { token: admin, form: { "remove-project": "p1" } })).status).toBe(422);
    expect(await app.prisma.user.findUnique({ where: { username: "mona" } })).toMatchObject({ projects: '["p9"]' });
    expect((await call(app, "POST", "/api/user/nobody", { token: admin, form: { "add-role": "user" } })).status).toBe(422);
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: {} })).status).toBe(400);
    expect((await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-role": "api", "remove-role": "user" } })).status).toBe(400);
  });

  it("DELETE /api/users/ deletes a user (form field username); unknown: 404", async () => {
    const response = await call(app, "DELETE", "/api/users/", { token: admin, form: { username: "bob" } });
    expect(response.status).toBe(200);
    expect(await app.prisma.user.findUnique({ where: { username: "bob" } })).toBeNull();
    expect((await call(app, "DELETE", "/api/users/", { token: admin, form: { username: "bob" } })).status).toBe(404);
    expect((await call(app, "DELETE", "/api/users/", { token: admin })).status).toBe(400);
  });

  it("POST /api/configuration/ stores a JSON setting for the calling user", async () => {
    const saved = await call(app, "POST", "/api/configuration/", { token: alice, form: { key: "plot_list_selectedMetrics", value: '["flops_any","mem_bw"]' } });
    expect(saved.status).toBe(200);
    expect(saved.text).toBe("success");
    await call(app, "POST", "/api/configuration/", { token: alice, form: { key: "plot_list_selectedMetrics", value: '["cpu_load"]' } });
    expect(await configurationRows()).toEqual([{ username: "alice", confkey: "plot_list_selectedMetrics", value: '["cpu_load"]' }]);
    expect((await call(app, "POST", "/api/configuration/", { token: alice, form: { key: "x", value: "{not json" } })).body.error).toMatch(/not valid JSON/);
    expect((await call(app, "POST", "/api/configuration/", { token: alice, form: { key: "../x", value: "1" } })).status).toBe(400);
    expect((await call(app, "POST", "/api/configuration/", { token: alice, form: { value: "1" } })).status).toBe(400);
    // A token for a name without an account has nowhere to store settings.
    const ghost = await token("ghost", ["user"]);
    expect((await call(app, "POST", "/api/configuration/", { token: ghost, form: { key: "x", value: "1" } })).status).toBe(422);
  });

  it("GET /api/clusters/ returns the archive's cluster configs", async () => {
    const all = await call(app, "GET", "/api/clusters/", { token: api });
    expect(all.body.clusters.map((c: { name: string }) => c.name)).toEqual(["emmy", "fritz", "testcluster"]);
    const fritz = await call(app, "GET", "/api/clusters/?cluster=fritz", { token: api });
    expect(fritz.body.clusters).toHaveLength(1);
    expect(fritz.body.clusters[0].subClusters[0].name).toBe("main");
    expect((await call(app, "GET", "/api/clusters/?cluster=nosuch", { token: api })).body.error).toBe("unknown cluster: nosuch");
  });
});

describe("REST API with disable-authentication, and without archive", () => {
  it("is open to everyone, as cc-backend", async () => {
    const open = await startRestApp(tempDir(), { open: true });
    const start = await call(open, "POST", "/api/jobs/start_job/", { json: job });
    expect(start.status).toBe(201);
    expect((await call(open, "GET", "/api/jobs/")).body.jobs).toHaveLength(1);
    expect((await call(open, "GET", "/api/roles/")).status).toBe(200);
  });

  it("answers 503 naming what is missing when the archive is not configured", async () => {
    const bare = await startTestApp(await freshDatabase(tempDir()), { webRoot: false }, { "disable-authentication": true });
    const response = await call(bare, "POST", "/api/jobs/start_job/", { json: job, unavailable: true });
    expect(response.body).toEqual({ status: "Service Unavailable", error: "the job archive (cluster configurations) is not configured on this server" });
    expect((await call(bare, "GET", "/api/clusters/", { unavailable: true })).status).toBe(503);
  });
});
