import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { FLAGS } from "../../src/cli/flags.ts";
import { runCli, startServer } from "../helpers/cli.ts";
import { copyArchiveFixture } from "../helpers/archive.ts";
import { copyLegacyFixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const root = tempDir("ccb-cli-");
let n = 0;
const newDir = () => {
  const dir = path.join(root, String(n++));
  mkdirSync(dir);
  return dir;
};

describe("cc-backend CLI", () => {
  it("--help documents every flag", () => {
    const { code, stdout } = runCli(["--help"], newDir());
    expect(code).toBe(0);
    for (const flag of Object.keys(FLAGS)) expect(stdout).toContain(`--${flag}`);
  });

  it("rejects wrong flag syntax with one line on stderr and exit code 2", () => {
    const dir = newDir();
    for (const args of [["--no-such-flag"], ["-server=yes"], ["--loglevel", "loud"], ["positional"], ["--add-user"]]) {
      const { code, stderr, stdout } = runCli(args, dir);
      expect(code, args.join(" ")).toBe(2);
      expect(stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(stdout).toBe("");
    }
  });

  it("accepts single-dash flags as cc-backend does", () => {
    const { code, stdout } = runCli(["-version"], newDir());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Version:\t\d+\.\d+\.\d+/);
  });

  it("--init creates var/, config.json and .env with a fresh key pair, and never overwrites", () => {
    const dir = newDir();
    const first = runCli(["--init"], dir);
    expect(first.code).toBe(0);
    expect(existsSync(path.join(dir, "var", "job.db"))).toBe(true);
    const env = readFileSync(path.join(dir, ".env"), "utf8");
    expect(env).toMatch(/^JWT_PUBLIC_KEY="[A-Za-z0-9+/]{43}="$/m);
    expect(env).toMatch(/^JWT_PRIVATE_KEY="[A-Za-z0-9+/]{86}=="$/m);
    expect(env).toMatch(/^SESSION_KEY="[0-9a-f]{64}"$/m);
    expect(statSync(path.join(dir, ".env")).mode & 0o777).toBe(0o600);

    writeFileSync(path.join(dir, "config.json"), '{"addr": "127.0.0.1:9999"}\n');
    const second = runCli(["--init"], dir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("kept existing config.json");
    expect(readFileSync(path.join(dir, "config.json"), "utf8")).toBe('{"addr": "127.0.0.1:9999"}\n');
    expect(readFileSync(path.join(dir, ".env"), "utf8")).toBe(env);

    // Two runs give different keys.
    const other = newDir();
    runCli(["--init"], other);
    expect(readFileSync(path.join(other, ".env"), "utf8")).not.toBe(env);
  });

  it("refuses a bad config with one line naming the key", () => {
    const dir = newDir();
    writeFileSync(path.join(dir, "config.json"), '{"addr": 8080}');
    const { code, stderr } = runCli(["--migrate-db"], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('cc-backend: ./config.json: "addr" must be string');
    expect(existsSync(path.join(dir, "var"))).toBe(false);
  });

  it("--migrate-db upgrades a cc-backend database given by --config, then the server uses it", async () => {
    const dir = newDir();
    const db = copyLegacyFixture(dir, "job.db");
    const archive = copyArchiveFixture(dir, "archive");
    writeFileSync(path.join(dir, "site.json"), JSON.stringify({ addr: "127.0.0.1:0", db, archive: { kind: "file", path: archive }, "disable-authentication": true }));

    const early = runCli(["--server", "--config", "site.json"], dir);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(/cc-backend database at version 4.*--migrate-db/);

    const migrate = runCli(["-migrate-db", "-config", "site.json"], dir);
    expect(migrate.code, migrate.stderr).toBe(0);
    expect(migrate.stdout).toContain("upgraded cc-backend schema to version 6");

    const server = await startServer(["--config", "site.json", "--loglevel", "info", "--logdate"], dir);
    try {
      // --loglevel info and --logdate: structured JSON lines with a timestamp.
      const logLine = server.output().split("\n").find((l) => l.includes('"msg":"listening on'));
      expect(JSON.parse(logLine!)).toMatchObject({ level: 30, time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
      const address = /cc-backend listening on (\S+)/.exec(server.output())![1];
      const response = await fetch(`http://${address}/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ jobs(page: {itemsPerPage: 10, page: 1}) { count items { jobId cluster } } }" }),
      });
      const body = (await response.json()) as { data: { jobs: { count: number; items: { jobId: number }[] } } };
      expect(body.data.jobs.count).toBe(6);
      expect(body.data.jobs.items.map((j) => j.jobId).sort()).toEqual([398997, 398998, 398999, 679997, 679998, 679999]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it("--init-db rebuilds the job table from the archive and prints a summary line", () => {
    const dir = newDir();
    copyArchiveFixture(dir, "archive");
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ db: "./job.db", archive: { kind: "file", path: "./archive" } }));
    expect(runCli(["--migrate-db"], dir).code).toBe(0);
    const { code, stdout, stderr } = runCli(["--init-db"], dir);
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toMatch(/^imported 2 jobs, skipped 0, in \d+\.\d s \(\d+ jobs\/s\)$/);
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ db: "./job.db", archive: { kind: "file", path: "./elsewhere" } }));
    const noArchive = runCli(["--init-db"], dir);
    expect(noArchive.code).toBe(1);
    expect(noArchive.stderr.trim()).toBe("cc-backend: job archive ./elsewhere: version.txt is missing (not a job archive, or not initialised)");
  });

  it("--generate-archive writes a demo archive that --init-db imports with exact counts", () => {
    const dir = newDir();
    const generated = runCli(["--generate-archive", "demo-archive:400"], dir);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/^generated 402 jobs on alex, emmy, fritz in demo-archive/);
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ db: "./job.db", archive: { kind: "file", path: "./demo-archive" }, validate: true }));
    expect(runCli(["--migrate-db"], dir).code).toBe(0);
    const { code, stdout, stderr } = runCli(["--init-db"], dir);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^imported 402 jobs, skipped 0,/);
    const db = new Database(path.join(dir, "job.db"), { readonly: true });
    const perCluster = db.prepare("SELECT cluster, count(*) AS n FROM job GROUP BY cluster ORDER BY cluster").all() as { cluster: string; n: number }[];
    const tagged = (db.prepare("SELECT count(DISTINCT job_id) AS n FROM jobtag").get() as { n: number }).n;
    db.close();
    expect(perCluster.map((r) => r.cluster)).toEqual(["alex", "emmy", "fritz"]);
    expect(perCluster.reduce((sum, r) => sum + r.n, 0)).toBe(402);
    expect(tagged).toBeGreaterThan(0);
    const again = runCli(["--generate-archive", "demo-archive:10"], dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/not empty/);
  });

  it("will not serve with authentication enabled but no SESSION_KEY", () => {
    const dir = newDir();
    expect(runCli(["--init"], dir).code).toBe(0);
    const envFile = path.join(dir, ".env");
    writeFileSync(envFile, readFileSync(envFile, "utf8").replace(/^SESSION_KEY=.*$/m, 'SESSION_KEY=""'));
    const { code, stderr } = runCli(["--server"], dir);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("cc-backend: SESSION_KEY is not set in .env; the server will not start with authentication enabled without it");
  });

  it("refuses an unreadable database file with one line", () => {
    const dir = newDir();
    writeFileSync(path.join(dir, "config.json"), JSON.stringify({ db: "./broken.db" }));
    writeFileSync(path.join(dir, "broken.db"), "garbage ".repeat(1000));
    const { code, stderr } = runCli(["--migrate-db"], dir);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/file is not a database/);
  });
});
