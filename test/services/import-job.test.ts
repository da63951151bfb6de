import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobDirectory } from "../../src/archive/paths.ts";
import { validateJobData, validateJobMeta } from "../../src/archive/validate.ts";
import { readJson } from "../helpers/archive.ts";
import { runCli } from "../helpers/cli.ts";
import { freshDatabase } from "../helpers/db.ts";
import { fixturesDir } from "../helpers/fixtures.ts";
import { databaseConfig, queryDatabase, TEST_ENGINE } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";

const importer = path.join(fixturesDir, "importer");
const root = tempDir("ccb-import-");
let n = 0;

/** A site directory: config.json, a migrated database of this run's engine, an archive with fritz's cluster.json. */
async function site(validate = false): Promise<{ dir: string; db: string }> {
  const dir = path.join(root, String(n++));
  mkdirSync(path.join(dir, "archive", "fritz"), { recursive: true });
  writeFileSync(path.join(dir, "archive", "version.txt"), "1\n");
  copyFileSync(path.join(importer, "cluster-fritz.json"), path.join(dir, "archive", "fritz", "cluster.json"));
  // On SQLite a new file that --migrate-db creates; on a server a new (already migrated) database.
  const db = TEST_ENGINE === "sqlite" ? path.join(dir, "job.db") : await freshDatabase(dir);
  writeFileSync(path.join(dir, "config.json"), JSON.stringify({ ...databaseConfig(db), archive: { kind: "file", path: "./archive" }, validate }));
  expect(runCli(["--migrate-db"], dir).code).toBe(0);
  return { dir, db };
}

const jobs = (db: string) =>
  queryDatabase<{ job_id: number; cluster: string; start_time: number; duration: number }>(
    db,
    "SELECT job_id, cluster, start_time, duration, subcluster, monitoring_status, flops_any_avg FROM job ORDER BY job_id",
  );

describe("--import-job <meta.json>:<data.json>", () => {
  it("imports cc-backend's importer fixtures (golden values) into archive and database, units normalised", async () => {
    const { dir, db } = await site();
    const spec = ["fritzMinimal", "fritzError"].map((t) => `${path.join(importer, `meta-${t}.input`)}:${path.join(importer, `data-${t}.json`)}`).join(",");
    const { code, stdout, stderr } = runCli(["--import-job", spec], dir);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/imported job 398764 on fritz \(database id \d+\); units: .*ib_recv B\/s->KB\/s/);

    for (const golden of ["fritzMinimal", "fritzError"].map((t) => readJson(path.join(importer, `${t}-golden.json`)))) {
      expect(await jobs(db)).toContainEqual(expect.objectContaining({ job_id: golden.jobId, cluster: golden.cluster, start_time: golden.startTime, duration: golden.duration, monitoring_status: 3 }));
      const jobDir = jobDirectory(path.join(dir, "archive"), { jobId: golden.jobId, cluster: golden.cluster, startTime: golden.startTime });
      expect(readdirSync(jobDir).sort()).toEqual(["data.json.gz", "meta.json"]);
      const meta = readJson(path.join(jobDir, "meta.json"));
      const data = readJson(path.join(jobDir, "data.json.gz"));
      expect(meta.monitoringStatus).toBe(3);
      expect(data.ib_recv.node.unit).toEqual({ base: "B/s", prefix: "K" });
      expect(meta.statistics.ib_recv.unit).toEqual({ base: "B/s", prefix: "K" });
      validateJobData(data, "written data");
      if (golden.jobId === 398764) validateJobMeta(meta, "written meta");
    }
    expect((await jobs(db))[0]).toMatchObject({ subcluster: "main", flops_any_avg: 45.012 });
  });

  it("refuses a job that exists, and leaves archive and database as they were", async () => {
    const { dir, db } = await site();
    const spec = `${path.join(importer, "meta-fritzMinimal.input")}:${path.join(importer, "data-fritzMinimal.json")}`;
    expect(runCli(["--import-job", spec], dir).code).toBe(0);
    const again = runCli(["--import-job", spec], dir);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^cc-backend: job 398764 on fritz \(start 1675954353\) already exists in the database$/);
    expect(await jobs(db)).toHaveLength(1);
  });

  it("answers bad input with one line naming the problem, writing nothing", async () => {
    const { dir, db } = await site(true);
    const meta = readJson(path.join(importer, "meta-fritzMinimal.input"));
    const data = path.join(importer, "data-fritzMinimal.json");
    const write = (name: string, value: unknown) => {
      const file = path.join(dir, name);
      writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
      return file;
    };
    const cases: [string, RegExp][] = [
      ["only-one-file.json", /expects <meta\.json>:<data\.json>/],
      [`${path.join(dir, "missing.json")}:${data}`, /missing\.json: no such file/],
      [`${write("broken.json", "{")}:${data}`, /broken\.json: not valid JSON/],
      [`${write("traversal.json", { ...meta, cluster: "../../etc" })}:${data}`, /cluster "\.\.\/\.\.\/etc" has no cluster\.json/],
      [`${write("unknown.json", { ...meta, cluster: "other" })}:${data}`, /cluster "other" has no cluster\.json/],
      [`${write("nodes.json", { ...meta, numNodes: 2 })}:${data}`, /has 1 resources but numNodes 2/],
      [`${write("state.json", { ...meta, jobState: "exploded" })}:${data}`, /jobState/],
      [`${path.join(importer, "meta-fritzMinimal.input")}:${write("data-array.json", [1, 2])}`, /data-array\.json/],
    ];
    for (const [spec, message] of cases) {
      const { code, stderr } = runCli(["--import-job", spec], dir);
      expect(code, spec).not.toBe(0);
      expect(stderr.trim().split("\n"), spec).toHaveLength(1);
      expect(stderr, spec).toMatch(message);
    }
    expect(await jobs(db)).toEqual([]);
    expect(readdirSync(path.join(dir, "archive", "fritz"))).toEqual(["cluster.json"]);
    expect(existsSync(path.join(root, "etc"))).toBe(false);
  });
});
