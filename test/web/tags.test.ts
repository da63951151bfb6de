import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { DEMO_USERS, startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: DemoApp;
let browser: Browser;

beforeAll(async () => {
  app = await startDemoApp(dir, { jobs: 40 });
  const jobs = await app.prisma.job.findMany({ take: 3, orderBy: { id: "asc" }, select: { id: true } });
  for (const [type, name] of [["app", "gromacs"], ["app", "lammps"], ["issue", "idle"], ["jobClass", "debug"]] as const) {
    const tag = await app.prisma.tag.upsert({ where: { tagType_tagName: { tagType: type, tagName: name } }, create: { tagType: type, tagName: name }, update: {} });
    for (const job of jobs) await app.prisma.jobTag.upsert({ where: { jobId_tagId: { jobId: job.id, tagId: tag.id } }, create: { jobId: job.id, tagId: tag.id }, update: {} });
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

async function openTags(who: keyof typeof DEMO_USERS): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (message) => message.type() === "error" && problems.push(message.text()));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await app.login(page, who);
  await page.goto(`${app.url}/monitoring/tags/`);
  await page.getByTestId("tag-list").waitFor();
  return { page, problems };
}

describe("tags page in Chromium", () => {
  it("lists all tags grouped by type, each linking to its jobs", async () => {
    const { page, problems } = await openTags("user");
    const all = await app.prisma.tag.findMany();
    await expect.poll(() => page.getByTestId("tag-item").count()).toBe(all.length);
    const types = [...new Set(all.map((t) => t.tagType))].sort((a, b) => a.localeCompare(b));
    expect(await page.getByTestId("tag-group").evaluateAll((groups) => groups.map((g) => g.getAttribute("data-type")))).toEqual(types);
    for (const tag of all) {
      const item = page.locator(`[data-testid="tag-group"][data-type="${tag.tagType}"] [data-tag-id="${tag.id}"]`);
      expect(await item.locator("a").getAttribute("href")).toBe(`/monitoring/jobs/?tag=${tag.id}`);
      expect(await item.getByTestId("tag").textContent()).toBe(`${tag.tagType}: ${tag.tagName}`);
    }
    // Only admins may delete tags.
    expect(await page.getByRole("button", { name: /^Delete tag/ }).count()).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, "tags.png"), fullPage: true });

    await page.locator('[data-testid="tag-group"][data-type="app"] a', { hasText: "app: gromacs" }).click();
    await page.waitForURL((url) => url.pathname === "/monitoring/jobs/" && url.searchParams.has("tag"));
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);

  it("lets an admin delete a tag after confirming", async () => {
    const tag = await app.prisma.tag.findUniqueOrThrow({ where: { tagType_tagName: { tagType: "app", tagName: "lammps" } } });
    const { page, problems } = await openTags("admin");
    const item = page.locator(`[data-tag-id="${tag.id}"]`);
    await item.getByRole("button", { name: "Delete tag app: lammps" }).click();
    // Cancel keeps it.
    await item.getByRole("button", { name: "Cancel" }).click();
    expect(await app.prisma.tag.findUnique({ where: { id: tag.id } })).not.toBeNull();
    await item.getByRole("button", { name: "Delete tag app: lammps" }).click();
    await item.getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => item.count()).toBe(0);
    expect(await app.prisma.tag.findUnique({ where: { id: tag.id } })).toBeNull();
    expect(await app.prisma.jobTag.count({ where: { tagId: tag.id } })).toBe(0);

    await page.reload();
    await page.getByTestId("tag-item").first().waitFor();
    expect(await page.locator(`[data-tag-id="${tag.id}"]`).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});
