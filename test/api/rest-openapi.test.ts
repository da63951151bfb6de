import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openApiDocument, openApiText } from "../../src/api/rest/openapi.ts";
import { HOSTNAME } from "../../src/services/jobs/start.ts";
import { TAG_NAME_MAX, TAG_PATTERN, TAG_TYPE_MAX } from "../../src/services/jobs/tags.ts";
import { addUser } from "../../src/services/users.ts";
import { emmyJobs } from "../helpers/archive.ts";
import { fixturesDir } from "../helpers/fixtures.ts";
import { call, seen, startRestApp, token, type RestApp, importArchivedJobs } from "../helpers/rest.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: RestApp;
let api: string;
let admin: string;
const payload = JSON.parse(readFileSync(path.join(fixturesDir, "startJobPayload.json"), "utf8"));
const doc = openApiDocument();

/** Every documented operation with its success status. */
const operations = Object.entries(doc.paths).flatMap(([template, item]) =>
  Object.entries(item)
    .filter(([method]) => ["get", "post", "put", "patch", "delete"].includes(method))
    .map(([method, op]) => {
      const success = Object.keys((op as { responses: Record<string, unknown> }).responses).find((s) => s.startsWith("2"))!;
      return `${method.toUpperCase()} ${template} ${success}`;
    }),
);

beforeAll(async () => {
  app = await startRestApp(dir, { app: { webRoot: false, dev: true } });
  await addUser(app.prisma, { username: "ada", roles: ["admin"], password: "ada-pw" });
  await addUser(app.prisma, { username: "mona", roles: ["manager"], password: "mona-pw", projects: ["p1"] });
  api = await token("slurm", ["api"]);
  admin = await token("ada", ["admin", "api"]);
});

describe("api/openapi.yaml describes every route, and the routes keep to it", () => {
  it("is an OpenAPI 3.1 document with bearer-JWT security", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys((doc.components as { securitySchemes?: object }).securitySchemes ?? {})).toEqual(["bearerAuth", "xAuthToken"]);
    expect(operations.length).toBeGreaterThanOrEqual(25);
  });

  it("repeats the services' tag and host name patterns exactly", () => {
    const schemas = doc.components.schemas as Record<string, { pattern?: string; maxLength?: number }>;
    expect(new RegExp(schemas.TagType!.pattern!, "u").source).toBe(TAG_PATTERN.source);
    expect(schemas.TagName!.pattern).toBe(schemas.TagType!.pattern);
    expect([schemas.TagType!.maxLength, schemas.TagName!.maxLength]).toEqual([TAG_TYPE_MAX, TAG_NAME_MAX]);
    expect(schemas.HostName!.pattern).toBe(HOSTNAME.source);
  });

  it("every operation answers with a documented status and a body matching its schema", async () => {
    // Jobs: start, stop, list, tag, data, delete — with both methods where cc-backend has two.
    const a = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: payload });
    const b = await call(app, "PUT", "/api/jobs/start_job/", { token: api, json: { ...payload, jobId: 2, tags: [{ type: "t", name: "n" }] } });
    const c = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...payload, jobId: 3 } });
    const d = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...payload, jobId: 4 } });
    await call(app, "POST", `/api/jobs/${a.body.id}`, { token: api });
    await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { jobId: 123000, cluster: "fritz", stopTime: payload.startTime + 10 } });
    await call(app, "PUT", "/api/jobs/stop_job/", { token: api, json: { jobId: 2, stopTime: payload.startTime + 10, jobState: "failed" } });
    await call(app, "POST", `/api/jobs/stop_job/${c.body.id}`, { token: api, json: { stopTime: payload.startTime + 10 } });
    await call(app, "PUT", `/api/jobs/stop_job/${d.body.id}`, { token: api, json: { stopTime: payload.startTime + 10 } });
    await call(app, "POST", `/api/jobs/tag_job/${a.body.id}`, { token: api, json: [{ type: "a", name: "b" }] });
    await call(app, "PATCH", `/api/jobs/tag_job/${b.body.id}`, { token: api, json: [] });
    await call(app, "GET", "/api/jobs/?with-metadata", { token: api });

    const [archived] = await importArchivedJobs(app, [emmyJobs[0]!]);
    await call(app, "GET", "/api/jobs/?cluster=emmy", { token: api });
    await call(app, "POST", `/api/jobs/${archived}`, { token: api, json: ["cpu_load"] });
    await call(app, "GET", `/api/jobs/metrics/${archived}?metric=cpu_load`, { token: api });
    await call(app, "GET", `/api/jobs/metrics/${a.body.id}`, { token: api });
    await call(app, "DELETE", "/api/jobs/delete_job/", { token: api, json: { jobId: 2, cluster: "fritz" } });
    await call(app, "DELETE", `/api/jobs/delete_job/${c.body.id}`, { token: api });
    await call(app, "DELETE", "/api/jobs/delete_job_before/1649723813", { token: api });

    // Administration and configuration.
    await call(app, "GET", "/api/jwt/", { token: admin });
    await call(app, "POST", "/api/jwt/", { token: admin, form: { username: "mona" } });
    await call(app, "GET", "/api/roles/", { token: admin });
    await call(app, "POST", "/api/roles/", { token: admin });
    await call(app, "POST", "/api/users/", { token: admin, form: { username: "bob", password: "pw", role: "user" } });
    await call(app, "PUT", "/api/users/", { token: admin, form: { username: "cc-slurm", role: "api" } });
    await call(app, "GET", "/api/users/", { token: admin });
    await call(app, "POST", "/api/user/bob", { token: admin, form: { "add-role": "support" } });
    await call(app, "DELETE", "/api/users/", { token: admin, form: { username: "bob" } });
    await call(app, "POST", "/api/configuration/", { token: admin, form: { key: "job_view_nodestats_selectedMetrics", value: '["cpu_load"]' } });
    await call(app, "GET", "/api/clusters/", { token: api });

    // And some errors of each kind.
    await call(app, "POST", "/api/jobs/start_job/", { token: api, json: {} });
    await call(app, "POST", "/api/jobs/start_job/", { json: {} });
    await call(app, "GET", "/api/users/", { token: api });
    await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { jobId: 77, stopTime: 1 } });
    await call(app, "POST", "/api/jobs/tag_job/77", { token: api, json: [] });
  });

  it("has called every documented operation with its success status (tests run in order)", () => {
    const missing = operations.filter((op) => !seen.has(op));
    expect(missing, `operations never answered successfully: ${missing.join(", ")}`).toEqual([]);
  });
});

describe("Swagger UI (--dev)", () => {
  it("serves the UI from swagger-ui-dist and the document at /swagger/openapi.yaml", async () => {
    const index = await fetch(`${app.url}/swagger/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain("swagger-ui-bundle.js");
    const bundle = await fetch(`${app.url}/swagger/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await fetch(`${app.url}/swagger/swagger-initializer.js`);
    expect(await init.text()).toContain('url: "/swagger/openapi.yaml"');
    const yaml = await fetch(`${app.url}/swagger/openapi.yaml`);
    expect(await yaml.text()).toBe(openApiText());
    expect((await fetch(`${app.url}/swagger`, { redirect: "manual" })).headers.get("location")).toBe("/swagger/");
    expect((await fetch(`${app.url}/swagger/../package.json`)).status).toBe(404);
  });

  it("is not served without --dev", async () => {
    const plain = await startRestApp(tempDir());
    expect((await fetch(`${plain.url}/swagger/`)).status).toBe(404);
    expect((await fetch(`${plain.url}/swagger/openapi.yaml`)).status).toBe(404);
  });
});
