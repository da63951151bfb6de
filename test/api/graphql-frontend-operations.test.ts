import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InternalMetricDataRepository, MetricStore } from "../../src/metricdata/internal/index.ts";
import { emmyJobs } from "../helpers/archive.ts";
import { startRestApp, token, type RestApp, importArchivedJobs } from "../helpers/rest.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * cc-backend v1.0.0's web frontend, query by query: each operation it sends runs unchanged against
 * our server and answers without errors, with data where the test archive has some.
 */

const operations = readFileSync(path.resolve(import.meta.dirname, "fixtures/cc-backend-v1.0.0-frontend-operations.graphql"), "utf8")
  .split("\n# ----\n")
  .map((block) => ({ source: block.split("\n").filter((line) => line.startsWith("# ")).pop()!.slice(2), text: block }));

const dir = tempDir();
let app: RestApp;
let admin: string;
let emmy: number[];
let tagId: string;

beforeAll(async () => {
  let registry: ConstructorParameters<typeof InternalMetricDataRepository>[1];
  const store = new MetricStore({ clusters: [] });
  app = await startRestApp(dir, { metricData: { forCluster: () => new InternalMetricDataRepository(store, registry), close: async () => {} } });
  registry = app.services.clusters;
  admin = await token("admin", ["admin"]);
  await app.prisma.user.create({ data: { username: "admin", roles: '["admin"]' } });
  emmy = await importArchivedJobs(app, emmyJobs);
  const tag = await app.prisma.tag.create({ data: { tagType: "app", tagName: "test" } });
  tagId = String(tag.id);
});

/** Values for the variables the frontend sets, by name, for the test archive's emmy jobs. */
function variablesFor(text: string): Record<string, unknown> {
  const names = [...text.matchAll(/\$(\w+):/g)].map((m) => m[1]!);
  const values: Record<string, unknown> = {
    jobFilters: [{ cluster: { eq: "emmy" } }],
    filter: [{ cluster: { eq: "emmy" } }],
    metrics: ["flops_any", "mem_bw"],
    rows: 50,
    cols: 50,
    minX: 0.01,
    minY: 1,
    maxX: 1000,
    maxY: 10000,
    name: "plot_list_jobsPerPage",
    value: "10",
    cluster: "emmy",
    nodes: ["e0101"],
    from: "2020-12-25T00:00:00Z",
    to: "2020-12-26T00:00:00Z",
    sorting: { field: "startTime", order: "DESC" },
    paging: { itemsPerPage: 10, page: 1 },
    type: "app",
    job: String(emmy[0]),
    tagIds: [tagId],
    id: String(emmy[0]),
    scopes: ["node"],
  };
  return Object.fromEntries(names.map((name) => [name, values[name]]));
}

describe("every operation of cc-backend v1.0.0's frontend runs against our server", () => {
  it("has them all", () => {
    expect(operations.length).toBeGreaterThanOrEqual(19);
  });

  for (const [index, { source, text }] of operations.entries()) {
    it(`${source} #${index + 1}: ${text.split("\n").find((line) => /^(query|mutation|\{)/.test(line))!.slice(0, 60)}`, async () => {
      // The job view's init query asks for job "1"; it must be one of ours.
      const query = text.replace('job(id: "1")', `job(id: "${emmy[0]}")`);
      const response = await fetch(`${app.url}/query`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query, variables: variablesFor(text) }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
      expect(response.status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data).toBeTruthy();
    });
  }

  it("the analysis view's figures come from the archived emmy jobs", async () => {
    const query = operations.find((o) => o.text.includes("jobsFootprints"))!.text;
    const response = await fetch(`${app.url}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables: variablesFor(query) }),
    });
    const { data } = (await response.json()) as { data: { footprints: { nodehours: number[]; metrics: { metric: string; data: number[] }[] } } };
    const metas = await Promise.all(emmyJobs.map((key) => app.archive.loadMeta(key)));
    // Newest first, as the job list; node hours and the archived averages of each job.
    const newestFirst = [...metas].sort((a, b) => b.startTime - a.startTime);
    expect(data.footprints.nodehours).toEqual(newestFirst.map((m) => (m.duration / 3600) * m.numNodes));
    expect(data.footprints.metrics[0]!.metric).toBe("flops_any");
    for (const [i, meta] of newestFirst.entries()) expect(data.footprints.metrics[0]!.data[i]).toBeCloseTo(meta.statistics!.flops_any!.avg, 6);
  });

  it("the job row's metric query returns the archived series", async () => {
    const query = operations.find((o) => o.text.includes("jobMetrics"))!.text;
    const response = await fetch(`${app.url}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables: { id: String(emmy[1]), metrics: ["mem_bw"], scopes: ["node"] } }),
    });
    const { data } = (await response.json()) as { data: { jobMetrics: { name: string; scope: string; metric: { series: { hostname: string; data: (number | null)[] }[] } }[] } };
    const archived = await app.archive.loadData(emmyJobs[1]!);
    expect(data.jobMetrics).toHaveLength(1);
    expect(data.jobMetrics[0]!.metric.series.map((s) => s.data)).toEqual(archived.mem_bw!.node!.series.map((s) => s.data.map((v) => (Number.isFinite(v) ? v : null))));
  });
});

describe("metric data shaped for the browser", () => {
  const QUERY = `query($id: ID!, $resolution: Int) {
    jobMetrics(id: $id, metrics: ["mem_bw"], scopes: ["node"], resolution: $resolution) { metric { timestep statisticsSeries { min mean max } series { data } } }
  }`;

  it("adds min/mean/max per timestep for a metric with several series, and downsamples to a resolution", async () => {
    const call = async (resolution?: number) => {
      const response = await fetch(`${app.url}/query`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${admin}` },
        body: JSON.stringify({ query: QUERY, variables: { id: String(emmy[1]), resolution } }),
      });
      return ((await response.json()) as { data: { jobMetrics: { metric: { timestep: number; statisticsSeries: { min: (number | null)[]; mean: (number | null)[]; max: (number | null)[] }; series: { data: (number | null)[] }[] } }[] } }).data.jobMetrics[0]!.metric;
    };
    const archived = (await app.archive.loadData(emmyJobs[1]!)).mem_bw!.node!;
    const full = await call();
    expect(full.timestep).toBe(archived.timestep);
    // Per timestep across the 32 nodes, computed here from the archived series.
    const values = (t: number) => archived.series.map((s) => s.data[t]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    for (const t of [0, 5, 17]) {
      expect(full.statisticsSeries.min[t]).toBe(Math.min(...values(t)));
      expect(full.statisticsSeries.max[t]).toBe(Math.max(...values(t)));
      expect(full.statisticsSeries.mean[t]).toBeCloseTo(values(t).reduce((a, b) => a + b, 0) / values(t).length, 9);
    }
    const coarse = await call(archived.timestep * 10);
    // A whole multiple of the measured timestep, at least the resolution asked for.
    expect(coarse.timestep % archived.timestep).toBe(0);
    expect(coarse.timestep).toBeGreaterThanOrEqual(archived.timestep * 10);
    expect(coarse.series[0]!.data.length).toBeLessThanOrEqual(Math.ceil(archived.series[0]!.data.length / 10) + 2);
    expect(coarse.series[0]!.data[0]).toBe(archived.series[0]!.data[0]);
    const bad = await fetch(`${app.url}/query`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${admin}` }, body: JSON.stringify({ query: QUERY, variables: { id: String(emmy[1]), resolution: -5 } }) });
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]!.message).toBe("resolution must be a positive number of seconds, got -5");
  });
});
