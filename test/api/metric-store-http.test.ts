import { beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/jwt.ts";
import { startTestApp, testKeys, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { tempDir } from "../helpers/tmp.ts";
import { clock, CLUSTER, line, NOW, testStore } from "../metricdata/fixtures.ts";

const dir = tempDir();
let app: TestApp;
let apiToken: string;

beforeAll(async () => {
  const time = clock(NOW);
  app = await startTestApp(await freshDatabase(dir), { webRoot: false, metricStore: testStore({ now: time.now }) }, {});
  apiToken = await issueToken(testKeys, { username: "collector", roles: ["api"] });
});

const post = (path: string, body: string, token?: string, type = "text/plain") =>
  fetch(`${app.url}${path}`, { method: "POST", headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });

describe("the embedded metric store in the server", () => {
  it("takes line protocol at /api/write and answers cc-metric-store queries at /api/query (role api)", async () => {
    const host = "n0001";
    const lines = [line("cpu_load", host, 1.5, NOW - 60), line("cpu_load", host, 2.5, NOW), "garbage"].join("\n");
    const written = await post(`/api/write?cluster=${CLUSTER.name}`, lines, apiToken);
    expect(written.status).toBeLessThan(300);
    expect(await written.json()).toMatchObject({ accepted: 2, rejected: 1 });
    const query = await post("/api/query", JSON.stringify({ cluster: CLUSTER.name, from: NOW - 120, to: NOW + 60, queries: [{ metric: "cpu_load", host }] }), apiToken, "application/json");
    expect(query.status).toBe(200);
    const body = (await query.json()) as { results: { data: (number | null)[]; max: number }[][] };
    expect(body.results[0]![0]!.data.filter((v) => v !== null)).toEqual([1.5, 2.5]);
    expect(body.results[0]![0]!.max).toBe(2.5);
  });

  it("refuses writers without a token or without the api role", async () => {
    expect((await post(`/api/write?cluster=${CLUSTER.name}`, line("cpu_load", "n0001", 1, NOW))).status).toBe(401);
    const userToken = await issueToken(testKeys, { username: "alice", roles: ["user"] });
    const refused = await post(`/api/write?cluster=${CLUSTER.name}`, line("cpu_load", "n0001", 1, NOW), userToken);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ status: "Forbidden", error: "missing role: api" });
  });
});
