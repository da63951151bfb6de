import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: DemoApp;
let browser: Browser;
/** One logged-in admin session for all tests (logging in costs seconds on a busy machine). */
let admin: BrowserContext;

interface Totals {
  jobs: number;
  walltime: number;
  coreHours: number;
}

/** What jobsStatistics must say per user or project: sums over the job table, hours rounded. */
async function totalsBy(column: "user" | "project"): Promise<Map<string, Totals>> {
  const jobs = await app.prisma.job.findMany({ select: { user: true, project: true, duration: true, numHWThreads: true } });
  const sums = new Map<string, { jobs: number; seconds: number; coreSeconds: number }>();
  for (const job of jobs) {
    const entry = sums.get(job[column]) ?? { jobs: 0, seconds: 0, coreSeconds: 0 };
    entry.jobs += 1;
    entry.seconds += job.duration;
    entry.coreSeconds += job.duration * (job.numHWThreads ?? 0);
    sums.set(job[column], entry);
  }
  return new Map([...sums].map(([id, s]) => [id, { jobs: s.jobs, walltime: Math.round(s.seconds / 3600), coreHours: Math.round(s.coreSeconds / 3600) }]));
}

/** expect.poll with room for a busy machine (the default gives up after one second). */
const poll = <T>(fn: () => T | Promise<T>, options: { message?: string } = {}) => expect.poll(fn, { timeout: 45_000, interval: 100, ...options });

const number = (text: string | null) => Number((text ?? "").replace(/,/g, ""));

/** The table's rows as [id, cells...] text. */
async function tableRows(page: Page): Promise<string[][]> {
  return page.locator('[data-testid="list-table"] tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent ?? "")));
}

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
async function paintedPixels(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext("2d")!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let painted = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
    return painted;
  });
}

beforeAll(async () => {
  app = await startDemoApp(dir, { jobs: 200 });
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

describe("users and projects lists in Chromium", () => {
  it("lists every user with the totals of its jobs, sorts by each column and filters by ?user=", async () => {
    const page = await admin.newPage();
    const problems = watchProblems(page);
    const expected = await totalsBy("user");

    await page.goto(`${app.url}/monitoring/users/?startTime=all`);
    await page.getByTestId("list-table").waitFor();
    const rows = await tableRows(page);
    expect(rows.length).toBe(expected.size);
    for (const [id, name, jobs, walltime, coreHours] of rows) {
      const totals = expected.get(id!);
      expect(totals, `user ${id}`).toBeDefined();
      expect({ id, jobs: number(jobs!), walltime: number(walltime!), coreHours: number(coreHours!) }).toEqual({ id, ...totals });
      expect(name).toBe("-"); // the demo's job owners have no account
    }
    expect(await page.getByTestId("list-count").textContent()).toBe(`${expected.size} of ${expected.size} users`);
    // Default order: most jobs first.
    const jobCounts = rows.map((r) => number(r[2]!));
    expect(jobCounts).toEqual([...jobCounts].sort((a, b) => b - a));
    const firstLink = page.locator('[data-testid="list-table"] tbody tr').first().locator("a");
    expect(await firstLink.getAttribute("href")).toBe(`/monitoring/user/${encodeURIComponent(rows[0]![0]!)}?startTime=all`);
    await page.screenshot({ path: path.join(artifactsDir, "users.png"), fullPage: true });

    // Sorting by username, ascending then descending.
    await page.getByRole("button", { name: /^Username/ }).click();
    const ids = [...expected.keys()].sort((a, b) => a.localeCompare(b));
    await poll(async () => (await tableRows(page)).map((r) => r[0])).toEqual(ids);
    expect(await page.locator("th", { has: page.getByRole("button", { name: /^Username/ }) }).getAttribute("aria-sort")).toBe("ascending");
    await page.getByRole("button", { name: /^Username/ }).click();
    await poll(async () => (await tableRows(page)).map((r) => r[0])).toEqual([...ids].reverse());
    // By walltime: largest first, then smallest first.
    await page.getByRole("button", { name: /^Total walltime/ }).click();
    const walltimes = async () => (await tableRows(page)).map((r) => number(r[3]!));
    await poll(walltimes).toEqual([...(await walltimes())].sort((a, b) => b - a));
    await page.getByRole("button", { name: /^Total walltime/ }).click();
    await poll(walltimes).toEqual([...(await walltimes())].sort((a, b) => a - b));
    expect(new Set(await walltimes()).size).toBeGreaterThan(1);
    // Keyboard: the sort buttons are focusable and act on Enter.
    await page.getByRole("button", { name: /^Total core hours/ }).focus();
    await page.keyboard.press("Enter");
    const coreHours = async () => (await tableRows(page)).map((r) => number(r[4]!));
    await poll(coreHours).toEqual([...(await coreHours())].sort((a, b) => b - a));

    // ?user= presets the text filter (cc-backend's search links here with it).
    const some = ids[0]!;
    const prefix = some.slice(0, -1);
    const matching = ids.filter((id) => id.includes(prefix));
    await page.goto(`${app.url}/monitoring/users/?startTime=all&user=${encodeURIComponent(prefix)}`);
    await page.getByTestId("list-table").waitFor();
    expect(await page.getByRole("searchbox", { name: "Search users", exact: true }).inputValue()).toBe(prefix);
    await poll(async () => (await tableRows(page)).map((r) => r[0]).sort()).toEqual(matching);
    expect(matching.length).toBeLessThan(ids.length);
    // Typing narrows further, and the URL follows.
    await page.getByRole("searchbox", { name: "Search users", exact: true }).fill(some);
    await poll(async () => (await tableRows(page)).map((r) => r[0])).toEqual([some]);
    expect(new URL(page.url()).searchParams.get("user")).toBe(some);
    await page.getByRole("searchbox", { name: "Search users", exact: true }).fill("no-such-user");
    await poll(() => page.getByTestId("list-table").locator("tbody").textContent()).toContain("No users with matching jobs.");

    // The cluster selector narrows the query on the server.
    await page.goto(`${app.url}/monitoring/users/?startTime=all`);
    await page.getByTestId("list-table").waitFor();
    await page.getByLabel("Cluster", { exact: true }).selectOption("alex");
    await poll(() => new URL(page.url()).searchParams.get("cluster")).toBe("alex");
    const alexJobs = await app.prisma.job.count({ where: { cluster: "alex" } });
    await poll(async () => (await tableRows(page)).reduce((sum, r) => sum + number(r[2]!), 0)).toBe(alexJobs);

    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it("lists projects with their totals, linking to the job list of each project", async () => {
    const page = await admin.newPage();
    const problems = watchProblems(page);
    const expected = await totalsBy("project");

    await page.goto(`${app.url}/monitoring/projects/?startTime=all`);
    await page.getByTestId("list-table").waitFor();
    const rows = await tableRows(page);
    expect(rows.length).toBe(expected.size);
    for (const [id, jobs, walltime, coreHours] of rows) {
      expect({ id, jobs: number(jobs!), walltime: number(walltime!), coreHours: number(coreHours!) }).toEqual({ id, ...expected.get(id!) });
    }
    expect(await page.locator("thead th").allTextContents()).toEqual(["Project ", "Total jobs ", "Total walltime [h] ", "Total core hours ", "Total accelerator hours "].map((t) => expect.stringContaining(t.trim())));
    const link = page.locator('[data-testid="list-table"] tbody tr').first().locator("a");
    expect(await link.getAttribute("href")).toBe(`/monitoring/jobs/?project=${encodeURIComponent(rows[0]![0]!)}&projectMatch=eq`);
    await page.screenshot({ path: path.join(artifactsDir, "projects.png"), fullPage: true });

    await page.getByRole("button", { name: /^Total jobs/ }).click();
    await poll(async () => (await tableRows(page)).map((r) => number(r[1]!))).toEqual(rows.map((r) => number(r[1]!)).sort((a, b) => a - b));

    const project = rows[0]![0]!;
    await page.goto(`${app.url}/monitoring/projects/?startTime=all&project=${encodeURIComponent(project)}`);
    await page.getByTestId("list-table").waitFor();
    await poll(async () => (await tableRows(page)).map((r) => r[0])).toEqual([project]);

    // The default start-time range is cc-backend's: the last 30 days.
    await page.goto(`${app.url}/monitoring/projects/`);
    await page.getByTestId("list-table").waitFor();
    expect(await page.getByLabel("Start time", { exact: true }).inputValue()).toBe("last30d");
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("shows a user: name, statistics, histograms and the paged job list", async () => {
    const page = await admin.newPage();
    const problems = watchProblems(page);
    const expected = await totalsBy("user");
    const [username, totals] = [...expected].sort(([, a], [, b]) => b.jobs - a.jobs)[0]!;

    // From the list to the user.
    await page.goto(`${app.url}/monitoring/users/?startTime=all`);
    await page.getByRole("link", { name: username, exact: true }).click();
    await page.waitForURL((u) => u.pathname === `/monitoring/user/${username}`);
    await page.getByTestId("user-stats").waitFor();
    expect(number(await page.getByTestId("stat-total-jobs").textContent())).toBe(totals.jobs);
    expect(number(await page.getByTestId("stat-walltime").textContent())).toBe(totals.walltime);
    expect(number(await page.getByTestId("stat-core-hours").textContent())).toBe(totals.coreHours);
    const short = await app.prisma.job.count({ where: { user: username, duration: { lt: 300 } } });
    expect(number(await page.getByTestId("stat-short-jobs").textContent())).toBe(short);
    expect(await page.getByTestId("user-name").textContent()).toBe("–");

    // Both histograms are drawn on their canvases.
    for (const id of ["hist-duration", "hist-nodes"]) {
      await page.locator(`[data-testid="${id}"] canvas`).waitFor();
      await poll(() => paintedPixels(page, `[data-testid="${id}"] canvas`)).toBeGreaterThan(1000);
    }
    // The jobs, newest first, each linking to its job view.
    const jobRows = page.locator('[data-testid="user-job-table"] tbody tr');
    await poll(() => jobRows.count()).toBe(Math.min(25, totals.jobs));
    expect(await page.getByTestId("user-job-count").textContent()).toBe(`${totals.jobs} jobs`);
    const dbJobs = await app.prisma.job.findMany({ where: { user: username }, orderBy: { startTime: "desc" }, take: 25 });
    expect(await jobRows.locator("td:first-child a").allTextContents()).toEqual(dbJobs.map((j) => String(j.jobId)));
    expect(await jobRows.first().locator("a").getAttribute("href")).toBe(`/monitoring/job/${dbJobs[0]!.id}`);
    await page.screenshot({ path: path.join(artifactsDir, "user.png"), fullPage: true });

    if (totals.jobs > 25) {
      // The pager stays in place while the page loads (keyboard focus is not lost to a re-render).
      await page.getByRole("navigation", { name: "Job pages" }).evaluate((nav) => nav.setAttribute("data-mark", "1"));
      await page.getByRole("button", { name: "Next" }).click();
      await poll(() => jobRows.count()).toBe(Math.min(25, totals.jobs - 25));
      expect(await page.getByRole("navigation", { name: "Job pages" }).getAttribute("data-mark")).toBe("1");
      expect(await page.getByRole("navigation", { name: "Job pages" }).textContent()).toContain(`Page 2 of ${Math.ceil(totals.jobs / 25)}`);
    }

    // An account with a name and no jobs.
    await page.goto(`${app.url}/monitoring/user/demo-admin`);
    await poll(() => page.getByTestId("user-name").textContent()).toBe("demo admin");
    expect(number(await page.getByTestId("stat-total-jobs").textContent())).toBe(0);
    await poll(() => page.getByTestId("user-job-table").locator("tbody").textContent()).toBe("No jobs.");
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it("shows the server's error instead of a blank list", async () => {
    // A context of its own (the same session): the stubbed route touches no other test's pages.
    const context = await browser.newContext({ storageState: await admin.storageState() });
    context.setDefaultTimeout(60_000);
    const page = await context.newPage();
    await page.route(
      (url) => url.pathname === "/query",
      async (route) => {
        const body = route.request().postData() ?? "";
        if (!body.includes("ListStatistics")) return route.continue();
        await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "statistics <b>unavailable</b>" }] }) });
      },
    );
    await page.goto(`${app.url}/monitoring/users/`);
    await poll(() => page.getByRole("alert").textContent()).toContain("statistics <b>unavailable</b>");
    expect(await page.locator("[role=alert] b").count()).toBe(0);
    await context.close();
  }, 120_000);
});
