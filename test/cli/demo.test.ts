import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";
import { tempDir } from "../helpers/tmp.ts";

/**
 * `npm run demo` on a fresh directory: generates the archive, sets up the database and the demo user,
 * serves the UI and keeps a few running jobs' metrics coming; stopped with SIGTERM. (The build is the
 * one `npm test` made; a smaller archive keeps it quick.)
 */

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const root = path.join(tempDir(), "demo");
let child: ReturnType<typeof spawn> | undefined;
let output = "";

afterAll(() => {
  // The whole process group: the script, the server and the feeder.
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
});

async function waitFor(check: () => Promise<boolean>, what: string, seconds = 180): Promise<void> {
  for (let i = 0; i < seconds * 4; i++) {
    if (await check().catch(() => false)) return;
    if (/Error|failed/.test(output)) throw new Error(`the demo failed before ${what}:\n${output}`);
    if (child?.exitCode !== null) throw new Error(`the demo stopped before ${what}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}:\n${output}`);
}

describe("npm run demo", () => {
  it("serves the demo with live running jobs, and stops on SIGTERM", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    child = spawn("bash", [path.join(projectRoot, "scripts", "demo.sh")], {
      env: { PATH: process.env.PATH, DEMO_ROOT: root, DEMO_JOBS: "120", DEMO_ADDR: `127.0.0.1:${port}`, DEMO_SKIP_BUILD: "1" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));

    await waitFor(async () => output.includes("live demo data:"), "the live data");
    const home = await fetch(`${url}/`, { redirect: "manual" });
    expect([200, 302]).toContain(home.status);
    const login = await fetch(`${url}/login`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "username=demo&password=demo" });
    expect(login.status).toBe(302);
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    const query = async <T>(text: string, variables: object = {}): Promise<T> => {
      const response = await fetch(`${url}/query`, { method: "POST", headers: { cookie, origin: url, "content-type": "application/json" }, body: JSON.stringify({ query: text, variables }) });
      const body = (await response.json()) as { data: T; errors?: unknown };
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    const running = await query<{ jobs: { count: number; items: { id: string; cluster: string }[] } }>(`{ jobs(filter: [{ state: [running] }]) { count items { id cluster } } }`);
    expect(running.jobs.count).toBeGreaterThanOrEqual(2);
    const archived = await query<{ jobs: { count: number } }>(`{ jobs(filter: [{ state: [completed, failed, cancelled, timeout, out_of_memory] }]) { count } }`);
    expect(archived.jobs.count).toBeGreaterThanOrEqual(100);
    const metrics = await query<{ jobMetrics: { name: string; metric: { series: { data: (number | null)[] }[] } }[] }>(`query($id: ID!) { jobMetrics(id: $id, metrics: ["cpu_load"], scopes: [node]) { name metric { series { data } } } }`, { id: running.jobs.items[0]!.id });
    const values = metrics.jobMetrics[0]!.metric.series[0]!.data.filter((v) => v !== null);
    expect(values.length).toBeGreaterThan(10);

    process.kill(-child.pid!, "SIGTERM");
    const code = await new Promise<number | null>((resolve) => child!.once("exit", resolve));
    expect(code).toBe(0);
  }, 300_000);
});
