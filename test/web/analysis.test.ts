import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { DEMO_USERS, startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: DemoApp;
let browser: Browser;
/** One logged-in admin session for all tests (logging in costs seconds on a busy machine). */
let admin: BrowserContext;

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return problems;
}

/** How many pixels of a canvas are painted: a plot that was drawn, not an empty box. */
async function paintedPixels(page: Page, selector: string, index = 0): Promise<number> {
  return page
    .locator(selector)
    .nth(index)
    .evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return painted;
    });
}

/** Pixels of a colour that only the heatmap's tiles use (reddish, not grey axes or black roofs). */
async function tilePixels(page: Page): Promise<number> {
  return page.locator('[data-testid="roofline-heatmap"] canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
    let tiles = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3]! > 0 && data[i]! > 150 && data[i]! - data[i + 2]! > 60) tiles++;
    return tiles;
  });
}

/** expect.poll with room for a busy machine (the default gives up after one second). */
const poll = <T>(fn: () => T | Promise<T>, options: { message?: string } = {}) => expect.poll(fn, { timeout: 45_000, interval: 100, ...options });

const number = (text: string | null) => Number((text ?? "").replace(/,/g, ""));

beforeAll(async () => {
  // Enough jobs that fritz has more than the 500 the per-job analysis accepts.
  app = await startDemoApp(dir, { jobs: 800 });
  browser = await launchBrowser();
  admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  admin.setDefaultTimeout(60_000);
  const page = await admin.newPage();
  await app.login(page, "admin");
  await page.close();
});

afterAll(async () => {
  await browser?.close();
});

describe("analysis view in Chromium", () => {
  it("asks to narrow a filter with more than 500 jobs, then analyses one user's jobs", async () => {
    const fritzJobs = await app.prisma.job.count({ where: { cluster: "fritz" } });
    expect(fritzJobs).toBeGreaterThan(500);
    const page = await admin.newPage();
    const problems = watchProblems(page);

    // Broad: all of fritz. Totals and distributions still show; the per-job parts get the server's message.
    await page.goto(`${app.url}/monitoring/analysis/fritz?startTime=all`);
    await page.getByTestId("analysis-stats").waitFor();
    expect(number(await page.getByTestId("stat-total-jobs").textContent())).toBe(fritzJobs);
    await page.getByTestId("too-many-jobs").waitFor();
    await poll(() => page.getByRole("alert").allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining("too many jobs matched (max: 500)")]),
    );
    expect(await page.getByTestId("metric-histogram").count()).toBe(0);
    // Top users by node hours, as jobsCount computes them.
    const jobs = await app.prisma.job.findMany({ where: { cluster: "fritz" }, select: { user: true, duration: true, numNodes: true } });
    const nodeSeconds = new Map<string, number>();
    for (const job of jobs) nodeSeconds.set(job.user, (nodeSeconds.get(job.user) ?? 0) + job.duration * job.numNodes);
    const top = [...nodeSeconds].map(([user, s]) => ({ user, hours: Math.round(s / 3600) })).sort((a, b) => b.hours - a.hours || a.user.localeCompare(b.user));
    const topRows = page.locator('[data-testid="top-users"] tbody tr');
    expect(await topRows.count()).toBe(10);
    expect(await topRows.locator("td:nth-child(2)").allTextContents()).toEqual(top.slice(0, 10).map((t) => t.user));
    expect((await topRows.locator("td:nth-child(3)").allTextContents()).map(number)).toEqual(top.slice(0, 10).map((t) => t.hours));

    // Narrow to one user through the filter form: the error gives way to the plots.
    const user = top[0]!.user;
    const userJobs = await app.prisma.job.count({ where: { cluster: "fritz", user: { contains: user } } });
    expect(userJobs).toBeLessThanOrEqual(500);
    await page.getByLabel("User", { exact: true }).fill(user);
    await page.getByRole("button", { name: "Apply" }).click();
    await poll(() => new URL(page.url()).searchParams.get("user")).toBe(user);
    await poll(async () => number(await page.getByTestId("stat-total-jobs").textContent())).toBe(userJobs);
    await page.getByTestId("footprint-count").waitFor();
    expect(await page.getByTestId("footprint-count").textContent()).toBe(`Averages of ${userJobs} jobs`);
    await poll(() => page.getByTestId("too-many-jobs").count()).toBe(0);

    // Duration and node histograms, the heatmap, three metric histograms and three scatter plots (ui-defaults).
    for (const selector of ['[data-testid="hist-duration"] canvas', '[data-testid="hist-nodes"] canvas', '[data-testid="roofline-heatmap"] canvas']) {
      await poll(() => paintedPixels(page, selector), { message: selector }).toBeGreaterThan(1000);
    }
    await poll(() => tilePixels(page)).toBeGreaterThan(20);
    await poll(() => page.getByTestId("metric-histogram").count()).toBe(3);
    expect(await page.locator('[data-testid="metric-histogram"]').evaluateAll((els) => els.map((e) => e.closest("div.col-12")?.querySelector("h3")?.textContent))).toEqual([
      "Average distribution of flops_any",
      "Average distribution of mem_bw",
      "Average distribution of mem_used",
    ]);
    expect(await page.getByTestId("scatter-plot").count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      await poll(() => paintedPixels(page, '[data-testid="metric-histogram"] canvas', i)).toBeGreaterThan(1000);
      await poll(() => paintedPixels(page, '[data-testid="scatter-plot"] canvas', i)).toBeGreaterThan(1000);
    }
    await page.screenshot({ path: path.join(artifactsDir, "analysis.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it("analyses the jobs of the last days, and persists the plot selection with updateConfiguration", async () => {
    const page = await admin.newPage();
    const problems = watchProblems(page);
    await page.goto(`${app.url}/monitoring/analysis/fritz?startTime=last7d`);
    expect(await page.getByLabel("Start time", { exact: true }).inputValue()).toBe("last7d");
    await page.getByTestId("footprint-count").waitFor({ timeout: 60_000 });
    const jobs = number((await page.getByTestId("footprint-count").textContent())!.replace(/\D/g, ""));
    expect(number(await page.getByTestId("stat-total-jobs").textContent())).toBe(jobs);
    expect(jobs).toBeGreaterThan(20);
    await poll(() => tilePixels(page)).toBeGreaterThan(20);

    // Histograms: drop mem_used (keyboard: Space toggles the checkbox).
    await page.locator("summary", { hasText: "Metrics in histograms" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("checkbox", { name: "mem_used", exact: true }).focus();
    await page.keyboard.press("Space");
    await poll(() => page.getByTestId("metric-histogram").count()).toBe(2);
    await expect
      .poll(async () => (await app.prisma.configuration.findUnique({ where: { username_confkey: { username: DEMO_USERS.admin.username, confkey: "analysis_view_histogramMetrics" } } }))?.value)
      .toBe(JSON.stringify(["flops_any", "mem_bw"]));

    // Scatter plots: add ipc against clock, remove flops_any / cpu_load.
    await page.locator("summary", { hasText: "Metric pairs in scatter plots" }).click();
    await page.getByLabel("Metric for the x axis").selectOption("ipc");
    await page.getByLabel("Metric for the y axis").selectOption("clock");
    await page.getByRole("button", { name: "Add plot" }).click();
    await page.getByRole("button", { name: "Remove scatter plot flops_any / cpu_load" }).click();
    await poll(() => page.locator('[data-testid="scatter-plot"]').evaluateAll((els) => els.map((e) => e.closest("div.col-12")?.querySelector("h3")?.textContent))).toEqual([
      "flops_any / mem_bw",
      "cpu_load / mem_bw",
      "ipc / clock",
    ]);
    await expect
      .poll(async () => (await app.prisma.configuration.findUnique({ where: { username_confkey: { username: DEMO_USERS.admin.username, confkey: "analysis_view_scatterPlotMetrics" } } }))?.value)
      .toBe(JSON.stringify([["flops_any", "mem_bw"], ["cpu_load", "mem_bw"], ["ipc", "clock"]]));
    await poll(() => paintedPixels(page, '[data-testid="scatter-plot"] canvas', 2)).toBeGreaterThan(1000);

    // The selection is kept on reload.
    await page.reload();
    await page.getByTestId("footprint-count").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("metric-histogram").count()).toBe(2);
    expect(await page.getByTestId("scatter-plot").count()).toBe(3);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it("says so for an unknown cluster", async () => {
    const page = await admin.newPage();
    await page.goto(`${app.url}/monitoring/analysis/nosuch`);
    await poll(() => page.getByRole("alert").textContent()).toContain("There is no cluster named “nosuch”.");
    await page.close();
  }, 120_000);
});
