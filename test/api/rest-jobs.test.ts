import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emmyJobs } from "../helpers/archive.ts";
import { fixturesDir } from "../helpers/fixtures.ts";
import { call, startRestApp, token, type RestApp, importArchivedJobs } from "../helpers/rest.ts";
import { queryDatabase } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: RestApp;
let api: string;
const startPayload = JSON.parse(readFileSync(path.join(fixturesDir, "startJobPayload.json"), "utf8"));
const stopPayload = JSON.parse(readFileSync(path.join(fixturesDir, "stopJobPayload.json"), "utf8"));

// cc-backend's api_test.go, TestRestApi.
const startJobBody = {
  jobId: 123,
  user: "testuser",
  project: "testproj",
  cluster: "testcluster",
  partition: "default",
  walltime: 3600,
  arrayJobId: 0,
  numNodes: 1,
  numHwthreads: 8,
  numAcc: 0,
  exclusive: 1,
  monitoringStatus: 1,
  smt: 1,
  tags: [{ type: "testTagType", name: "testTagName" }],
  resources: [{ hostname: "host123", hwthreads: [0, 1, 2, 3, 4, 5, 6, 7] }],
  metaData: { jobScript: "blablabla..." },
  startTime: 123456789,
};

async function dbRow(id: number): Promise<any> {
  return (await queryDatabase(app.dbFile, "SELECT * FROM job WHERE id = ?", [id]))[0];
}

function dbTags(id: number): Promise<{ tag_type: string; tag_name: string }[]> {
  return queryDatabase(app.dbFile, "SELECT tag_type, tag_name FROM tag JOIN jobtag ON jobtag.tag_id = tag.id WHERE jobtag.job_id = ? ORDER BY tag.id", [id]);
}

beforeAll(async () => {
  app = await startRestApp(dir);
  api = await token("slurm", ["api"]);
});

describe("REST job API: cc-backend's api_test.go", () => {
  let dbid: number;

  it("StartJob: 201 with the new id; the job is stored with subcluster, resources and tags", async () => {
    const response = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: startJobBody });
    expect(response.status).toBe(201);
    dbid = response.body.id;
    const row = await dbRow(dbid);
    expect(row).toMatchObject({
      job_id: 123,
      user: "testuser",
      project: "testproj",
      cluster: "testcluster",
      subcluster: "sc1",
      partition: "default",
      walltime: 3600,
      array_job_id: 0,
      num_nodes: 1,
      num_hwthreads: 8,
      num_acc: 0,
      exclusive: 1,
      monitoring_status: 1,
      smt: 1,
      job_state: "running",
      start_time: 123456789,
      duration: 0,
    });
    expect(JSON.parse(row.resources)).toEqual([{ hostname: "host123", hwthreads: [0, 1, 2, 3, 4, 5, 6, 7] }]);
    expect(await dbTags(dbid)).toEqual([{ tag_type: "testTagType", tag_name: "testTagName" }]);
  });

  it("StopJob: 200 with the job, completed, duration = stopTime - startTime, metaData kept, handed to archiving", async () => {
    const response = await call(app, "POST", "/api/jobs/stop_job/", {
      token: api,
      json: { jobId: 123, startTime: 123456789, cluster: "testcluster", jobState: "completed", stopTime: 123457789 },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: dbid, jobId: 123, jobState: "completed", duration: 1000, startTime: 123456789, monitoringStatus: 1 });
    expect(response.body.tags).toEqual([expect.objectContaining({ type: "testTagType", name: "testTagName" })]);
    const row = await dbRow(dbid);
    expect(row).toMatchObject({ job_state: "completed", duration: 1000, monitoring_status: 1 });
    expect(JSON.parse(row.meta_data)).toEqual({ jobScript: "blablabla..." });
    expect(app.queue.jobs).toContain(dbid);
  });

  it("CheckDoubleStart: the same jobId and cluster starting within 24 h is a duplicate (422)", async () => {
    const response = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...startJobBody, startTime: 123456790 } });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatch(/already exists/);
    // A day later it is a new job.
    const later = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...startJobBody, startTime: 123456789 + 86400, tags: [] } });
    expect(later.status).toBe(201);
  });

  it("StartJobFailed / StopJobFailed: a job without hwthreads, stopped by jobId and cluster only, ends as failed", async () => {
    const start = await call(app, "POST", "/api/jobs/start_job/", {
      token: api,
      json: { jobId: 12345, user: "testuser", project: "testproj", cluster: "testcluster", partition: "default", walltime: 3600, numNodes: 1, exclusive: 1, monitoringStatus: 1, smt: 1, resources: [{ hostname: "host123" }], startTime: 12345678 },
    });
    expect(start.status).toBe(201);
    const stop = await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { jobId: 12345, cluster: "testcluster", jobState: "failed", stopTime: 12355678 } });
    expect(stop.status).toBe(200);
    expect(await dbRow(start.body.id)).toMatchObject({ job_state: "failed", duration: 10000 });
  });
});

describe("REST job API: the real adapter payloads", () => {
  let id: number;

  it("start_job with startJobPayload.json: 201, subcluster from the node list, running", async () => {
    const { subCluster: _given, ...payload } = startPayload;
    const response = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: payload });
    expect(response.status).toBe(201);
    id = response.body.id;
    expect(await dbRow(id)).toMatchObject({ job_id: 123000, cluster: "fritz", subcluster: "main", job_state: "running", num_nodes: 1, num_hwthreads: 72, user: "k106eb10", monitoring_status: 1 });
    expect(JSON.parse((await dbRow(id)).meta_data).jobName).toBe("ams_pipeline");
  });

  it("the same payload again: 422", async () => {
    const response = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: startPayload });
    expect(response.status).toBe(422);
    expect(response.body).toEqual({ status: "Unprocessable Entity", error: expect.stringContaining(`dbid: ${id}`) });
  });

  it("POST /api/jobs/{id} of a running job on a cluster without a metric data repository: the job, no data, and a note why", async () => {
    const response = await call(app, "POST", `/api/jobs/${id}`, { token: api });
    expect(response.status).toBe(200);
    expect(response.body.meta).toMatchObject({ id, jobId: 123000, jobState: "running", startTime: "2022-04-12T00:36:52Z" });
    expect(response.body.meta.duration).toBeGreaterThan(0);
    expect(response.body.data).toEqual([]);
    expect(response.body.note).toMatch(/no metric data: cluster "\w+" has no metric data repository configured/);
  });

  it("stop_job with stopJobPayload.json: 200, duration computed, state completed", async () => {
    const response = await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: stopPayload });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id, jobState: "completed", duration: 1649763839 - 1649723812, startTime: 1649723812 });
    expect(response.body.metaData.jobName).toBe("ams_pipeline");
    expect(await dbRow(id)).toMatchObject({ job_state: "completed", duration: 40027 });
  });

  it("stopping it again: 422, the row unchanged", async () => {
    const response = await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { ...stopPayload, jobState: "failed" } });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatch(/already been stopped/);
    expect(await dbRow(id)).toMatchObject({ job_state: "completed" });
    const byId = await call(app, "POST", `/api/jobs/stop_job/${id}`, { token: api, json: { stopTime: 1649763999 } });
    expect(byId.status).toBe(422);
  });

  it("stop_job of an unknown job: 422 (cc-backend's 'finding job failed')", async () => {
    const response = await call(app, "POST", "/api/jobs/stop_job/", { token: api, json: { jobId: 999999, cluster: "fritz", stopTime: 1649763839 } });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatch(/finding job failed/);
    expect((await call(app, "POST", "/api/jobs/stop_job/424242", { token: api, json: { stopTime: 1 } })).status).toBe(422);
  });

  it("stop_job/{id} with stopTime before startTime: 400; the job stays running", async () => {
    const start = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...startPayload, jobId: 555, startTime: 1700000000 } });
    const response = await call(app, "POST", `/api/jobs/stop_job/${start.body.id}`, { token: api, json: { stopTime: 1699999999, jobState: "completed" } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatch(/stopTime must be larger than startTime/);
    expect(await dbRow(start.body.id)).toMatchObject({ job_state: "running", duration: 0 });
    const ok = await call(app, "POST", `/api/jobs/stop_job/${start.body.id}`, { token: api, json: { stopTime: 1700000600, jobState: "timeout" } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ jobState: "timeout", duration: 600 });
  });

  it("stop_job with monitoring disabled: stopped, not handed to archiving", async () => {
    const start = await call(app, "POST", "/api/jobs/start_job/", { token: api, json: { ...startPayload, jobId: 556, startTime: 1700000000, monitoringStatus: 0 } });
    const before = app.queue.jobs.length;
    const response = await call(app, "PUT", `/api/jobs/stop_job/${start.body.id}`, { token: api, json: { stopTime: 1700000100 } });
    expect(response.status).toBe(200);
    expect(response.body.jobState).toBe("completed");
    expect(response.body.monitoringStatus).toBeUndefined(); // 0 is left out, as Go's omitempty
    expect(app.queue.jobs.length).toBe(before);
  });
});

describe("REST job API: listing, tags, data, deletion", () => {
  let emmy: number[];
  beforeAll(async () => {
    emmy = await importArchivedJobs(app, emmyJobs);
  });

  it("GET /api/jobs/ pages newest first with items and page", async () => {
    const first = await call(app, "GET", "/api/jobs/?items-per-page=2&page=1", { token: api });
    expect(first.status).toBe(200);
    expect(first.body.items).toBe(2);
    expect(first.body.page).toBe(1);
    expect(first.body.jobs).toHaveLength(2);
    const all = await call(app, "GET", "/api/jobs/?items-per-page=100", { token: api });
    const starts = all.body.jobs.map((j: { startTime: number }) => j.startTime);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    const second = await call(app, "GET", "/api/jobs/?items-per-page=2&page=2", { token: api });
    expect(second.body.jobs.map((j: { id: number }) => j.id)).toEqual(all.body.jobs.slice(2, 4).map((j: { id: number }) => j.id));
    // Default page size 25, as cc-backend.
    expect((await call(app, "GET", "/api/jobs/", { token: api })).body.items).toBe(25);
  });

  it("GET /api/jobs/ filters by state, cluster and start-time; metaData only with with-metadata", async () => {
    const running = await call(app, "GET", "/api/jobs/?state=running", { token: api });
    expect(running.body.jobs.length).toBeGreaterThan(0);
    expect(running.body.jobs.every((j: { jobState: string }) => j.jobState === "running")).toBe(true);
    const two = await call(app, "GET", "/api/jobs/?state=running&state=timeout", { token: api });
    expect(new Set(two.body.jobs.map((j: { jobState: string }) => j.jobState))).toEqual(new Set(["running", "timeout"]));
    const emmyJobsListed = await call(app, "GET", "/api/jobs/?cluster=emmy", { token: api });
    expect(emmyJobsListed.body.jobs.map((j: { id: number }) => j.id).sort()).toEqual([...emmy].sort());
    // Archived jobs come with their statistics from the archive.
    expect(Object.keys(emmyJobsListed.body.jobs[0].statistics)).toContain("cpu_load");
    expect(emmyJobsListed.body.jobs[0].metaData).toBeUndefined();
    const range = await call(app, "GET", "/api/jobs/?start-time=1608923076-1608923076", { token: api });
    expect(range.body.jobs.map((j: { jobId: number }) => j.jobId)).toEqual([1403244]);
    const withMeta = await call(app, "GET", "/api/jobs/?cluster=fritz&with-metadata", { token: api });
    expect(withMeta.body.jobs.find((j: { jobId: number }) => j.jobId === 123000).metaData.jobName).toBe("ams_pipeline");
  });

  it("POST /api/jobs/tag_job/{id} adds tags (created once) and returns the job with all its tags", async () => {
    const target = emmy[0]!;
    const first = await call(app, "POST", `/api/jobs/tag_job/${target}`, { token: api, json: [{ type: "Debug", name: "Testjob" }] });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: target, jobId: 1403244, startTime: "2020-12-25T19:04:36Z" });
    expect(first.body.tags.map((t: { type: string; name: string }) => `${t.type}:${t.name}`)).toEqual(["Debug:Testjob"]);
    const again = await call(app, "PATCH", `/api/jobs/tag_job/${target}`, { token: api, json: [{ type: "Debug", name: "Testjob" }, { type: "perf", name: "memory bound" }] });
    expect(again.body.tags.map((t: { type: string; name: string }) => `${t.type}:${t.name}`)).toEqual(["Debug:Testjob", "perf:memory bound"]);
    // An archived job's meta.json gets the tags too.
    expect((await app.archive.loadMeta(emmyJobs[0]!)).tags).toEqual([{ type: "Debug", name: "Testjob" }, { type: "perf", name: "memory bound" }]);
    const missing = await call(app, "POST", "/api/jobs/tag_job/987654", { token: api, json: [{ type: "a", name: "b" }] });
    expect(missing.status).toBe(404);
  });

  it("POST /api/jobs/{id} of an archived job: the job and its metric data from the archive", async () => {
    const all = await call(app, "POST", `/api/jobs/${emmy[1]}`, { token: api, json: [] });
    expect(all.status).toBe(200);
    expect(all.body.meta).toMatchObject({ id: emmy[1], jobId: 1404397, numNodes: 32 });
    expect(all.body.note).toBeUndefined();
    expect(all.body.data.map((d: { name: string }) => d.name).sort()).toEqual(["clock", "cpu_load", "flops_any", "flops_dp", "flops_sp", "ipc", "mem_bw", "mem_used", "rapl_power"]);
    expect(all.body.data[0].metric.series).toHaveLength(32);
    const some = await call(app, "POST", `/api/jobs/${emmy[1]}`, { token: api, json: ["cpu_load", "no_such_metric"] });
    expect(some.body.data).toEqual([expect.objectContaining({ name: "cpu_load", scope: "node" })]);
    expect((await call(app, "POST", "/api/jobs/99999", { token: api })).status).toBe(422);
  });

  it("GET /api/jobs/metrics/{id}: metrics and scopes from the archive", async () => {
    const response = await call(app, "GET", `/api/jobs/metrics/${emmy[0]}?metric=mem_bw&metric=clock&scope=node`, { token: api });
    expect(response.status).toBe(200);
    expect(response.body.data.jobMetrics.map((m: { name: string; scope: string }) => `${m.name}@${m.scope}`)).toEqual(["mem_bw@node", "clock@node"]);
    const all = await call(app, "GET", `/api/jobs/metrics/${emmy[0]}`, { token: api });
    expect(all.body.data.jobMetrics).toHaveLength(9);
    expect((await call(app, "GET", `/api/jobs/metrics/${emmy[0]}?scope=planet`, { token: api })).status).toBe(400);
  });

  it("DELETE /api/jobs/delete_job/{id}, /delete_job/ and /delete_job_before/{ts}", async () => {
    const byId = await call(app, "DELETE", `/api/jobs/delete_job/${emmy[0]}`, { token: api });
    expect(byId.status).toBe(200);
    expect(byId.body).toEqual({ msg: `Successfully deleted job ${emmy[0]}` });
    expect(await dbRow(emmy[0]!)).toBeUndefined();
    expect(await dbTags(emmy[0]!)).toEqual([]);
    expect((await call(app, "DELETE", `/api/jobs/delete_job/${emmy[0]}`, { token: api })).status).toBe(422);

    const byRequest = await call(app, "DELETE", "/api/jobs/delete_job/", { token: api, json: { jobId: 1404397, cluster: "emmy", startTime: 1609300556 } });
    expect(byRequest.body).toEqual({ msg: `Successfully deleted job ${emmy[1]}` });
    expect((await call(app, "DELETE", "/api/jobs/delete_job/", { token: api, json: { jobId: 1404397, cluster: "emmy" } })).status).toBe(422);
    // The archive keeps them.
    expect(await app.archive.exists(emmyJobs[1]!)).toBe(true);

    const before = await call(app, "DELETE", "/api/jobs/delete_job_before/200000000", { token: api });
    expect(before.body).toEqual({ msg: "Successfully deleted 3 jobs" }); // the three testcluster jobs (1970s)
    const rest = await call(app, "GET", "/api/jobs/?items-per-page=100", { token: api });
    expect(rest.body.jobs.every((j: { startTime: number }) => j.startTime >= 200000000)).toBe(true);
    expect((await call(app, "DELETE", "/api/jobs/delete_job_before/200000000", { token: api })).body).toEqual({ msg: "Successfully deleted 0 jobs" });
  });
});
