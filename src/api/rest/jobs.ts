import type Router from "@koa/router";
import type Koa from "koa";
import type { JobState } from "../../db/jobs/job-row.js";
import type { ServiceContext } from "../../services/context.js";
import { deleteJob, deleteJobsBefore } from "../../services/jobs/delete.js";
import { findJobs, getJobMetrics, getJobWithData, REST_ITEMS_PER_PAGE, type JobFilter } from "../../services/jobs/find.js";
import type { PageRequest } from "../../services/jobs/query.js";
import { jobSelectorFromBody } from "../../services/jobs/select.js";
import { startJob } from "../../services/jobs/start.js";
import { stopJob } from "../../services/jobs/stop.js";
import { tagJob } from "../../services/jobs/tags.js";
import { InputError } from "../../services/context.js";
import { requireRole } from "../../server/auth.js";
import { booleanQuery, integerParam, integerQuery, onlyQuery, queryValues, readJson, requestContext, sendJson } from "./http.js";
import { jobJson, jobMetaJson } from "./job-json.js";
import { schemaValidator, type Schemas } from "./openapi.js";

/** GET /api/jobs/ query: state (repeatable), cluster, start-time=<from>-<to>, page, items-per-page, with-metadata. */
function jobListQuery(ctx: Koa.Context): { filter: JobFilter; page: PageRequest; withMetadata: boolean } {
  const query = queryValues(ctx);
  onlyQuery(query, ["state", "cluster", "start-time", "page", "items-per-page", "with-metadata"]);
  const filter: JobFilter = {};
  if (query.has("state")) filter.states = query.get("state") as JobState[];
  if (query.has("cluster")) filter.cluster = query.get("cluster")![0]!;
  const range = query.get("start-time")?.[0];
  if (range !== undefined) {
    const match = /^(\d{1,16})-(\d{1,16})$/.exec(range);
    if (!match) throw new InputError(`invalid query parameter value: start-time must be <from>-<to> in unix seconds, got ${JSON.stringify(range)}`);
    filter.startTime = { from: Number(match[1]), to: Number(match[2]) };
  }
  const page = { page: integerQuery(query, "page") ?? 1, itemsPerPage: integerQuery(query, "items-per-page") ?? REST_ITEMS_PER_PAGE };
  return { filter, page, withMetadata: booleanQuery(query, "with-metadata") };
}

/** GET /api/jobs/metrics/{id} query: metric and scope, repeatable (also as metrics/scopes). */
function metricsQuery(ctx: Koa.Context): { metrics: string[]; scopes: string[] } {
  const query = queryValues(ctx);
  onlyQuery(query, ["metric", "metrics", "scope", "scopes"]);
  const all = (...names: string[]) => names.flatMap((n) => query.get(n) ?? []).filter((v) => v !== "");
  return { metrics: all("metric", "metrics"), scopes: all("scope", "scopes") };
}

/** The job endpoints of cc-backend's REST API; all need role `api`. */
export function jobRoutes(router: Router, services: ServiceContext): void {
  const api = requireRole("api");
  const startRequest = schemaValidator("StartJobRequest");
  const stopRequest = schemaValidator("StopJobRequest");
  const deleteRequest = schemaValidator("DeleteJobRequest");
  const tagRequest = schemaValidator("TagJobRequest");
  const getJobRequest = schemaValidator("GetJobRequest");

  const start: Koa.Middleware = async (ctx) => {
    const body = await readJson(ctx, startRequest);
    const { id } = await startJob(requestContext(ctx, services), body);
    sendJson(ctx, 201, { id } satisfies Schemas["StartJobResponse"]);
  };
  router.post("/jobs/start_job/", api, start);
  router.put("/jobs/start_job/", api, start);

  const stopByRequest: Koa.Middleware = async (ctx) => {
    const body = await readJson(ctx, stopRequest);
    const job = await stopJob(requestContext(ctx, services), jobSelectorFromBody(body), body);
    sendJson(ctx, 200, jobMetaJson(job));
  };
  router.post("/jobs/stop_job/", api, stopByRequest);
  router.put("/jobs/stop_job/", api, stopByRequest);

  const stopById: Koa.Middleware = async (ctx) => {
    const id = integerParam(ctx, "id");
    const body = await readJson(ctx, stopRequest);
    const job = await stopJob(requestContext(ctx, services), { id }, body);
    sendJson(ctx, 200, jobMetaJson(job));
  };
  router.post("/jobs/stop_job/:id", api, stopById);
  router.put("/jobs/stop_job/:id", api, stopById);

  const tag: Koa.Middleware = async (ctx) => {
    const id = integerParam(ctx, "id");
    const tags = await readJson(ctx, tagRequest);
    const job = await tagJob(requestContext(ctx, services), id, tags);
    sendJson(ctx, 200, jobJson(job));
  };
  router.post("/jobs/tag_job/:id", api, tag);
  router.patch("/jobs/tag_job/:id", api, tag);

  router.get("/jobs/metrics/:id", api, async (ctx) => {
    const id = integerParam(ctx, "id");
    const { metrics, scopes } = metricsQuery(ctx);
    const { data, note } = await getJobMetrics(requestContext(ctx, services), id, metrics, scopes);
    sendJson(ctx, 200, { data: { jobMetrics: data }, ...(note ? { note } : {}) } as Schemas["JobMetricsResponse"]);
  });

  router.delete("/jobs/delete_job/", api, async (ctx) => {
    const body = await readJson(ctx, deleteRequest);
    const id = await deleteJob(requestContext(ctx, services), jobSelectorFromBody(body));
    sendJson(ctx, 200, { msg: `Successfully deleted job ${id}` } satisfies Schemas["DeleteJobResponse"]);
  });

  router.delete("/jobs/delete_job/:id", api, async (ctx) => {
    const id = integerParam(ctx, "id");
    await deleteJob(requestContext(ctx, services), { id });
    sendJson(ctx, 200, { msg: `Successfully deleted job ${id}` } satisfies Schemas["DeleteJobResponse"]);
  });

  router.delete("/jobs/delete_job_before/:ts", api, async (ctx) => {
    const ts = integerParam(ctx, "ts");
    const count = await deleteJobsBefore(requestContext(ctx, services), ts);
    sendJson(ctx, 200, { msg: `Successfully deleted ${count} jobs` } satisfies Schemas["DeleteJobResponse"]);
  });

  router.get("/jobs/", api, async (ctx) => {
    const query = jobListQuery(ctx);
    const { jobs, page } = await findJobs(requestContext(ctx, services), query);
    sendJson(ctx, 200, { jobs: jobs.map((job) => jobMetaJson(job)), items: page.itemsPerPage, page: page.page } satisfies Schemas["GetJobsResponse"]);
  });

  // Last: /jobs/:id would otherwise also match /jobs/start_job etc.
  router.post("/jobs/:id", api, async (ctx) => {
    const id = integerParam(ctx, "id");
    const metrics = await readJson(ctx, getJobRequest, { whenEmpty: [] });
    const { job, data, note } = await getJobWithData(requestContext(ctx, services), id, metrics);
    sendJson(ctx, 200, { meta: jobJson(job), data: data as Schemas["JobMetricWithName"][], ...(note ? { note } : {}) } satisfies Schemas["GetJobResponse"]);
  });
}
