import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { jobData } from "../helpers/factories.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: DemoApp;
let browser: Browser;
let total: number;
const XSS = "<img src=x onerror=alert(1)>";
const PRESET_SAMPLE = jobData({
  jobId: 777002n,
  cluster: "alex",
  startTime: 1_600_000_000n,
  numNodes: 2,
  metaData: JSON.stringify({ jobName: "preset-sample" }),
  resources: JSON.stringify([{ hostname: "a9901" }, { hostname: "a9902" }]),
  monitoringStatus: 0,
});

beforeAll(async () => {
  app = await startDemoApp(dir, { jobs: 60 });
  // Newest of all jobs, so it is the first row; not monitored, so it needs no metric data.
  await app.prisma.job.create({ data: jobData({ jobId: 777001n, startTime: 1_900_000_000n, user: XSS, project: "<b>xss</b>", monitoringStatus: 0 }) });
  // The generated jobs change with the hour they are generated in (some hours have no multi-node alex
  // job): the URL presets are checked against this one, which is always there.
  // It shares user and project with a generated job, so those presets match more than one job.
  const peer = await app.prisma.job.findFirstOrThrow({ orderBy: { id: "asc" } });
  await app.prisma.job.create({ data: { ...PRESET_SAMPLE, user: peer.user, project: peer.project } });
  total = await app.prisma.job.count();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

/** A logged-in page that records console errors, page errors and dialogs (an XSS would open one). */
async function openPage(who: "admin" | "user" = "admin"): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await app.login(page, who);
  return { page, problems };
}

/** The machine is shared: give the UI time. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });
const rows = (page: Page) => page.getByTestId("job-row");
const jobCount = async (page: Page) => Number((await page.getByTestId("job-count").textContent())?.replace(/ jobs$/, ""));
const plotsIn = (page: Page, row: number) => rows(page).nth(row).locator("canvas");

/** The metric requests of the job list: how many jobs each asked for, and whether as min/mean/max. */
function recordMetricBatches(page: Page): { jobs: number; ids: string[]; statistics: boolean }[] {
  const batches: { jobs: number; ids: string[]; statistics: boolean }[] = [];
  page.on("request", (request) => {
    const body = request.postData() ?? "";
    if (!request.url().endsWith("/query") || !body.includes("JobListMetricsBatch")) return;
    const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    const ids = Object.entries(variables).filter(([k]) => /^id\d+$/.test(k)).map(([, v]) => String(v));
    batches.push({ jobs: ids.length, ids, statistics: query.includes("statisticsSeries") });
  });
  return batches;
}

async function openJobs(page: Page, query = ""): Promise<void> {
  await page.goto(`${app.url}/monitoring/jobs/${query}`);
  await page.getByTestId("job-count").waitFor();
}

describe("job list in Chromium", () => {
  it("lists jobs with lazily loaded plots, escapes user data, filters, sorts and pages", async () => {
    const { page, problems } = await openPage();
    const batches = recordMetricBatches(page);
    await openJobs(page);
    expect(await jobCount(page)).toBe(total);
    await poll(() => rows(page).count()).toBe(50);

    // Newest first: the job with markup in its user name, shown as text.
    const first = rows(page).first();
    expect(await first.getByTestId("job-link").textContent()).toBe("777001");
    expect(await first.getByTestId("job-link").getAttribute("href")).toMatch(/^\/monitoring\/job\/\d+$/);
    expect(await first.getByTestId("job-user").textContent()).toBe(XSS);
    expect(await first.textContent()).toContain("<b>xss</b>");
    expect(await page.locator('[data-testid="job-table"] img, [data-testid="job-table"] b').count()).toBe(0);
    expect(await first.textContent()).toContain("Not monitored");

    // Plots: one canvas per selected metric (four by default) in the rows in view; none far below yet.
    expect(await page.getByTestId("metric-header").count()).toBe(4);
    await poll(() => plotsIn(page, 1).count()).toBe(4);
    await poll(() => plotsIn(page, 2).count()).toBe(4);
    expect(await plotsIn(page, 49).count()).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, "job-list.png") });
    // The plots of the rows in view came in a few batched requests, not one per job nor one for the page.
    expect(batches.length).toBeGreaterThan(0);
    expect(Math.max(...batches.map((b) => b.jobs))).toBeGreaterThan(1);
    expect(Math.max(...batches.map((b) => b.jobs))).toBeLessThanOrEqual(6);
    expect(batches.reduce((n, b) => n + b.jobs, 0)).toBeLessThan(50);
    await rows(page).nth(49).scrollIntoViewIfNeeded();
    await poll(() => plotsIn(page, 49).count()).toBe(4);

    // Filter by state through the menu and its dialog.
    await page.getByRole("button", { name: "Filters" }).click();
    await page.getByRole("button", { name: "Job States" }).click();
    const dialog = page.getByRole("dialog", { name: "Select job states" });
    await dialog.getByRole("button", { name: "Select none" }).click();
    await dialog.getByLabel("failed").check();
    await dialog.getByRole("button", { name: "Close & Apply" }).click();
    await page.waitForURL((url) => url.search === "?state=failed");
    const failed = await app.prisma.job.count({ where: { jobState: "failed" } });
    expect(failed).toBeGreaterThan(0);
    await poll(() => jobCount(page)).toBe(failed);
    await poll(() => rows(page).count()).toBe(failed);
    expect(new Set(await page.getByTestId("job-state").allTextContents())).toEqual(new Set(["failed"]));
    expect(await page.getByTestId("filter-pill").allTextContents()).toEqual(["failed"]);

    // Remove the pill: all jobs again, and the URL has no filter left.
    await page.getByRole("button", { name: "Remove filter States: failed" }).click();
    await page.waitForURL((url) => url.search === "");
    await poll(() => jobCount(page)).toBe(total);
    expect(await page.getByTestId("filter-pill").count()).toBe(0);

    // Sort by duration, ascending (in the URL too).
    await page.getByLabel("Sort by").selectOption("duration");
    await page.waitForURL((url) => url.searchParams.get("sort") === "duration");
    await page.getByTestId("sort-order").click();
    await page.waitForURL((url) => url.searchParams.get("order") === "asc");
    const shortest = await app.prisma.job.findFirst({ orderBy: [{ duration: "asc" }, { id: "asc" }] });
    await poll(() => rows(page).first().getByTestId("job-link").textContent()).toBe(String(shortest!.jobId));
    const durations = await app.prisma.job.findMany({ select: { duration: true }, orderBy: [{ duration: "asc" }, { id: "asc" }], take: 3 });
    expect(durations[0]!.duration).toBeLessThanOrEqual(durations[2]!.duration);

    // Paging.
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("Page 2 of 2").waitFor();
    await poll(() => rows(page).count()).toBe(total - 50);
    expect(await page.getByTestId("page-range").textContent()).toBe(`51–${total} of ${total} jobs`);
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByText("Page 1 of 2").waitFor();

    // Items per page: applied at once and stored for the user.
    await page.getByLabel("Jobs per page").selectOption("10");
    await poll(() => rows(page).count()).toBe(10);
    await page.getByText(`Page 1 of ${Math.ceil(total / 10)}`).waitFor();
    await poll(async () => (await app.prisma.configuration.findFirst({ where: { confkey: "plot_list_jobsPerPage" } }))?.value).toBe("10");
    await page.reload();
    await page.getByTestId("job-count").waitFor();
    await poll(() => rows(page).count()).toBe(10);
    // The sorting survived the reload through the URL.
    expect(await page.getByLabel("Sort by").inputValue()).toBe("duration");
    expect(await rows(page).first().getByTestId("job-link").textContent()).toBe(String(shortest!.jobId));

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("changes the plotted metrics and keeps the choice, per cluster too", async () => {
    const { page, problems } = await openPage();
    await openJobs(page);
    await poll(() => plotsIn(page, 1).count()).toBe(4);

    await page.getByRole("button", { name: "Metrics" }).click();
    const dialog = page.getByRole("dialog", { name: "Metrics to plot" });
    await dialog.getByRole("checkbox", { name: "flops_any" }).uncheck();
    await dialog.getByRole("checkbox", { name: "mem_bw" }).uncheck();
    await dialog.getByRole("button", { name: "Move mem_used up" }).click();
    await dialog.getByRole("button", { name: "Close & Apply" }).click();
    expect(await page.getByTestId("metric-header").allTextContents()).toEqual([expect.stringMatching(/^mem_used/), expect.stringMatching(/^cpu_load/)]);
    await poll(() => plotsIn(page, 1).count()).toBe(2);
    await poll(async () => (await app.prisma.configuration.findFirst({ where: { confkey: "plot_list_selectedMetrics" } }))?.value).toBe(
      JSON.stringify(["mem_used", "cpu_load"]),
    );

    await page.reload();
    await page.getByTestId("job-count").waitFor();
    expect(await page.getByTestId("metric-header").count()).toBe(2);
    await poll(() => plotsIn(page, 1).count()).toBe(2);

    // Filtered to alex: its own selection (plot_list_selectedMetrics:alex), with alex's GPU metrics.
    await openJobs(page, "?cluster=alex");
    await page.getByRole("button", { name: "Metrics" }).click();
    const alexDialog = page.getByRole("dialog", { name: "Metrics to plot on alex" });
    await alexDialog.getByRole("checkbox", { name: "acc_utilization" }).check();
    await alexDialog.getByRole("button", { name: "Close & Apply" }).click();
    await poll(() => page.getByTestId("metric-header").count()).toBe(3);
    await poll(() => plotsIn(page, 0).count()).toBe(3);
    await page.reload();
    await page.getByTestId("job-count").waitFor();
    expect(await page.getByTestId("metric-header").count()).toBe(3);
    await openJobs(page);
    expect(await page.getByTestId("metric-header").count()).toBe(2);

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("applies cc-backend's URL presets", async () => {
    const { page, problems } = await openPage();
    const sample = await app.prisma.job.findFirstOrThrow({ where: { jobId: PRESET_SAMPLE.jobId } });
    const tagged = await app.prisma.jobTag.findFirst({ orderBy: { tagId: "asc" } });
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, number][] = [
      ["?state=failed&state=timeout", await app.prisma.job.count({ where: { jobState: { in: ["failed", "timeout"] } } })],
      ["?cluster=alex", await app.prisma.job.count({ where: { cluster: "alex" } })],
      [`?project=${encodeURIComponent(sample.project)}`, await app.prisma.job.count({ where: { project: sample.project } })],
      [`?user=${encodeURIComponent(sample.user)}`, await app.prisma.job.count({ where: { user: { contains: sample.user } } })],
      [`?jobId=${sample.jobId}`, await app.prisma.job.count({ where: { jobId: sample.jobId } })],
      ["?numNodes=2-4", await app.prisma.job.count({ where: { numNodes: { gte: 2, lte: 4 } } })],
      ["?duration=3600-36000", await app.prisma.job.count({ where: { duration: { gte: 3600, lte: 36000 } } })],
      ["?startTime=last7d", await app.prisma.job.count({ where: { startTime: { gte: BigInt(now - 7 * 86400) } } })],
      [`?tag=${tagged!.tagId}`, await app.prisma.jobTag.count({ where: { tagId: tagged!.tagId } })],
    ];
    // Job name and node are inside JSON columns: counted here from all jobs.
    const all = await app.prisma.job.findMany({ select: { metaData: true, resources: true } });
    const name = (JSON.parse(sample.metaData!) as { jobName: string }).jobName;
    const host = (JSON.parse(sample.resources) as { hostname: string }[])[0]!.hostname;
    cases.push(
      [`?jobName=${encodeURIComponent(name)}`, all.filter((j) => ((JSON.parse(j.metaData ?? "{}") as { jobName?: string }).jobName ?? "").includes(name)).length],
      [`?node=${encodeURIComponent(host)}`, all.filter((j) => (JSON.parse(j.resources) as { hostname: string }[]).some((r) => r.hostname.includes(host))).length],
    );
    for (const [query, expected] of cases) {
      await openJobs(page, query);
      expect({ query, count: await jobCount(page) }).toEqual({ query, count: expected });
      expect(await page.getByTestId("filter-pill").count()).toBeGreaterThan(0);
    }
    // Jobs on more than 8 nodes are drawn as a min/mean/max band: their data is asked for as statistics series.
    const wideIds = new Set((await app.prisma.job.findMany({ where: { numNodes: { gte: 9 } }, select: { id: true } })).map((j) => String(j.id)));
    const wide = wideIds.size;
    expect(wide).toBeGreaterThan(0);
    const batches = recordMetricBatches(page);
    await openJobs(page, "?numNodes=9-");
    expect(await jobCount(page)).toBe(wide);
    const plotted = await page.getByTestId("metric-header").count();
    expect(plotted).toBeGreaterThan(0);
    await poll(() => plotsIn(page, 0).count()).toBe(plotted);
    // Requests of the page before may still arrive; those for the wide jobs are what counts.
    const forWide = batches.filter((b) => b.ids.some((id) => wideIds.has(id)));
    expect(forWide.length).toBeGreaterThan(0);
    expect(forWide.every((b) => b.statistics)).toBe(true);

    // A project preset matches exactly; the state pill names both states.
    await openJobs(page, "?state=failed&state=timeout");
    expect(await page.getByTestId("filter-pill").allTextContents()).toEqual(["failed, timeout"]);
    await openJobs(page, `?project=${encodeURIComponent(sample.project)}`);
    expect(await page.getByTestId("filter-pill").allTextContents()).toEqual([`Project equals ${sample.project}`]);

    // The text filter adds a user filter with its match mode, mirrored in the URL.
    await openJobs(page);
    await page.getByLabel("Search field").selectOption("user");
    await page.getByLabel("Match", { exact: true }).selectOption("eq");
    await page.getByLabel("Search text").fill(sample.user);
    await page.getByLabel("Search text").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("user") === sample.user && url.searchParams.get("userMatch") === "eq");
    await poll(() => jobCount(page)).toBe(await app.prisma.job.count({ where: { user: sample.user } }));

    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("loads more jobs on scroll in continuous mode and reloads on request", async () => {
    const { page, problems } = await openPage();
    await openJobs(page);
    await page.getByLabel("Jobs per page").selectOption("25");
    await poll(() => rows(page).count()).toBe(25);
    await page.getByLabel("Continuous scroll").check();
    // The first page stays; the next may already be loading if the table's end is in view.
    await poll(() => rows(page).count()).toBeGreaterThanOrEqual(25);
    for (let i = 0; i < 5 && (await rows(page).count()) < total; i++) {
      await page.mouse.wheel(0, 20_000);
      await page.waitForTimeout(300);
    }
    await poll(() => rows(page).count()).toBe(total);
    await page.reload();
    await page.getByTestId("job-count").waitFor();
    expect(await page.getByLabel("Continuous scroll").isChecked()).toBe(true);

    // Reload keeps the rows on screen and asks the server again.
    const asked = page.waitForRequest((request) => request.url().endsWith("/query") && (request.postData() ?? "").includes("JobListJobs"));
    await page.getByRole("button", { name: "Reload", exact: true }).click();
    await asked;
    expect(await rows(page).count()).toBeGreaterThan(0);
    await page.getByLabel("Periodic reload").selectOption("30");
    expect(await page.getByRole("button", { name: "Reload", exact: true }).isDisabled()).toBe(true);

    await page.getByLabel("Continuous scroll").uncheck();
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("shows an error message, not a blank page, when the job query fails", async () => {
    const { page } = await openPage();
    await page.route(
      (url) => url.pathname === "/query",
      async (route) => {
        if ((route.request().postData() ?? "").includes("JobListJobs")) {
          await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "database is on fire" }] }) });
        } else await route.continue();
      },
    );
    await page.goto(`${app.url}/monitoring/jobs/`);
    await poll(() => page.getByRole("alert").first().textContent()).toContain("Could not load jobs: database is on fire");
    await page.close();
  }, 180_000);
});
