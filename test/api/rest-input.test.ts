import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fixturesDir } from "../helpers/fixtures.ts";
import { call, startRestApp, token, type RestApp } from "../helpers/rest.ts";
import { snapshotDatabase } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: RestApp;
let api: string;
let runningId: number;
const payload = JSON.parse(readFileSync(path.join(fixturesDir, "startJobPayload.json"), "utf8"));

beforeAll(async () => {
  app = await startRestApp(dir);
  api = await token("slurm", ["api"]);
  const start = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: payload });
  expect(start.status).toBe(201);
  runningId = start.body.id;
});

/** Sends a bad request and expects a 4xx JSON error (checked against api/openapi.yaml) whose message matches. */
async function refused(method: string, url: string, options: Parameters<typeof call>[3], status: number, message: RegExp) {
  const response = await call(app, method, url, { token: api, ...options });
  expect(response.status, `${method} ${url}: ${response.text}`).toBe(status);
  expect(response.body.status).toBeTypeOf("string");
  expect(response.body.error).toMatch(message);
  expect(response.text).not.toMatch(/\n\s+at /); // no stack trace
  return response;
}

const without = (key: string) => Object.fromEntries(Object.entries(payload).filter(([k]) => k !== key));

describe("bad input to the REST API: 4xx naming the problem, database unchanged", () => {
  let before: unknown;
  beforeAll(async () => {
    before = await snapshotDatabase(app.dbFile);
  });

  it("start_job: malformed, empty, non-object and over-limit bodies", async () => {
    await refused("POST", "/api/jobs/start_job/", { body: '{"jobId": 1,', headers: { "content-type": "application/json" } }, 400, /malformed JSON/);
    await refused("POST", "/api/jobs/start_job/", { body: "" }, 400, /body is empty/);
    await refused("POST", "/api/jobs/start_job/", { json: [payload] }, 400, /must be object/);
    await refused("POST", "/api/jobs/start_job/", { json: "job" }, 400, /must be object/);
    await refused("POST", "/api/jobs/start_job/", { json: null }, 400, /must be object/);
    // No content type at all still parses (adapters written for cc-backend do not always send one).
    await refused("POST", "/api/jobs/start_job/", { body: "not json" }, 400, /malformed JSON/);
  });

  it("start_job: a 10 MB body is refused with 413 (declared length and chunked)", async () => {
    const huge = JSON.stringify({ ...payload, metaData: { jobScript: "x".repeat(10 * 1024 * 1024) } });
    await refused("POST", "/api/jobs/start_job/", { body: huge, headers: { "content-type": "application/json" } }, 413, /larger than 2 MB/);
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 10 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${app.url}/api/jobs/start_job/`, { method: "POST", headers: { authorization: `Bearer ${api}` }, body: stream, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ status: "Payload Too Large", error: expect.stringMatching(/larger than 2 MB/) });
  });

  it("start_job: unknown fields, also nested and __proto__", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobid: 1 } }, 400, /unknown field "jobid"/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: [{ hostname: "f0726", cpus: 4 }] } }, 400, /unknown field "resources.0.cpus"/);
    await refused("POST", "/api/jobs/start_job/", { body: JSON.stringify(payload).replace("{", '{"__proto__": {"admin": true},'), headers: { "content-type": "application/json" } }, 400, /unknown field "__proto__"/);
  });

  it("start_job: wrong types", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobId: "123000" } }, 400, /"jobId" must be integer/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, numNodes: 1.5 } }, 400, /"numNodes" must be integer/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, user: 42 } }, 400, /"user" must be string/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: { hostname: "f0726" } } }, 400, /"resources" must be array/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, metaData: { jobName: 7 } } }, 400, /"metaData.jobName" must be string/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, exclusive: true } }, 400, /"exclusive" must be integer/);
  });

  it("start_job: negative and out-of-range numbers", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobId: -1 } }, 400, /"jobId" must be >= 0/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, numNodes: 0 } }, 400, /"numNodes" must be >= 1/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, numHwthreads: -72 } }, 400, /"numHwthreads" must be >= 0/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, startTime: -5 } }, 400, /"startTime" must be >= 0/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, walltime: -1 } }, 400, /"walltime" must be >= 0/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobId: 1e300 } }, 400, /"jobId" must be <= 9007199254740991/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, exclusive: 3 } }, 400, /"exclusive" must be <= 2/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: [{ hostname: "f0726", hwthreads: [-1] }] } }, 400, /"resources.0.hwthreads.0" must be >= 0/);
  });

  it("start_job: missing required fields", async () => {
    for (const field of ["jobId", "user", "cluster", "numNodes", "resources", "startTime"]) {
      await refused("POST", "/api/jobs/start_job/", { json: without(field) }, 400, new RegExp(`field "${field}" is required`));
    }
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, user: "" } }, 400, /"user" must NOT have fewer than 1 characters/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: [] } }, 400, /"resources" must NOT have fewer than 1 items/);
  });

  it("start_job: cc-backend's sanity checks", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, cluster: "nosuch" } }, 400, /cluster "nosuch" has no cluster.json/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, subCluster: "gpu" } }, 400, /subcluster "gpu" is not in fritz/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...without("subCluster"), resources: [{ hostname: "x0001" }] } }, 400, /no subcluster of cluster "fritz" contains host "x0001"/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, numNodes: 2 } }, 400, /1 resources but numNodes 2/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobState: "exploded" } }, 400, /"jobState" must be one of/);
  });

  it("start_job: path traversal in cluster and host names", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, cluster: "../../etc" } }, 400, /"cluster" must match pattern/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, cluster: ".." } }, 400, /cluster/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: [{ hostname: "../../etc/passwd" }] } }, 400, /"resources.0.hostname" must match pattern/);
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, resources: [{ hostname: "f0726/../../x" }] } }, 400, /hostname/);
  });

  it("start_job and tag_job: tags that could carry markup are refused", async () => {
    await refused("POST", "/api/jobs/start_job/", { json: { ...payload, jobId: 7, tags: [{ type: "<script>alert(1)</script>", name: "x" }] } }, 400, /"tags.0.type" must match pattern/);
    for (const tag of [
      { type: "debug", name: '<img src=x onerror="alert(1)">' },
      { type: "debug", name: "a&b" },
      { type: "debug", name: "it's" },
      { type: "debug", name: " padded" },
      { type: "debug", name: "" },
      { type: "x".repeat(65), name: "long" },
      { type: "debug", name: "line\nbreak" },
    ]) {
      await refused("POST", `/api/jobs/tag_job/${runningId}`, { json: [tag] }, 400, /tag|must/);
    }
    await refused("POST", `/api/jobs/tag_job/${runningId}`, { json: { type: "a", name: "b" } }, 400, /must be array/);
    await refused("POST", `/api/jobs/tag_job/${runningId}`, { json: [{ type: "a", name: "b", scope: "global" }] }, 400, /unknown field "0.scope"/);
  });

  it("stop_job: bad bodies and ids", async () => {
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "fritz" } }, 400, /"stopTime" is required/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "fritz", stopTime: "soon" } }, 400, /"stopTime" must be integer/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "fritz", stopTime: -1 } }, 400, /"stopTime" must be >= 0/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "fritz", stopTime: 1649763839, jobState: "done" } }, 400, /"jobState" must be one of/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "fritz", stopTime: 1649763839, jobState: "running" } }, 400, /cannot be "running"/);
    await refused("POST", "/api/jobs/stop_job/", { json: { cluster: "fritz", stopTime: 1649763839 } }, 400, /'jobId' is required/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, cluster: "../x", stopTime: 1649763839 } }, 400, /"cluster" must match pattern/);
    await refused("POST", "/api/jobs/stop_job/", { json: { jobId: 123000, stopTime: 1649763839, duration: 5 } }, 400, /unknown field "duration"/);
    await refused("POST", "/api/jobs/stop_job/", { body: "{stopTime: 1}" }, 400, /malformed JSON/);
    for (const id of ["abc", "-1", "1e3", "1.0", "99999999999999999999", "%20"]) {
      await refused("POST", `/api/jobs/stop_job/${id}`, { json: { stopTime: 1649763839 } }, 400, /integer expected in path for id/);
    }
  });

  it("other job routes: non-numeric ids, bad query parameters, bad bodies", async () => {
    await refused("POST", "/api/jobs/abc", { json: [] }, 400, /integer expected in path for id/);
    await refused("POST", `/api/jobs/${runningId}`, { json: { metrics: ["a"] } }, 400, /must be array/);
    await refused("POST", `/api/jobs/${runningId}`, { json: [1] }, 400, /"0" must be string/);
    await refused("POST", "/api/jobs/tag_job/x1", { json: [] }, 400, /integer expected/);
    await refused("GET", "/api/jobs/metrics/abc", {}, 400, /integer expected/);
    await refused("GET", `/api/jobs/metrics/${runningId}?bogus=1`, {}, 400, /invalid query parameter: bogus/);
    await refused("DELETE", "/api/jobs/delete_job/abc", {}, 400, /integer expected/);
    await refused("DELETE", "/api/jobs/delete_job/", { json: { cluster: "fritz" } }, 400, /"jobId" is required/);
    await refused("DELETE", "/api/jobs/delete_job/", { json: { jobId: "1" } }, 400, /"jobId" must be integer/);
    await refused("DELETE", "/api/jobs/delete_job/", {}, 400, /body is empty/);
    await refused("DELETE", "/api/jobs/delete_job_before/yesterday", {}, 400, /integer expected in path for ts/);
    await refused("DELETE", "/api/jobs/delete_job_before/-5", {}, 400, /integer expected in path for ts/);
    await refused("GET", "/api/jobs/?state=exploded", {}, 400, /state/);
    await refused("GET", "/api/jobs/?page=abc", {}, 400, /page must be an integer/);
    await refused("GET", "/api/jobs/?page=0", {}, 400, /page must be a positive integer/);
    await refused("GET", "/api/jobs/?items-per-page=-1", {}, 400, /itemsPerPage must be between/);
    await refused("GET", "/api/jobs/?items-per-page=100000", {}, 400, /itemsPerPage must be between/);
    await refused("GET", "/api/jobs/?start-time=1-2-3", {}, 400, /start-time/);
    await refused("GET", "/api/jobs/?start-time=yesterday", {}, 400, /start-time/);
    await refused("GET", "/api/jobs/?with-metadata=maybe", {}, 400, /with-metadata/);
    await refused("GET", "/api/jobs/?sort=user", {}, 400, /invalid query parameter: sort/);
  });

  it("unknown routes and methods: JSON 404 and 405, not the web UI", async () => {
    const missing = await call(app, "GET", "/api/nothing/here", { token: api, unchecked: true });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: "Not Found", error: "no such API route: GET /api/nothing/here" });
    const wrongMethod = await call(app, "GET", "/api/jobs/start_job/", { token: api, unchecked: true });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toMatch(/POST/);
    expect(wrongMethod.body.status).toBe("Method Not Allowed");
  });

  it("left the database exactly as it was", async () => {
    expect(await snapshotDatabase(app.dbFile)).toEqual(before);
  });
});
