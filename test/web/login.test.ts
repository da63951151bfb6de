import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_WEB_ROOT } from "../../src/server/app.ts";
import { addUser } from "../../src/services/users.ts";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createJobs } from "../helpers/factories.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: TestApp;
let browser: Browser;

beforeAll(async () => {
  app = await startTestApp(await freshDatabase(dir), { webRoot: DEFAULT_WEB_ROOT }, {});
  await addUser(app.prisma, { username: "alice", roles: ["user"], password: "alice-pw" });
  await createJobs(app.prisma, 4, { user: "alice" });
  await createJobs(app.prisma, 9, { user: "bob" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("login in Chromium", () => {
  it("sends a visitor without a session to the login page, logs in, shows only own jobs, logs out", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));

    await page.goto(`${app.url}/monitoring/jobs/`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect.poll(() => page.getByTestId("login-error").textContent()).toBe("invalid username or password");
    await page.screenshot({ path: path.join(artifactsDir, "login.png") });

    await page.getByLabel("Username").fill("alice");
    await page.getByLabel("Password").fill("alice-pw");
    await page.getByRole("button", { name: "Log in" }).click();
    // The home page after login; the job list shows alice her own jobs only.
    await page.waitForURL((url) => url.pathname === "/");
    await page.getByRole("link", { name: "Job Search" }).click();
    await page.getByTestId("job-table").waitFor();
    await expect.poll(() => page.getByTestId("job-count").textContent()).toBe("4 jobs");

    await page.getByRole("link", { name: "Logout" }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${app.url}/monitoring/jobs/`);
    await page.waitForURL(/\/login$/);
    expect(problems).toEqual([]);
    await page.close();
  });
});
