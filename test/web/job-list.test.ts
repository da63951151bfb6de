import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WEB_ROOT } from "../../src/server/app.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createJobs, jobData } from "../helpers/factories.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp(await freshDatabase(dir), { webRoot: DEFAULT_WEB_ROOT });
  await createJobs(app.prisma, 60);
  await app.prisma.job.create({
    data: jobData({ jobId: 777001n, startTime: 1_900_000_000n, user: "<img src=x onerror=alert(1)>", project: "xss" }),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("web UI in Chromium", () => {
  it("lists the jobs of the database through the codegen'd GraphQL query, with paging", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
    page.on("pageerror", (error) => problems.push(error.message));
    page.on("dialog", (dialog) => {
      problems.push(`dialog opened: ${dialog.message()}`);
      void dialog.dismiss();
    });

    await page.goto(`${app.url}/monitoring/jobs/`);
    await page.getByTestId("job-table").waitFor();
    expect(await page.getByTestId("job-count").textContent()).toBe("61 jobs");
    const rows = page.locator('[data-testid="job-table"] tbody tr');
    expect(await rows.count()).toBe(50);
    // Newest first; user data is shown as text, never as markup.
    expect(await rows.first().locator("td").nth(0).textContent()).toBe("777001");
    expect(await rows.first().locator("td").nth(1).textContent()).toBe("<img src=x onerror=alert(1)>");
    expect(await page.locator("tbody img").count()).toBe(0);
    expect(await rows.first().locator("a").getAttribute("href")).toMatch(/^\/monitoring\/job\/\d+$/);
    await page.screenshot({ path: path.join(artifactsDir, "job-list.png"), fullPage: true });

    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("Page 2 of 2").waitFor();
    await expect.poll(() => rows.count()).toBe(11);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows an error message, not a blank page, when the query fails", async () => {
    const page = await browser.newPage();
    await page.route((url) => url.pathname === "/query", (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ errors: [{ message: "database is on fire" }] }) }));
    await page.goto(`${app.url}/`);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("database is on fire");
    await page.close();
  });
});
