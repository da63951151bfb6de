// npm run bench:web [-- --jobs 3000 --runs 5]   (needs `npm run build` first: it serves dist/web)
// The web UI in Debian's Chromium against the demo data: the job list with 50 rows × 5 metric plots,
// the job view of the largest job with 10 metrics, and the JavaScript a first page load needs.
// Each time is printed beside its floor: the same navigation to the login page, which loads the same
// app shell without any data.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/helpers/browser.ts";
import { startDemoApp } from "../test/helpers/demo-app.ts";
import { median, printTable, type BenchRow } from "./lib/report.ts";

const { values: args } = parseArgs({ options: { jobs: { type: "string", default: "3000" }, runs: { type: "string", default: "5" } } });
const RUNS = Number(args.runs);
const log = (line: string) => console.error(line);

const dir = mkdtempSync(path.join(os.tmpdir(), "ccb-bench-web-"));
log(`generating ${args.jobs} demo jobs and starting the server ...`);
const app = await startDemoApp(dir, { jobs: Number(args.jobs), days: 60, manualClose: true });
const browser = await launchBrowser();
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await app.login(page, "admin");

const LIST_METRICS = ["cpu_load", "flops_any", "mem_bw", "mem_used", "net_bw"];
const [largest] = await app.prisma.job.findMany({ where: { cluster: "fritz", monitoringStatus: 3 }, orderBy: { numNodes: "desc" }, take: 1 });
const jobMetrics = app.services.clusters!.metrics("fritz", largest!.subCluster).map((m) => m.name).slice(0, 10);
// The views' metric selections, as a user would have saved them.
await page.evaluate(
  async ([list, job]) => {
    for (const [name, value] of [["plot_list_selectedMetrics:fritz", list], ["job_view_selectedMetrics:fritz", job]] as const) {
      await fetch("/query", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "mutation($n: String!, $v: String!) { updateConfiguration(name: $n, value: $v) }", variables: { n: name, v: JSON.stringify(value) } }) });
    }
  },
  [LIST_METRICS, jobMetrics] as const,
);

/** ms from the start of a navigation until `ready` holds. */
async function timed(url: string, ready: (page: Page) => Promise<void>): Promise<number> {
  await page.goto("about:blank");
  const start = performance.now();
  await page.goto(url, { waitUntil: "commit" });
  await ready(page);
  return performance.now() - start;
}

const listReady = async (p: Page) => {
  await p.waitForFunction(() => document.querySelectorAll('[data-testid="job-row"]').length >= 50, undefined, { timeout: 60_000 });
  // Interactive: every row in the viewport has its plots drawn.
  await p.waitForFunction(
    (metrics) => {
      const visible = [...document.querySelectorAll('[data-testid="job-row"]')].filter((row) => row.getBoundingClientRect().top < window.innerHeight);
      return visible.length > 0 && visible.every((row) => row.querySelectorAll("canvas").length >= metrics);
    },
    LIST_METRICS.length,
    { timeout: 60_000 },
  );
};
const jobReady = async (p: Page) => {
  await p.waitForFunction((count) => document.querySelectorAll('[data-testid="metric-plot"] canvas').length >= count, jobMetrics.length, { timeout: 60_000 });
};
const shellReady = async (p: Page) => {
  await p.getByRole("button", { name: "Log in" }).waitFor();
};

const measure = async (url: string, ready: (page: Page) => Promise<void>) => {
  await timed(url, ready);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await timed(url, ready));
  return median(times);
};

const rows: BenchRow[] = [];
const floor = await (async () => {
  const shell = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const times: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    await shell.goto("about:blank");
    const start = performance.now();
    await shell.goto(`${app.url}/login`, { waitUntil: "commit" });
    await shellReady(shell);
    times.push(performance.now() - start);
  }
  await shell.close();
  return median(times.slice(1));
})();

log("job list ...");
rows.push({ name: `job list: 50 rows × ${LIST_METRICS.length} metric plots, interactive`, ours: await measure(`${app.url}/monitoring/jobs/?cluster=fritz`, listReady), floor, unit: "ms", note: "target ≤ 1,000 ms; floor: the app shell (login page)" });
log(`job view of a ${largest!.numNodes}-node job ...`);
rows.push({ name: `job view: ${largest!.numNodes}-node job, ${jobMetrics.length} metric plots`, ours: await measure(`${app.url}/monitoring/job/${largest!.id}`, jobReady), floor, unit: "ms", note: "target ≤ 1,500 ms for 64 nodes; floor: the app shell (login page)" });

// The JavaScript a first visit to the job list downloads, gzipped as a server would send it.
const fresh = await browser.newContext();
const first = await fresh.newPage();
const scripts = new Map<string, Buffer>();
first.on("response", async (response) => {
  if (response.url().endsWith(".js")) scripts.set(response.url(), await response.body().catch(() => Buffer.alloc(0)));
});
await app.login(first, "admin");
await first.goto(`${app.url}/monitoring/jobs/?cluster=fritz`);
await listReady(first);
const gz = [...scripts.values()].reduce((sum, body) => sum + gzipSync(body).length, 0) / 1024;
rows.push({ name: `initial JavaScript of the job list (${scripts.size} files, gzipped)`, ours: gz, floor: gz, unit: "KiB", note: "target ≤ 250 KB; routes are split into chunks" });

printTable(rows);
await browser.close();
await app.close();
rmSync(dir, { recursive: true, force: true });
