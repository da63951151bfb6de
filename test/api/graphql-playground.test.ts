import { beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/jwt.ts";
import { startTestApp, testKeys, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { tempDir } from "../helpers/tmp.ts";

/** GraphiQL only in development; introspection for every authenticated caller, nobody else. */

const dir = tempDir();
let dev: TestApp;
let production: TestApp;

beforeAll(async () => {
  const db = await freshDatabase(dir);
  dev = await startTestApp(db, { webRoot: false, dev: true }, {});
  production = await startTestApp(db, { webRoot: false }, {});
});

const INTROSPECTION = JSON.stringify({ query: "{ __schema { queryType { name } types { name } } }" });

describe("GraphQL Playground and introspection", () => {
  it("serves GraphiQL at /playground with --dev only", async () => {
    const page = await fetch(`${dev.url}/playground`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("cc-backend GraphQL Playground");
    expect((await fetch(`${production.url}/playground`)).status).toBe(404);
  });

  it("answers introspection for an authenticated user, and nothing without a user", async () => {
    const token = await issueToken(testKeys, { username: "someone", roles: ["user"] });
    const answer = await fetch(`${production.url}/query`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: INTROSPECTION });
    const body = (await answer.json()) as { data: { __schema: { queryType: { name: string }; types: { name: string }[] } } };
    expect(body.data.__schema.queryType.name).toBe("Query");
    expect(body.data.__schema.types.map((t) => t.name)).toContain("JobFilter");
    const anonymous = await fetch(`${production.url}/query`, { method: "POST", headers: { "content-type": "application/json" }, body: INTROSPECTION });
    expect(anonymous.status).toBe(401);
  });
});
