import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifactsDir, launchBrowser } from "../helpers/browser.ts";
import { startDemoApp, type DemoApp } from "../helpers/demo-app.ts";
import { tempDir } from "../helpers/tmp.ts";

/** Fed nodes of fritz: three of subcluster main, one of spr1tb. */
const HOSTS = ["f0101", "f0102", "f0103", "f1201"];
const METRICS: Record<string, number> = { cpu_load: 60, mem_used: 120, flops_any: 900, mem_bw: 150 };

let app: DemoApp;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

async function feed(): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (const [h, host] of HOSTS.entries()) {
    for (let t = now - 30 * 60; t <= now; t += 60) {
      for (const [metric, level] of Object.entries(METRICS)) {
        const value = level * (0.6 + 0.3 * Math.sin((t / 300) + h)) + h;
        lines.push(`${metric},hostname=${host},type=node value=${value.toFixed(2)} ${t}`);
      }
    }
  }
  const response = await fetch(`${app.url}/api/write?cluster=fritz`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await app.apiToken()}`, "Content-Type": "text/plain" },
    body: lines.join("\n"),
  });
  expect(response.status).toBe(200);
  expect(((await response.json()) as { rejected: number }).rejected).toBe(0);
}

async function startJob(jobId: number, user: string, project: string, hosts: string[], minutesAgo: number): Promise<void> {
  const response = await fetch(`${app.url}/api/jobs/start_job/`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await app.apiToken()}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      jobId,
      user,
      project,
      cluster: "fritz",
      partition: "main",
      walltime: 86400,
      arrayJobId: 0,
      numNodes: hosts.length,
      numHwthreads: 72 * hosts.length,
      numAcc: 0,
      exclusive: 1,
      monitoringStatus: 1,
      smt: 1,
      resources: hosts.map((hostname) => ({ hostname })),
      startTime: Math.floor(Date.now() / 1000) - minutesAgo * 60,
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
}

async function adminPage(): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && problems.push(`${page.url()}: ${message.text()}`));
  page.on("pageerror", (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return page;
}

beforeAll(async () => {
  app = await startDemoApp(tempDir(), { jobs: 20 });
  await feed();
  await startJob(990001, "alice", "proj-a", ["f0101", "f0102"], 90);
  await startJob(990002, "bob", "proj-b", ["f0101"], 10);
  await startJob(990003, "<b>eve</b>", "proj-a", ["f1201"], 200);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await app.login(page, "admin");
  await page.close();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe("systems, node and status views", () => {
  it("systems: one plot per fed node for the selected metric, filter by name, link to the node view", async () => {
    const page = await adminPage();
    await page.goto(`${app.url}/monitoring/systems/fritz`);
    const cards = page.getByTestId("node-card");
    await cards.first().waitFor();
    expect(await cards.count()).toBe(HOSTS.length);
    expect(await page.getByTestId("node-count").textContent()).toBe(`${HOSTS.length} nodes`);
    // Each card: the host's name as a link to its node view, and a drawn plot.
    for (const host of HOSTS) {
      const card = page.getByRole("region", { name: `Node ${host}` });
      expect(await card.getByRole("link", { name: host }).getAttribute("href")).toBe(`/monitoring/node/fritz/${host}`);
      await card.getByTestId("metric-plot").locator("canvas").waitFor();
    }
    expect(await page.getByLabel("Metric").inputValue()).toBe("cpu_load");
    expect(await page.getByRole("region", { name: "Node f1201" }).textContent()).toContain("spr1tb");

    // Another metric: the plots are asked for again.
    await page.getByLabel("Metric").selectOption("mem_used");
    await page.getByRole("region", { name: "Node f0103" }).getByTestId("metric-plot").locator("canvas").waitFor();
    expect(await cards.count()).toBe(HOSTS.length);

    // A metric nobody sent: one clear message instead of empty plots.
    await page.getByLabel("Metric").selectOption("ipc");
    expect(await page.getByTestId("systems-empty").textContent()).toContain("No node of cluster “fritz” sent data for ipc between");
    await page.getByLabel("Metric").selectOption("cpu_load");
    await cards.first().getByTestId("metric-plot").waitFor();

    // Host filter.
    await page.getByLabel("Find node").fill("f01");
    await expect.poll(() => cards.count()).toBe(3);
    expect(await page.getByTestId("node-count").textContent()).toBe("3 of 4 nodes");
    await page.getByLabel("Find node").fill("zzz");
    await page.getByText("No node name contains “zzz”.").waitFor();
    await page.getByLabel("Find node").fill("");
    await expect.poll(() => cards.count()).toBe(HOSTS.length);

    // Other time ranges and the custom range form.
    await page.getByLabel("Time", { exact: true }).selectOption({ label: "Last 4 hours" });
    await cards.first().getByTestId("metric-plot").waitFor();
    await page.getByLabel("Time", { exact: true }).selectOption({ label: "Custom…" });
    await page.getByLabel("from", { exact: true }).fill("2020-01-02T10:00");
    await page.getByLabel("to", { exact: true }).fill("2020-01-01T10:00");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("The start must be before the end.").waitFor();
    await page.getByLabel("to", { exact: true }).fill("2020-01-02T12:00");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByTestId("systems-empty").waitFor();
    await page.getByLabel("Time", { exact: true }).selectOption({ label: "Last 30 minutes" });
    await cards.first().getByTestId("metric-plot").locator("canvas").waitFor();
    await page.screenshot({ path: path.join(artifactsDir, "systems.png"), fullPage: true });

    // Keyboard: the first node link is reachable and opens the node view.
    await page.getByRole("link", { name: "f0101" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(`${app.url}/monitoring/node/fritz/f0101`);
    await page.getByTestId("metric-card").first().waitFor();
    await page.close();
  });

  it("systems: a clear message for a cluster without data and for an unknown cluster", async () => {
    const page = await adminPage();
    await page.goto(`${app.url}/monitoring/systems/alex`);
    expect(await page.getByTestId("systems-empty").textContent()).toContain("No node of cluster “alex” sent data for cpu_load");
    await page.goto(`${app.url}/monitoring/systems/nosuch`);
    await page.getByText("There is no cluster named “nosuch”.").waitFor();
    await page.close();
  });

  it("node: all metrics of the node, plots for the fed ones, and the jobs running on it", async () => {
    const page = await adminPage();
    await page.goto(`${app.url}/monitoring/node/fritz/f0101`);
    const grid = page.getByTestId("node-metrics");
    await grid.waitFor();
    for (const metric of Object.keys(METRICS)) {
      await page.getByRole("region", { name: `Metric ${metric}`, exact: true }).getByTestId("metric-plot").locator("canvas").waitFor();
    }
    // Not sent: shown as such, not left out.
    expect(await page.getByRole("region", { name: "Metric ipc", exact: true }).textContent()).toContain("No data in this time range.");
    // mem_used has a unit.
    expect(await page.getByRole("region", { name: "Metric mem_used", exact: true }).textContent()).toContain("(GB)");

    const jobs = page.getByTestId("node-jobs");
    await jobs.waitFor();
    expect(await page.getByTestId("node-jobs-summary").textContent()).toBe("2 jobs in the time range, 2 running now.");
    const ids = await jobs.locator("tbody tr td:first-child").allTextContents();
    expect(ids).toEqual(["990002", "990001"]);
    expect(await jobs.getByRole("link", { name: "alice" }).getAttribute("href")).toBe("/monitoring/user/alice");
    expect(await jobs.getByRole("link", { name: "990001" }).getAttribute("href")).toMatch(/^\/monitoring\/job\/\d+$/);
    await page.screenshot({ path: path.join(artifactsDir, "node.png"), fullPage: true });

    // A node without data and jobs.
    await page.goto(`${app.url}/monitoring/node/fritz/f0150`);
    await page.getByTestId("node-empty").waitFor();
    await page.getByTestId("node-jobs-empty").waitFor();
    // User text is escaped.
    await page.goto(`${app.url}/monitoring/node/fritz/f1201`);
    await page.getByTestId("node-jobs").waitFor();
    expect(await page.getByTestId("node-jobs").locator("tbody tr td").nth(1).textContent()).toBe("<b>eve</b>");
    expect(await page.getByTestId("node-jobs").locator("tbody b").count()).toBe(0);
    await page.close();
  });

  it("status: allocated nodes, flop rate and bandwidth vs peak, top users and projects, histograms", async () => {
    const page = await adminPage();
    await page.goto(`${app.url}/monitoring/status/fritz`);
    const main = page.getByRole("region", { name: "Subcluster main" });
    await main.waitFor();
    expect(await page.getByTestId("subcluster-card").count()).toBe(2);
    await expect.poll(() => main.textContent()).toMatch(/2 \/ 408 nodes/);
    await expect.poll(() => page.getByRole("region", { name: "Subcluster spr1tb" }).textContent()).toMatch(/1 \/ 48 nodes/);
    // Flop rate: three fed nodes of main report, against 5.53 TF/s x 408 nodes.
    await expect.poll(() => main.textContent()).toMatch(/\d [KMGT]?F\/s \/ 2\.26 PF\/s \(3 nodes reporting\)/);
    expect(await main.textContent()).toMatch(/\/ 143 TB\/s \(3 nodes reporting\)/);
    expect(await page.getByRole("region", { name: "Subcluster spr1tb" }).textContent()).toContain("(1 node reporting)");
    expect(await main.getByRole("progressbar", { name: "Allocated nodes of main" }).getAttribute("aria-valuenow")).toBe("0");

    const users = page.getByTestId("top-users");
    await users.waitFor();
    // By node count: alice 2 nodes, bob 1, eve 1.
    expect((await users.locator("tbody tr td:first-child").allTextContents())[0]).toBe("alice");
    expect(await users.locator("tbody tr").count()).toBe(3);
    expect(await users.getByRole("link", { name: "<b>eve</b>" }).count()).toBe(1);
    const projects = page.getByTestId("top-projects");
    expect(await projects.locator("tbody tr td:first-child").allTextContents()).toEqual(["proj-a", "proj-b"]);
    expect(await projects.locator("tbody tr td:nth-child(2)").allTextContents()).toEqual(["3", "1"]);
    expect(await page.getByTestId("histogram").count()).toBe(2);
    await page.getByTestId("histogram").first().locator("canvas").waitFor();
    expect(await page.getByRole("img", { name: /Running jobs by number of nodes: 1: 2, 2: 1/ }).count()).toBe(1);

    // The refresh toggle and the manual refresh.
    const toggle = page.getByLabel("Refresh every 60 s");
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    expect(await toggle.isChecked()).toBe(false);
    await page.getByRole("button", { name: "Refresh now" }).click();
    await expect.poll(() => main.textContent()).toMatch(/2 \/ 408 nodes/);
    await page.screenshot({ path: path.join(artifactsDir, "status.png"), fullPage: true });
    await page.close();
  });

  it("logged no console errors", () => {
    expect(problems).toEqual([]);
  });
});
