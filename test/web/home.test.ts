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

beforeAll(async () => {
  app = await startDemoApp(dir, { jobs: 30 });
  // One running job on alex (not monitored: the test needs no metric data for it).
  await app.prisma.job.create({
    data: jobData({ jobId: 888001n, cluster: "alex", subCluster: "a100", startTime: BigInt(Math.floor(Date.now() / 1000) - 600), duration: 0, jobState: "running", monitoringStatus: 0 }),
  });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });

async function openPage(who: "admin" | "user"): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  await app.login(page, who);
  return { page, problems };
}

describe("home page in Chromium", () => {
  it("shows each cluster's running and total jobs, linked to the filtered job list, and staff views", async () => {
    const { page, problems } = await openPage("admin");
    await page.goto(`${app.url}/`);
    await page.getByTestId("cluster-table").waitFor();
    const rows = page.getByTestId("cluster-row");
    // fritz and alex, and emmy of the real cc-backend archive the demo includes.
    const clusters = app.services.clusters!.clusters.map((c) => c.name);
    expect(clusters).toEqual(expect.arrayContaining(["fritz", "alex"]));
    expect(await rows.count()).toBe(clusters.length);
    for (const cluster of clusters) {
      const row = rows.filter({ has: page.getByRole("rowheader", { name: cluster, exact: true }) });
      const total = await app.prisma.job.count({ where: { cluster } });
      const running = await app.prisma.job.count({ where: { cluster, jobState: "running" } });
      expect(await row.getByTestId("total-jobs").textContent()).toBe(`${total} jobs`);
      expect(await row.getByTestId("running-jobs").textContent()).toBe(`${running} jobs`);
      expect(await row.getByTestId("total-jobs").getAttribute("href")).toBe(`/monitoring/jobs/?cluster=${cluster}`);
      expect(await row.getByTestId("running-jobs").getAttribute("href")).toBe(`/monitoring/jobs/?cluster=${cluster}&state=running`);
      for (const view of ["analysis", "systems", "status"]) expect(await row.locator(`a[href="/monitoring/${view}/${cluster}"]`).count()).toBe(1);
    }
    expect(await page.getByRole("link", { name: "Status of alex" }).getAttribute("href")).toBe("/monitoring/status/alex");
    await page.screenshot({ path: path.join(artifactsDir, "home.png") });

    // The running jobs link opens the job list filtered by cluster and state.
    await page.getByRole("link", { name: "1 running jobs on alex" }).click();
    await page.waitForURL((url) => url.pathname === "/monitoring/jobs/" && url.searchParams.get("cluster") === "alex" && url.searchParams.get("state") === "running");
    await poll(() => page.getByTestId("job-count").textContent()).toBe("1 jobs");
    expect(await page.getByTestId("filter-pill").allTextContents()).toEqual(["alex", "running"]);
    expect(await page.getByTestId("job-link").textContent()).toBe("888001");
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows a plain user the clusters without staff views", async () => {
    const { page, problems } = await openPage("user");
    await page.goto(`${app.url}/`);
    await page.getByTestId("cluster-table").waitFor();
    const clusters = app.services.clusters!.clusters.length;
    expect(await page.getByTestId("cluster-row").count()).toBe(clusters);
    // demo-user has no jobs of their own.
    expect(await page.getByTestId("total-jobs").allTextContents()).toEqual(Array(clusters).fill("0 jobs"));
    expect(await page.locator('a[href^="/monitoring/status/"], a[href^="/monitoring/systems/"], a[href^="/monitoring/analysis/"]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("shows an error message when the query fails", async () => {
    const { page } = await openPage("admin");
    await page.route(
      (url) => url.pathname === "/query",
      async (route) => {
        if ((route.request().postData() ?? "").includes("HomeClusters")) {
          await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "database is on fire" }] }) });
        } else await route.continue();
      },
    );
    await page.goto(`${app.url}/`);
    await poll(() => page.getByRole("alert").first().textContent()).toBe("Could not load clusters: database is on fire");
    await page.close();
  }, 120_000);
});
