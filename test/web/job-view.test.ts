import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: DemoApp;
let browser: Browser;
/** The longest multi-node archived job of the demo: long enough that its first load is thinned out. */
let job: { id: number; jobId: bigint; cluster: string; startTime: bigint; duration: number; numNodes: number; user: string };

const MARKUP_NAME = "<b>bold name</b>";
const MARKUP_SCRIPT = "#!/bin/bash\necho '<b>not bold</b>'\n<script>window.__injected = 1</script>\nsrun ./a.out";
const MARKUP_NOTE = "<img src=x onerror=\"window.__injected = 2\">";

beforeAll(async () => {
  app = await startDemoApp(dir, { jobs: 40 });
  job = await app.prisma.job.findFirstOrThrow({
    where: { numNodes: { gte: 2 }, monitoringStatus: 3, jobState: { not: "running" } },
    orderBy: { duration: "desc" },
    select: { id: true, jobId: true, cluster: true, startTime: true, duration: true, numNodes: true, user: true },
  });
  // Job texts come from the batch system and may contain anything: they must stay text.
  await app.prisma.job.update({ where: { id: job.id }, data: { metaData: JSON.stringify({ jobName: MARKUP_NAME, jobScript: MARKUP_SCRIPT, note: MARKUP_NOTE }) } });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function openPage(): Promise<{ page: Page; problems: string[]; resolutions: (number | null)[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems: string[] = [];
  const resolutions: (number | null)[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("request", (request) => {
    if (!request.url().endsWith("/query") || request.method() !== "POST") return;
    const body = request.postDataJSON() as { operationName?: string; query?: string; variables?: { resolution?: number | null } };
    if (body.operationName === "JobViewMetrics" || body.query?.includes("query JobViewMetrics")) resolutions.push(body.variables?.resolution ?? null);
  });
  await app.login(page, "admin");
  return { page, problems, resolutions };
}

describe("job view in Chromium", () => {
  it("shows info, plots and statistics equal to the archive's, and zooms into finer data", async () => {
    const { page, problems, resolutions } = await openPage();
    await page.goto(`${app.url}/monitoring/job/${job.id}`);
    const info = page.getByTestId("job-info");
    await info.waitFor();
    expect(await page.getByTestId("job-id").textContent()).toBe(String(job.jobId));
    expect(await page.getByTestId("job-user").getAttribute("href")).toBe(`/monitoring/user/${encodeURIComponent(job.user)}`);
    expect(await page.getByTestId("job-resources").textContent()).toContain(`${job.numNodes} nodes`);
    // The job name is shown as text, markup and all.
    expect(await page.getByTestId("job-name").textContent()).toBe(MARKUP_NAME);
    expect(await info.locator("b").count()).toBe(0);

    // One uPlot canvas per metric with data, plus the polar plot and the roofline.
    const grid = page.getByTestId("metric-grid");
    await grid.waitFor();
    const panels = grid.getByTestId("metric-panel");
    await expect.poll(() => grid.locator("canvas").count(), { timeout: 15_000 }).toBeGreaterThan(3);
    const plotted = await grid.locator('[data-testid="metric-plot"]').count();
    expect(await grid.locator("canvas").count()).toBe(plotted);
    expect(plotted).toBeGreaterThan(3);
    expect(await panels.count()).toBeGreaterThanOrEqual(plotted);
    await page.getByTestId("polar-plot").waitFor();
    await page.getByTestId("roofline-plot").waitFor();

    // First load: at most ~600 points per series.
    const initial = Math.ceil(job.duration / 600);
    expect(resolutions[0]).toBe(initial);
    expect(initial).toBeGreaterThan(60); // the test needs a job whose first load is thinned out

    // The statistics table shows the archive's per-host statistics (node scope).
    const data = await app.archive.loadData({ jobId: Number(job.jobId), cluster: job.cluster, startTime: Number(job.startTime) });
    const table = page.getByTestId("stats-table");
    await table.waitFor();
    let compared = 0;
    for (const metric of ["flops_any", "mem_bw", "cpu_load"]) {
      const series = data[metric]?.node?.series ?? [];
      for (const s of series) {
        if (!s.statistics) continue;
        for (const stat of ["min", "avg", "max"] as const) {
          const cell = table.locator(`tr[data-host="${s.hostname}"] td[data-metric="${metric}"][data-stat="${stat}"]`);
          expect(Number(await cell.getAttribute("data-value")), `${metric} ${stat} of ${s.hostname}`).toBe(s.statistics[stat]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(3 * 3 * 2);
    expect(await table.locator("tbody tr").count()).toBe(job.numNodes);

    // Drag-zoom on the flops_any plot: a finer query for the zoomed range, and more points per second.
    const panel = grid.locator('[data-testid="metric-panel"][data-metric="flops_any"]');
    const plotBox = panel.locator("[data-timestep]");
    const timestepBefore = Number(await plotBox.getAttribute("data-timestep"));
    expect(timestepBefore).toBeGreaterThan(60);
    await panel.scrollIntoViewIfNeeded();
    const over = panel.locator(".u-over");
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => resolutions.length, { timeout: 10_000 }).toBeGreaterThan(1);
    const finer = resolutions.at(-1)!;
    expect(finer).toBeLessThan(initial);
    await expect.poll(async () => Number(await plotBox.getAttribute("data-timestep")), { timeout: 10_000 }).toBeLessThan(timestepBefore);
    await panel.getByRole("button", { name: "Reset zoom" }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, "job-view.png"), fullPage: true });

    await panel.getByRole("button", { name: "Reset zoom" }).click();
    await expect.poll(async () => Number(await plotBox.getAttribute("data-timestep"))).toBe(timestepBefore);

    // Host filter: one host's line.
    const hostSelect = panel.getByLabel("Host of flops_any");
    const firstHost = (await hostSelect.locator("option").nth(1).getAttribute("value"))!;
    await hostSelect.selectOption(firstHost);
    await expect.poll(() => panel.locator(".u-legend .u-series").count()).toBe(2); // x and one host
    expect(await panel.locator(".u-legend").textContent()).toContain(firstHost);

    // Job script and other metadata: markup shown as text, never rendered.
    await page.getByRole("tab", { name: "Job script" }).click();
    expect(await page.getByTestId("job-script").textContent()).toBe(MARKUP_SCRIPT);
    expect(await page.getByTestId("job-script").locator("b, script").count()).toBe(0);
    await page.getByRole("tab", { name: "Metadata" }).click();
    expect(await page.getByTestId("job-metadata").textContent()).toContain(MARKUP_NOTE);
    expect(await page.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();

    expect(problems).toEqual([]);
    await page.close();
  }, 90_000);

  it("adds an existing tag, creates a new one, and removes tags", async () => {
    const existing = await app.prisma.tag.create({ data: { tagType: "review", tagName: "checked" } });
    const { page, problems } = await openPage();
    await page.goto(`${app.url}/monitoring/job/${job.id}`);
    const tags = page.getByTestId("job-tags");
    await tags.waitFor();
    const before = await tags.getByTestId("tag").count();

    await tags.getByRole("button", { name: "Manage tags" }).click();
    const panel = page.getByTestId("tag-panel");
    await panel.getByLabel("Search or create tag").fill("review");
    await panel.getByRole("button", { name: "Add tag review: checked" }).click();
    await expect.poll(() => tags.locator('a [data-testid="tag"]').allTextContents()).toContain("review: checked");
    expect(await tags.locator("a", { hasText: "review: checked" }).getAttribute("href")).toBe(`/monitoring/jobs/?tag=${existing.id}`);

    await panel.getByLabel("Search or create tag").fill("issue: needs-check");
    await panel.getByRole("button", { name: /Create and add tag/ }).click();
    await expect.poll(() => tags.locator('a [data-testid="tag"]').allTextContents()).toContain("issue: needs-check");
    const created = await app.prisma.tag.findUniqueOrThrow({ where: { tagType_tagName: { tagType: "issue", tagName: "needs-check" } } });
    const linked = async () => (await app.prisma.jobTag.findMany({ where: { jobId: job.id } })).map((t) => t.tagId).sort();
    expect(await linked()).toEqual(expect.arrayContaining([existing.id, created.id]));

    await tags.getByRole("button", { name: "Remove tag review: checked" }).first().click();
    await expect.poll(() => tags.locator('a [data-testid="tag"]').allTextContents()).not.toContain("review: checked");
    expect(await linked()).not.toContain(existing.id);
    await tags.getByRole("button", { name: "Remove tag issue: needs-check" }).first().click();
    await expect.poll(() => tags.locator('a [data-testid="tag"]').count()).toBe(before);
    expect(await linked()).not.toContain(created.id);

    // Reloaded from the server, the page shows the same tags.
    await page.reload();
    await tags.waitFor();
    expect(await tags.locator('a [data-testid="tag"]').count()).toBe(before);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("loads another scope on demand and keeps the metric selection", async () => {
    // A job with per-core data in the archive (few nodes, not too long).
    const candidates = await app.prisma.job.findMany({
      where: { cluster: "fritz", numNodes: { lte: 2 }, duration: { gte: 600 }, monitoringStatus: 3 },
      orderBy: { duration: "asc" },
      select: { id: true, jobId: true, cluster: true, startTime: true },
    });
    let small: (typeof candidates)[number] | undefined;
    let coreSeries = 0;
    for (const candidate of candidates) {
      const data = await app.archive.loadData({ jobId: Number(candidate.jobId), cluster: candidate.cluster, startTime: Number(candidate.startTime) });
      coreSeries = data.flops_any?.core?.series.length ?? 0;
      small = candidate;
      if (coreSeries > 8) break;
    }
    expect(coreSeries).toBeGreaterThan(8);
    if (!small) throw new Error("no fritz job with core data in the demo archive");

    const { page, problems } = await openPage();
    await page.goto(`${app.url}/monitoring/job/${small.id}`);
    const grid = page.getByTestId("metric-grid");
    const panel = grid.locator('[data-testid="metric-panel"][data-metric="flops_any"]');
    await panel.locator("canvas").waitFor();
    await panel.getByLabel("Scope of flops_any").selectOption("core");
    // Many cores: drawn as a min/mean/max band with a legend of three.
    await expect.poll(() => panel.locator(".u-legend .u-series").allTextContents(), { timeout: 10_000 }).toEqual([expect.stringContaining("Value"), expect.stringContaining("min"), expect.stringContaining("mean"), expect.stringContaining("max")]);
    expect(await panel.locator("[data-points]").getAttribute("data-points")).not.toBe("0");

    // Two metrics chosen: two panels, saved for the user and the cluster.
    await page.getByRole("button", { name: /^Metrics/ }).click();
    const selection = page.getByTestId("metric-selection");
    await selection.getByRole("button", { name: "none" }).click();
    await selection.getByLabel("mem_bw", { exact: true }).check();
    await selection.getByLabel("cpu_load", { exact: true }).check();
    await selection.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => grid.getByTestId("metric-panel").evaluateAll((panels) => panels.map((p) => p.getAttribute("data-metric")))).toEqual(["cpu_load", "mem_bw"]);
    await expect
      .poll(async () => (await app.prisma.configuration.findFirst({ where: { username: "demo-admin", confkey: "job_view_selectedMetrics:fritz" } }))?.value)
      .toBe(JSON.stringify(["cpu_load", "mem_bw"]));
    await page.reload();
    await expect.poll(() => grid.getByTestId("metric-panel").count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId("stats-table").locator("thead th[colspan]").allTextContents()).toEqual([expect.stringContaining("cpu_load"), expect.stringContaining("mem_bw")]);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("says so when there is no such job", async () => {
    const { page } = await openPage();
    await page.goto(`${app.url}/monitoring/job/987654321`);
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 10_000 }).toContain("does not exist");
    await page.goto(`${app.url}/monitoring/job/not-a-number`);
    await expect.poll(() => page.getByRole("alert").first().textContent(), { timeout: 10_000 }).toContain("invalid job id");
    await page.close();
  }, 30_000);
});
