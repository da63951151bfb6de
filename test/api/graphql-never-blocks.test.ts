import { beforeAll, describe, expect, it } from "vitest";
import { call, startRestApp, token, type RestApp } from "../helpers/rest.ts";
import { TEST_ENGINE, writeDatabase } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * better-sqlite3 blocks the thread it runs on. Statistics run in worker threads, so a batch system's
 * start_job and a user's page load go through while a statistics scan over many jobs is under way.
 * On a database server the same must hold for its connections: a long scan may hold one, never all.
 */

const dir = tempDir();
let app: RestApp;
let api: string;
const JOBS = 300_000;

beforeAll(async () => {
  app = await startRestApp(dir);
  api = await token("slurm", ["api"]);
  // Many jobs in one statement, so the statistics below take a while.
  const numbers = {
    sqlite: `(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${JOBS}) SELECT i FROM n)`,
    mysql: `(SELECT seq AS i FROM seq_1_to_${JOBS})`, // MariaDB's sequence engine
    postgres: `(SELECT generate_series(1, ${JOBS}) AS i)`,
  }[TEST_ENGINE];
  await writeDatabase(
    app.dbFile,
    `INSERT INTO job (job_id, cluster, subcluster, start_time, "user", project, "partition", duration, walltime, job_state, meta_data, resources, num_nodes, num_hwthreads, num_acc)
    SELECT i, 'fritz', 'main', 1600000000 + i * 60, CONCAT('user', i % 997), CONCAT('proj', i % 51), 'main', i % 86400, 86400,
      CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'completed' END,
      CONCAT('{"jobName":"run_', i % 1000, '_gromacs"}'), CONCAT('[{"hostname":"f', i % 900, '"}]'), 1 + i % 8, 72, 0
    FROM ${numbers} AS n`,
  );
}, 120_000);

describe("statistics never block the server", () => {
  it("a start_job and a job list complete while a heavy statistics query runs", async () => {
    const order: string[] = [];
    const heavy = fetch(`${app.url}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${api}` },
      // A json_extract over every job, grouped by user, with both histograms: a scan of the whole table.
      body: JSON.stringify({
        query: `{ jobsStatistics(filter: [{ jobName: { endsWith: "gromacs" } }], groupBy: USER) { id totalJobs histDuration { count value } histNumNodes { count value } } }`,
      }),
    }).then(async (response) => {
      order.push("statistics");
      return (await response.json()) as { data: { jobsStatistics: { totalJobs: number }[] } };
    });
    // Let the statistics request reach its worker thread first.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = call(app, "POST", "/api/jobs/start_job/", {
      token: api,
      json: { jobId: 4242, user: "u", project: "p", cluster: "fritz", partition: "main", numNodes: 1, resources: [{ hostname: "f0101" }], startTime: 1_700_000_000 },
    }).then((response) => {
      order.push("start_job");
      return response;
    });
    const listed = fetch(`${app.url}/query`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${api}` },
      body: JSON.stringify({ query: `{ jobs(filter: [{ user: { eq: "user5" } }], page: { itemsPerPage: 20, page: 1 }) { items { id } } }` }),
    }).then(async (response) => {
      order.push("job list");
      return (await response.json()) as { data: { jobs: { items: unknown[] } } };
    });
    const [stats, start, list] = await Promise.all([heavy, started, listed]);
    expect(start.status).toBe(201);
    expect(list.data.jobs.items).toHaveLength(20);
    // Every job of the table matched, so the statistics really scanned all of it.
    expect(stats.data.jobsStatistics.reduce((sum, s) => sum + s.totalJobs, 0)).toBe(JOBS);
    // Both finished while the statistics still ran (in either order: neither waits for the other).
    expect(order.at(-1)).toBe("statistics");
    expect(order.sort()).toEqual(["job list", "start_job", "statistics"]);
  });
});
