import { spawnSync } from "node:child_process";
import { chownSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";
import { runCli, startServer } from "../helpers/cli.ts";
import { tempDir } from "../helpers/tmp.ts";

/** Running as a system service: the systemd unit, and dropping root after binding the port. */

describe("init/clustercockpit.service", () => {
  it("passes systemd-analyze verify", () => {
    const result = spawnSync("systemd-analyze", ["verify", path.join(projectRoot, "init", "clustercockpit.service")], { encoding: "utf8" });
    expect(result.error, "systemd-analyze is missing: apt-get install systemd").toBeUndefined();
    expect(result.stderr.trim()).toBe("");
    expect(result.status).toBe(0);
  });
});

function chownTree(dir: string, uid: number, gid: number): void {
  chownSync(dir, uid, gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(file, uid, gid);
    else chownSync(file, uid, gid);
  }
}

describe('config "user" and "group"', () => {
  // Changing the user needs root; CI runs as root.
  it.runIf(process.getuid?.() === 0)("the server continues as the unprivileged user after binding, and still serves", async () => {
    const dir = tempDir();
    expect(runCli(["--init"], dir).code).toBe(0);
    const config = JSON.parse(readFileSync(path.join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...config, addr: "127.0.0.1:0", user: "nobody", group: "nogroup" }));
    expect(runCli(["--migrate-db"], dir).code).toBe(0);
    expect(runCli(["--add-user", "ops:admin,api:secret-pw"], dir).code).toBe(0);
    const token = runCli(["--jwt", "ops"], dir).stdout.trim();
    // The service's files belong to the service's account.
    const nobody = spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim();
    const nogroup = spawnSync("getent", ["group", "nogroup"], { encoding: "utf8" }).stdout.split(":")[2]!;
    chownTree(dir, Number(nobody), Number(nogroup));
    expect(statSync(path.join(dir, "var", "job.db")).uid).toBe(Number(nobody));

    const server = await startServer([], dir);
    try {
      const port = /listening on 127\.0\.0\.1:(\d+)/.exec(server.output())![1];
      const response = await fetch(`http://127.0.0.1:${port}/api/jobs/`, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      // The server process: its real and effective user are nobody now.
      const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
      const [, real, effective] = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status)!;
      expect([real, effective]).toEqual([nobody, nobody]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
