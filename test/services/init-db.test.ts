import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { InitDbInterrupted, rebuildJobTablesAt, type InitDbOptions } from "../../src/services/archive/init-db.ts";
import { addClonedJobs, copyArchiveFixture, readJson } from "../helpers/archive.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createJobs } from "../helpers/factories.ts";
import { captureLogger } from "../helpers/logger.ts";
import { queryDatabase, snapshotDatabase, TEST_ENGINE, testDatabaseLocation } from "../helpers/test-engine.ts";
import { tempDir } from "../helpers/tmp.ts";
import { openPrismaClient } from "../../src/db/client.ts";

const dir = tempDir("ccb-initdb-");
let n = 0;

async function setup() {
  const root = copyArchiveFixture(dir, `archive-${n++}`);
  const dbFile = await freshDatabase(dir);
  const prisma = openPrismaClient(testDatabaseLocation(dbFile));
  await prisma.user.create({ data: { username: "alice", roles: '["admin"]' } });
  await prisma.configuration.create({ data: { username: "alice", confkey: "plot_list_jobsPerPage", value: "25" } });
  await createJobs(prisma, 5, { cluster: "old" });
  await prisma.$disconnect();
  return { root, dbFile };
}

const query = <T = Record<string, unknown>>(dbFile: string, sql: string) => queryDatabase<T>(dbFile, sql);

/** The rebuild on the test database of this run's engine. */
const rebuild = (dbFile: string, options: Omit<InitDbOptions, "dbFile">) => rebuildJobTablesAt(testDatabaseLocation(dbFile), options);

/** SQLite drops the job indexes for the bulk load and builds them again: they must all come back. */
const indexNames = async (dbFile: string) =>
  TEST_ENGINE === "sqlite" ? (await query<{ name: string }>(dbFile, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job' ORDER BY name")).map((r) => r.name) : [];

describe("--init-db: rebuild job, tag and jobtag from the archive", () => {
  it("imports cc-backend's archive with exact values; users, configuration and indexes stay", async () => {
    const { root, dbFile } = await setup();
    const indexesBefore = await indexNames(dbFile);
    const { logger } = captureLogger();
    const result = await rebuild(dbFile, { archive: await FileArchive.open(root), logger, workers: 2 });
    expect(result).toMatchObject({ imported: 2, skipped: 0 });

    const jobs = await query(dbFile, "SELECT * FROM job ORDER BY job_id");
    expect(jobs).toHaveLength(2);
    const meta = readJson(path.join(root, "emmy", "1404", "397", "1609300556", "meta.json"));
    expect(jobs[1]).toMatchObject({
      job_id: 1404397,
      cluster: "emmy",
      subcluster: meta.subCluster,
      start_time: 1609300556,
      user: meta.user,
      project: meta.project,
      num_nodes: 32,
      duration: meta.duration,
      job_state: "completed",
      monitoring_status: 3,
      flops_any_avg: meta.statistics.flops_any.avg,
      mem_bw_avg: meta.statistics.mem_bw.avg,
      load_avg: meta.statistics.cpu_load.avg,
      mem_used_max: meta.statistics.mem_used.max,
    });
    expect(JSON.parse(jobs[1]!.resources as string)).toEqual(meta.resources);
    expect(await query(dbFile, 'SELECT username FROM "user"')).toEqual([{ username: "alice" }]);
    expect(await query(dbFile, "SELECT value FROM configuration")).toEqual([{ value: "25" }]);
    expect(await indexNames(dbFile)).toEqual(indexesBefore);
    expect(readdirSync(dir).filter((f) => f.includes(".init-db-"))).toEqual([]);
  });

  it("reports broken, foreign-cluster and duplicate meta.json files with their path, and imports the rest", async () => {
    const { root, dbFile } = await setup();
    const ids = addClonedJobs(root, 300);
    const put = (jobId: number, startTime: number, content: string) => {
      const jobDir = path.join(root, "emmy", String(Math.floor(jobId / 1000)), String(jobId % 1000).padStart(3, "0"), String(startTime));
      mkdirSync(jobDir, { recursive: true });
      writeFileSync(path.join(jobDir, "meta.json"), content);
      return path.join(jobDir, "meta.json");
    };
    const base = readJson(path.join(root, "emmy", "1403", "244", "1608923076", "meta.json"));
    const broken = put(4_000_001, 1, "{ this is not json");
    const wrongNodes = put(4_000_002, 2, JSON.stringify({ ...base, jobId: 4_000_002, startTime: 2, numNodes: 99 }));
    const foreign = put(4_000_003, 3, JSON.stringify({ ...base, jobId: 4_000_003, startTime: 3, cluster: "nowhere" }));
    const duplicate = put(4_000_004, 4, JSON.stringify({ ...base, jobId: ids[0], startTime: base.startTime }));
    mkdirSync(path.join(root, "emmy", "4000", "005", "5"), { recursive: true }); // a job folder without meta.json

    const { logger, messages } = captureLogger();
    const result = await rebuild(dbFile, { archive: await FileArchive.open(root), logger });
    expect(result).toMatchObject({ imported: 302, skipped: 5 });
    const warnings = messages().join("\n");
    expect(warnings).toContain(`skipped ${broken}: not valid JSON`);
    expect(warnings).toContain(`skipped ${wrongNodes}: job 4000002: has 32 resources but numNodes 99`);
    expect(warnings).toContain(`skipped ${foreign}: job 4000003: cluster "nowhere" has no cluster.json`);
    expect(warnings).toContain(`skipped duplicate job ${ids[0]} on emmy (start ${base.startTime})`);
    expect(warnings).toMatch(/4000\/005\/5\/meta\.json: no meta\.json in job directory/);
    expect(duplicate).toContain("4000");
    expect((await query<{ n: number }>(dbFile, "SELECT count(*) AS n FROM job"))[0]!.n).toBe(302);
  });

  it("imports tags from meta.json once per distinct tag", async () => {
    const { root, dbFile } = await setup();
    const metaFile = path.join(root, "emmy", "1403", "244", "1608923076", "meta.json");
    const other = path.join(root, "emmy", "1404", "397", "1609300556", "meta.json");
    const tags = [{ type: "app", name: "gromacs" }, { type: "issue", name: "memory-bound" }];
    writeFileSync(metaFile, JSON.stringify({ ...readJson(metaFile), tags }));
    writeFileSync(other, JSON.stringify({ ...readJson(other), tags: [tags[0]] }));
    await rebuild(dbFile, { archive: await FileArchive.open(root), logger: captureLogger().logger });
    expect(await query(dbFile, "SELECT tag_type, tag_name FROM tag ORDER BY id")).toEqual([
      { tag_type: "app", tag_name: "gromacs" },
      { tag_type: "issue", tag_name: "memory-bound" },
    ]);
    expect((await query<{ n: number }>(dbFile, "SELECT count(*) AS n FROM jobtag"))[0]!.n).toBe(3);
  });

  it("an interrupted rebuild leaves the database exactly as it was", async () => {
    const { root, dbFile } = await setup();
    addClonedJobs(root, 3000);
    const before = await snapshotDatabase(dbFile);
    const abort = new AbortController();
    const progress = { update: () => abort.abort(), finish: () => {} };
    await expect(
      rebuild(dbFile, { archive: await FileArchive.open(root), logger: captureLogger().logger, progress, signal: abort.signal }),
    ).rejects.toThrow(InitDbInterrupted);
    expect(await snapshotDatabase(dbFile)).toEqual(before);
    if (TEST_ENGINE === "sqlite") {
      // The half-built copy is gone and the original file stays in place.
      expect(readdirSync(path.dirname(dbFile)).filter((f) => f.includes(".init-db-"))).toEqual([]);
      expect(existsSync(dbFile)).toBe(true);
    }
  });
});
