/**
 * The background tasks on real parts: migrated databases of the run's engine (SQLite, MariaDB or
 * PostgreSQL) written through its job writer, copies of the real cc-backend archive fixture, and the
 * scheduler with real timers.
 */
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { ArchiveBackend } from "../../src/archive/backend.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import type { JobMeta } from "../../src/archive/generated/archive-types.ts";
import { jobDirectory, type JobKey } from "../../src/archive/paths.ts";
import { parseConfig } from "../../src/config/load.ts";
import { MONITORING, type JobRow } from "../../src/db/jobs/job-row.ts";
import type { JobWriter } from "../../src/db/sql/job-writer.ts";
import { silentLogger } from "../../src/log.ts";
import { compressionTask, type CompressionSummary } from "../../src/services/tasks/compression.ts";
import { configuredTasks } from "../../src/services/tasks/index.ts";
import { OLD_JOBS_SQL } from "../../src/services/tasks/old-jobs.ts";
import { retentionTask, type RetentionSummary } from "../../src/services/tasks/retention.ts";
import { TaskScheduler, type BackgroundTask } from "../../src/services/tasks/scheduler.ts";
import { EXCEEDING_WALLTIME_SQL, walltimeTask } from "../../src/services/tasks/walltime.ts";
import { copyArchiveFixture, emmyJobs, readJson } from "../helpers/archive.ts";
import { freshDatabase } from "../helpers/db.ts";
import { captureLogger } from "../helpers/logger.ts";
import { RecordingQueue } from "../helpers/rest.ts";
import { queryDatabase, TEST_ENGINE } from "../helpers/test-engine.ts";
import { insertTestJob, openTestJobWriter } from "../helpers/test-writer.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("ccb-tasks-");
/** The tasks' clock: 2023-11-14. */
const NOW = 1_700_000_000;
const DAY = 86_400;
const never = new AbortController().signal;

// Closed after each test: a server writer's pool holds its connections open, and the test server takes only a few dozen.
const writers: JobWriter[] = [];
afterEach(async () => {
  for (const writer of writers.splice(0)) await writer.close();
});

let nextJobId = 5_000_000;

function row(overrides: Partial<JobRow> = {}): JobRow {
  return {
    jobId: nextJobId++,
    cluster: "emmy",
    subCluster: "haswell",
    startTime: NOW - 3 * 3600,
    user: "alice",
    project: "proj",
    partition: "work",
    arrayJobId: null,
    duration: 0,
    walltime: 3600,
    jobState: "running",
    metaData: null,
    resources: JSON.stringify([{ hostname: "e0101" }]),
    numNodes: 1,
    numHWThreads: 20,
    numAcc: 0,
    smt: 1,
    exclusive: 1,
    monitoringStatus: MONITORING.runningOrArchiving,
    memUsedMax: 0,
    flopsAnyAvg: 0,
    memBwAvg: 0,
    loadAvg: 0,
    netBwAvg: 0,
    netDataVolTotal: 0,
    fileBwAvg: 0,
    fileDataVolTotal: 0,
    ...overrides,
  };
}

/** A new database of the run's engine (an SQLite file or a server DSN) and a job writer on it. */
async function database(): Promise<{ db: string; writer: JobWriter; insert: (overrides?: Partial<JobRow>) => Promise<number> }> {
  const db = await freshDatabase(dir);
  const writer = await openTestJobWriter(db);
  writers.push(writer);
  return { db, writer, insert: (overrides) => insertTestJob(writer, row(overrides)) };
}

async function jobRow(db: string, id: number): Promise<{ job_state: string; duration: number; monitoring_status: number } | undefined> {
  return (await queryDatabase<{ job_state: string; duration: number; monitoring_status: number }>(db, "SELECT job_state, duration, monitoring_status FROM job WHERE id = ?", [id]))[0];
}

const jobCount = async (db: string) => (await queryDatabase<{ n: number }>(db, "SELECT count(*) AS n FROM job"))[0]!.n;

/** Every file below `root`, relative to it. */
function filesBelow(root: string): string[] {
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as import("node:fs").Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

// ---- stopping jobs past their walltime -----------------------------------------------------------

describe("stop-jobs-exceeding-walltime", () => {
  const GRACE = 600;

  it("stops running jobs whose start + walltime + grace lies before now: state timeout, duration now - start, handed to archiving", async () => {
    const { db, writer, insert } = await database();
    const over = await insert({ walltime: 3600, startTime: NOW - 3600 - GRACE - 1 });
    const farOver = await insert({ walltime: 60, startTime: NOW - 10 * DAY });
    const atLimit = await insert({ walltime: 3600, startTime: NOW - 3600 - GRACE });
    const under = await insert({ walltime: 3600, startTime: NOW - 3600 });
    const noWalltime = await insert({ walltime: 0, startTime: NOW - 100 * DAY });
    const finished = await insert({ walltime: 60, startTime: NOW - 10 * DAY, jobState: "completed", duration: 30, monitoringStatus: MONITORING.archived });
    const unmonitored = await insert({ walltime: 60, startTime: NOW - 5 * DAY, monitoringStatus: MONITORING.disabled });
    const queue = new RecordingQueue();
    const { logger, messages } = captureLogger();

    const task = walltimeTask({ jobWriter: writer, archiving: queue, logger }, { graceSeconds: GRACE, now: () => NOW });
    const result = (await task.run(never)) as { stopped: number };

    expect(result.stopped).toBe(3);
    expect(await jobRow(db, over)).toEqual({ job_state: "timeout", duration: 3600 + GRACE + 1, monitoring_status: MONITORING.runningOrArchiving });
    expect(await jobRow(db, farOver)).toEqual({ job_state: "timeout", duration: 10 * DAY, monitoring_status: MONITORING.runningOrArchiving });
    // Monitoring stays disabled, and such a job is not archived — as stop_job does it.
    expect(await jobRow(db, unmonitored)).toEqual({ job_state: "timeout", duration: 5 * DAY, monitoring_status: MONITORING.disabled });
    for (const id of [atLimit, under, noWalltime]) expect(await jobRow(db, id)).toEqual({ job_state: "running", duration: 0, monitoring_status: MONITORING.runningOrArchiving });
    expect(await jobRow(db, finished)).toEqual({ job_state: "completed", duration: 30, monitoring_status: MONITORING.archived });
    expect(queue.jobs.sort()).toEqual([over, farOver].sort());
    expect(messages().some((m) => m.includes("3 running job(s) past walltime + 600 s stopped"))).toBe(true);

    // Nothing left to do: a second run changes nothing.
    expect(((await task.run(never)) as { stopped: number }).stopped).toBe(0);
    expect(queue.jobs).toHaveLength(2);
  });

  it("works in batches until every job past its walltime is stopped; a stop signal ends it between batches", async () => {
    const { db, writer, insert } = await database();
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) ids.push(await insert({ walltime: 60, startTime: NOW - DAY - i }));
    const queue = new RecordingQueue();
    const all = walltimeTask({ jobWriter: writer, archiving: queue, logger: silentLogger }, { graceSeconds: GRACE, batchSize: 2, now: () => NOW });
    expect(((await all.run(never)) as { stopped: number }).stopped).toBe(7);
    expect(queue.jobs.sort()).toEqual([...ids].sort());

    const more: number[] = [];
    for (let i = 0; i < 5; i++) more.push(await insert({ walltime: 60, startTime: NOW - DAY - i }));
    const abort = new AbortController();
    // The second batch's jobs are handed to archiving after its commit; stopping there ends the run.
    const stopping = new RecordingQueue();
    stopping.enqueue = (id) => {
      RecordingQueue.prototype.enqueue.call(stopping, id);
      if (stopping.jobs.length === 2) abort.abort();
    };
    const interrupted = (await walltimeTask({ jobWriter: writer, archiving: stopping, logger: silentLogger }, { graceSeconds: GRACE, batchSize: 2, now: () => NOW }).run(abort.signal)) as {
      stopped: number;
      interrupted: boolean;
    };
    expect(interrupted).toEqual({ stopped: 2, interrupted: true });
    const states = await Promise.all(more.map(async (id) => (await jobRow(db, id))!.job_state));
    expect(states.filter((state) => state === "running")).toHaveLength(3);
  });

  // The plans are SQLite's (EXPLAIN QUERY PLAN); the servers plan by their own statistics.
  it.skipIf(TEST_ENGINE !== "sqlite")("reads only running jobs through their partial index, never the whole table", async () => {
    const { writer } = await database();
    const explain = (sql: string, params: unknown[]) =>
      writer.transaction(async (tx) => (await tx.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail).join("; "));
    const plan = await explain(EXCEEDING_WALLTIME_SQL, [1, NOW, 10]);
    expect(plan).toMatch(/USING (COVERING )?INDEX job_running/);
    const scan = await explain(OLD_JOBS_SQL, [0, 10, NOW, 0, 0]);
    expect(scan).toContain("INTEGER PRIMARY KEY (rowid>? AND rowid<?)");
  });
});

// ---- archive retention ---------------------------------------------------------------------------

/** Metric data small enough to write many times. */
const SMALL_DATA = {
  cpu_load: { node: { unit: { base: "" }, timestep: 60, series: [{ hostname: "e0101", data: [1, 2, 3], statistics: { min: 1, avg: 2, max: 3 } }] } },
};

interface ArchiveSetup {
  root: string;
  archive: FileArchive;
  /** The database (SQLite file or server DSN) and its job writer. */
  db: string;
  writer: JobWriter;
  /** The fixture's two jobs of 2020/2021: old. */
  old: { id: number; key: JobKey }[];
  /** Archived five days before NOW: kept. */
  recent: { id: number; key: JobKey };
  /** Old, but still running / still waiting for archiving: left alone. */
  running: number;
  waiting: number;
  /** Old, archiving failed: not in the archive. */
  failed: number;
  insert: (overrides?: Partial<JobRow>) => Promise<number>;
}

async function archiveSetup(name: string): Promise<ArchiveSetup> {
  const root = copyArchiveFixture(dir, name);
  const archive = await FileArchive.open(root);
  const { db, writer, insert } = await database();
  const old: { id: number; key: JobKey }[] = [];
  for (const key of emmyJobs) {
    const meta = readJson(path.join(jobDirectory(root, key), "meta.json")) as JobMeta;
    old.push({ key, id: await insert({ jobId: key.jobId, startTime: key.startTime, duration: meta.duration, jobState: "completed", monitoringStatus: MONITORING.archived }) });
  }
  const template = readJson(path.join(jobDirectory(root, emmyJobs[0]!), "meta.json")) as JobMeta;
  const recentKey = { jobId: 4_200_001, cluster: "emmy", startTime: NOW - 5 * DAY };
  await archive.importJob({ ...template, ...recentKey, duration: 600 }, SMALL_DATA as never);
  const recent = { key: recentKey, id: await insert({ ...recentKey, duration: 600, jobState: "completed", monitoringStatus: MONITORING.archived }) };
  const running = await insert({ startTime: NOW - 400 * DAY, walltime: 0 });
  const waiting = await insert({ startTime: NOW - 400 * DAY, jobState: "completed", duration: 60 });
  const failed = await insert({ startTime: NOW - 400 * DAY, jobState: "failed", duration: 60, monitoringStatus: MONITORING.archivingFailed });
  // A tag on an old job: its link goes with the row.
  await writer.transaction(async (tx) => {
    await tx.run("INSERT INTO tag (tag_type, tag_name) VALUES ('debug', 'old')");
    await tx.run("INSERT INTO jobtag (job_id, tag_id) VALUES (?, (SELECT id FROM tag WHERE tag_name = 'old'))", [old[0]!.id]);
  });
  return { root, archive, db, writer, old, recent, running, waiting, failed, insert };
}

const hasJobDir = (root: string, key: JobKey) => existsSync(jobDirectory(root, key));

describe("archive retention", () => {
  it("policy delete with includeDB: old jobs leave the archive and the database; recent, running and waiting jobs stay", async () => {
    const s = await archiveSetup("retention-delete");
    const { logger, messages } = captureLogger();
    const task = retentionTask({ jobWriter: s.writer, archive: s.archive, logger }, { policy: "delete", ageDays: 30, includeDB: true, now: () => NOW, batchSize: 1 });
    const summary = (await task.run(never)) as RetentionSummary;

    expect(summary).toEqual({ archived: 2, notInArchive: 1, deletedFromDb: 3, failed: 0, interrupted: false });
    for (const job of s.old) {
      expect(hasJobDir(s.root, job.key)).toBe(false);
      expect(await jobRow(s.db, job.id)).toBeUndefined();
    }
    // The emptied <jobId/1000> folders are gone too; cluster.json stays.
    expect(readdirSync(path.join(s.root, "emmy")).sort()).toEqual(["4200", "cluster.json"]);
    expect(hasJobDir(s.root, s.recent.key)).toBe(true);
    expect(await s.archive.loadData(s.recent.key)).toEqual(SMALL_DATA);
    expect(await jobRow(s.db, s.recent.id)).toBeDefined();
    expect((await jobRow(s.db, s.running))?.job_state).toBe("running");
    expect((await jobRow(s.db, s.waiting))?.monitoring_status).toBe(MONITORING.runningOrArchiving);
    expect(await jobRow(s.db, s.failed)).toBeUndefined();
    expect(await queryDatabase(s.db, "SELECT count(*) AS n FROM jobtag")).toEqual([{ n: 0 }]);
    expect(messages().some((m) => m.includes("2 job(s) deleted in the archive") && m.includes("3 deleted from the database"))).toBe(true);

    // A second run finds nothing more to do.
    expect(await task.run(never)).toEqual({ archived: 0, notInArchive: 0, deletedFromDb: 0, failed: 0, interrupted: false });
  });

  it("policy delete without includeDB: the archive entries go, every database row stays", async () => {
    const s = await archiveSetup("retention-keep-db");
    const rows = await jobCount(s.db);
    const summary = (await retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { policy: "delete", ageDays: 30, includeDB: false, now: () => NOW }).run(never)) as RetentionSummary;
    expect(summary).toMatchObject({ archived: 2, deletedFromDb: 0 });
    for (const job of s.old) {
      expect(hasJobDir(s.root, job.key)).toBe(false);
      expect(await jobRow(s.db, job.id)).toBeDefined();
    }
    expect(await jobCount(s.db)).toBe(rows);
  });

  it("policy move: old jobs move below location, which opens as an archive of its own; rows go only with includeDB", async () => {
    const s = await archiveSetup("retention-move");
    const location = path.join(dir, "retention-moved");
    const before = emmyJobs.map((key) => filesBelow(jobDirectory(s.root, key)));
    const originalMeta = await s.archive.loadMeta(emmyJobs[1]!);
    const rows = await jobCount(s.db);

    const keepRows = retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { policy: "move", ageDays: 30, includeDB: false, location, now: () => NOW });
    expect(await keepRows.run(never)).toMatchObject({ archived: 2, deletedFromDb: 0 });
    expect(await jobCount(s.db)).toBe(rows);
    for (const [i, key] of emmyJobs.entries()) {
      expect(hasJobDir(s.root, key)).toBe(false);
      expect(filesBelow(jobDirectory(location, key))).toEqual(before[i]);
    }
    expect(hasJobDir(s.root, s.recent.key)).toBe(true);
    expect(hasJobDir(location, s.recent.key)).toBe(false);
    const moved = await FileArchive.open(location);
    expect(await moved.clusters()).toEqual(["emmy"]);
    expect(await moved.loadMeta(emmyJobs[1]!)).toEqual(originalMeta);

    // With includeDB the rows of the jobs no longer in the archive go as well.
    const dropRows = retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { policy: "move", ageDays: 30, includeDB: true, location, now: () => NOW });
    expect(await dropRows.run(never)).toMatchObject({ archived: 0, notInArchive: 3, deletedFromDb: 3 });
    for (const job of s.old) expect(await jobRow(s.db, job.id)).toBeUndefined();
    expect(filesBelow(jobDirectory(location, emmyJobs[0]!))).toEqual(before[0]);
  });

  // /dev/shm is a tmpfs on Linux: another file system than the temp directory, where rename fails.
  const otherFs = (() => {
    try {
      return statSync("/dev/shm").dev !== statSync(dir).dev && (accessSync("/dev/shm", constants.W_OK), true);
    } catch {
      return false;
    }
  })();

  it.skipIf(!otherFs)("policy move onto another file system: copied, then removed from the archive", async () => {
    const s = await archiveSetup("retention-move-other-fs");
    const location = mkdtempSync("/dev/shm/ccb-moved-");
    afterAll(() => rmSync(location, { recursive: true, force: true }));
    const before = emmyJobs.map((key) => filesBelow(jobDirectory(s.root, key)));
    const originalData = await s.archive.loadData(emmyJobs[0]!);
    const task = retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { policy: "move", ageDays: 30, includeDB: true, location, now: () => NOW });
    expect(await task.run(never)).toEqual({ archived: 2, notInArchive: 1, deletedFromDb: 3, failed: 0, interrupted: false });
    for (const [i, key] of emmyJobs.entries()) {
      expect(hasJobDir(s.root, key)).toBe(false);
      expect(filesBelow(jobDirectory(location, key))).toEqual(before[i]);
    }
    expect(await (await FileArchive.open(location)).loadData(emmyJobs[0]!)).toEqual(originalData);
  });

  it("a stop signal ends a run between batches; the batch done is complete in archive and database, the next run does the rest", async () => {
    const s = await archiveSetup("retention-interrupted");
    const abort = new AbortController();
    // The real archive, except that the first removal also signals a shutdown.
    const stopping: ArchiveBackend = Object.create(s.archive, {
      removeJob: {
        value: async (job: JobKey) => {
          await s.archive.removeJob(job);
          abort.abort();
        },
      },
    });
    const options = { policy: "delete", ageDays: 30, includeDB: true, now: () => NOW, batchSize: 1 } as const;
    const first = (await retentionTask({ jobWriter: s.writer, archive: stopping, logger: silentLogger }, options).run(abort.signal)) as RetentionSummary;
    expect(first).toEqual({ archived: 1, notInArchive: 0, deletedFromDb: 1, failed: 0, interrupted: true });
    expect(s.old.filter((job) => hasJobDir(s.root, job.key))).toHaveLength(1);
    const rowsLeft = await Promise.all(s.old.map((job) => jobRow(s.db, job.id)));
    expect(rowsLeft.filter((r) => r !== undefined)).toHaveLength(1);

    const rest = (await retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, options).run(never)) as RetentionSummary;
    expect(rest).toEqual({ archived: 1, notInArchive: 1, deletedFromDb: 2, failed: 0, interrupted: false });
    const left = await Promise.all(s.old.map(async (job) => hasJobDir(s.root, job.key) || (await jobRow(s.db, job.id)) !== undefined));
    expect(s.old.filter((_, i) => left[i])).toEqual([]);
  });

  it("walks the job table in id ranges: with one id per query every old job is still found", async () => {
    const s = await archiveSetup("retention-small-slices");
    const summary = (await retentionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { policy: "delete", ageDays: 30, includeDB: true, now: () => NOW, idsPerQuery: 1 }).run(never)) as RetentionSummary;
    expect(summary).toMatchObject({ archived: 2, notInArchive: 1, deletedFromDb: 3 });
  });
});

// ---- archive compression -------------------------------------------------------------------------

/**
 * An archive whose fixture jobs hold plain data.json files (as older cc-backend archives do): their
 * real data (13 MB each), or with `small` a few samples, for tests about the runs rather than the data.
 */
async function plainArchive(name: string, small = false) {
  const s = await archiveSetup(name);
  const originals = emmyJobs.map((key) => {
    const jobDir = jobDirectory(s.root, key);
    const data = small ? Buffer.from(JSON.stringify(SMALL_DATA)) : gunzipSync(readFileSync(path.join(jobDir, "data.json.gz")));
    writeFileSync(path.join(jobDir, "data.json"), data);
    rmSync(path.join(jobDir, "data.json.gz"));
    return JSON.parse(data.toString("utf8")) as unknown;
  });
  return { ...s, originals };
}

describe("archive compression", () => {
  it("replaces data.json of jobs older than the limit by data.json.gz that reads back equal; newer jobs keep theirs", async () => {
    const s = await plainArchive("compression");
    // A recent job with a plain data.json: too new to be compressed.
    const recentDir = jobDirectory(s.root, s.recent.key);
    rmSync(path.join(recentDir, "data.json.gz"));
    writeFileSync(path.join(recentDir, "data.json"), JSON.stringify(SMALL_DATA));
    const { logger, messages } = captureLogger();

    const task = compressionTask({ jobWriter: s.writer, archive: s.archive, logger }, { olderThanDays: 7, now: () => NOW, batchSize: 1 });
    const summary = (await task.run(never)) as CompressionSummary;
    expect(summary).toEqual({ compressed: 2, checked: 3, failed: 0, interrupted: false });
    for (const [i, key] of emmyJobs.entries()) {
      // data.json is gone, so this reads data.json.gz.
      expect(readdirSync(jobDirectory(s.root, key)).sort()).toEqual(["data.json.gz", "meta.json"]);
      expect(await s.archive.loadData(key)).toEqual(s.originals[i]);
    }
    expect(readdirSync(recentDir).sort()).toEqual(["data.json", "meta.json"]);
    expect(messages().some((m) => m.includes("2 data.json file(s) compressed"))).toBe(true);
  });

  it("a later run skips what a complete run covered, but finds jobs added since", async () => {
    const s = await plainArchive("compression-rerun", true);
    const task = compressionTask({ jobWriter: s.writer, archive: s.archive, logger: silentLogger }, { olderThanDays: 7, now: () => NOW });
    expect(await task.run(never)).toMatchObject({ compressed: 2, checked: 3 });
    expect(await task.run(never)).toEqual({ compressed: 0, checked: 0, failed: 0, interrupted: false });

    // An old job imported later (a new, larger id) with a plain data.json.
    const template = await s.archive.loadMeta(emmyJobs[0]!);
    const key = { jobId: 4_300_001, cluster: "emmy", startTime: NOW - 90 * DAY };
    await s.archive.importJob({ ...template, ...key }, SMALL_DATA as never);
    const jobDir = jobDirectory(s.root, key);
    rmSync(path.join(jobDir, "data.json.gz"));
    writeFileSync(path.join(jobDir, "data.json"), JSON.stringify(SMALL_DATA));
    await s.insert({ ...key, duration: 60, jobState: "completed", monitoringStatus: MONITORING.archived });
    expect(await task.run(never)).toEqual({ compressed: 1, checked: 1, failed: 0, interrupted: false });
    expect(await s.archive.loadData(key)).toEqual(SMALL_DATA);
  });

  it("a stop signal ends a run between batches and leaves every job readable", async () => {
    const s = await plainArchive("compression-interrupted", true);
    const abort = new AbortController();
    const stopping: ArchiveBackend = Object.create(s.archive, {
      compressJob: {
        value: async (job: JobKey) => {
          await s.archive.compressJob(job);
          abort.abort();
        },
      },
    });
    const summary = (await compressionTask({ jobWriter: s.writer, archive: stopping, logger: silentLogger }, { olderThanDays: 7, now: () => NOW, batchSize: 1 }).run(abort.signal)) as CompressionSummary;
    expect(summary).toMatchObject({ compressed: 1, interrupted: true });
    const plain = emmyJobs.filter((key) => existsSync(path.join(jobDirectory(s.root, key), "data.json")));
    expect(plain).toHaveLength(1);
    for (const [i, key] of emmyJobs.entries()) expect(await s.archive.loadData(key)).toEqual(s.originals[i]);
  });
});

// ---- the scheduler -------------------------------------------------------------------------------

/** A task whose runs take `ms` and record how many were under way at once. */
function timedTask(name: string, ms: number, options: { intervalMs?: number; group?: string; shared?: { now: number; max: number } } = {}) {
  const shared = options.shared ?? { now: 0, max: 0 };
  const stats = { runs: 0, now: 0, max: 0, aborted: 0, shared };
  const task: BackgroundTask = {
    name,
    intervalMs: options.intervalMs ?? 1,
    group: options.group,
    async run(signal) {
      stats.runs++;
      stats.now++;
      shared.now++;
      stats.max = Math.max(stats.max, stats.now);
      shared.max = Math.max(shared.max, shared.now);
      try {
        // Batches of 5 ms, checking the signal between them, as the real tasks do.
        for (let waited = 0; waited < ms; waited += 5) {
          if (signal.aborted) {
            stats.aborted++;
            return;
          }
          await sleep(5);
        }
      } finally {
        stats.now--;
        shared.now--;
      }
    },
  };
  return { task, stats };
}

/** Waits until `check` holds (polling), at most `timeoutMs`. */
async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await sleep(5);
  }
}

describe("the task scheduler", () => {
  it("runs a task shortly after start and then again after its interval, never two runs at once", async () => {
    const { task, stats } = timedTask("slow", 150, { intervalMs: 1 });
    const scheduler = new TaskScheduler([task], { logger: silentLogger, firstRunDelayMs: 50 });
    const started = Date.now();
    scheduler.start();
    await until(() => stats.runs === 1);
    const firstAfter = Date.now() - started;
    expect(firstAfter).toBeGreaterThanOrEqual(49);
    expect(firstAfter).toBeLessThan(2000);
    // Triggered while a run is under way: no second run, the caller waits for the one under way.
    expect(scheduler.isRunning("slow")).toBe(true);
    await scheduler.runNow("slow");
    expect(stats.runs).toBe(1);
    expect(stats.now).toBe(0);
    await until(() => stats.runs >= 3);
    await scheduler.stop();
    expect(stats.max).toBe(1);
  });

  it("never runs two tasks of one group at the same time, but tasks of other groups beside them", async () => {
    const shared = { now: 0, max: 0 };
    const a = timedTask("retention", 100, { group: "archive", shared });
    const b = timedTask("compression", 100, { group: "archive", shared });
    const c = timedTask("walltime", 100);
    const scheduler = new TaskScheduler([a.task, b.task, c.task], { logger: silentLogger, firstRunDelayMs: 0 });
    scheduler.start();
    // The walltime task runs beside whichever archive task runs.
    await until(() => c.stats.now === 1 && shared.now === 1);
    await until(() => a.stats.runs >= 2 && b.stats.runs >= 2);
    await scheduler.stop();
    expect(shared.max).toBe(1);
    expect(a.stats.max + b.stats.max).toBe(2);
  });

  it("stop() ends the run under way between batches, waits for it, and no run follows", async () => {
    const { task, stats } = timedTask("long", 10_000);
    const scheduler = new TaskScheduler([task], { logger: silentLogger, firstRunDelayMs: 0 });
    scheduler.start();
    await until(() => stats.now === 1);
    const started = Date.now();
    await scheduler.stop();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(stats).toMatchObject({ runs: 1, now: 0, aborted: 1 });
    await sleep(50);
    expect(stats.runs).toBe(1);
    await scheduler.runNow("long");
    expect(stats.runs).toBe(1);
  });

  it("logs a failed run and runs the task again later", async () => {
    let runs = 0;
    const { logger, messages } = captureLogger();
    const scheduler = new TaskScheduler(
      [
        {
          name: "flaky",
          intervalMs: 5,
          async run() {
            if (++runs === 1) throw new Error("disk full");
          },
        },
      ],
      { logger, firstRunDelayMs: 0 },
    );
    scheduler.start();
    await until(() => runs >= 2);
    await scheduler.stop();
    expect(messages().some((m) => m.startsWith("background task flaky failed") && m.endsWith("disk full"))).toBe(true);
  });
});

// ---- configuration -------------------------------------------------------------------------------

describe("tasks from config.json", () => {
  async function tasksFor(config: Record<string, unknown>) {
    const { writer } = await database();
    const archive = await FileArchive.create(path.join(dir, `config-archive-${nextJobId++}`));
    const { logger, messages } = captureLogger();
    const tasks = configuredTasks(parseConfig(config).config, { jobWriter: writer, archive, logger });
    return { names: tasks.map((t) => t.name), intervals: tasks.map((t) => t.intervalMs), messages: messages() };
  }

  it("runs nothing without the keys (or with 0 / policy none)", async () => {
    expect((await tasksFor({})).names).toEqual([]);
    expect((await tasksFor({ "stop-jobs-exceeding-walltime": 0, archive: { kind: "file", path: "x", compression: 0, retention: { policy: "none", age: 7 } } })).names).toEqual([]);
  });

  it("runs each configured task: walltime every 5 minutes, retention and compression daily", async () => {
    const { names, intervals } = await tasksFor({
      "stop-jobs-exceeding-walltime": 3600,
      archive: { kind: "file", path: "x", compression: 7, retention: { policy: "delete", age: 365 } },
    });
    expect(names).toEqual(["stop-jobs-exceeding-walltime", "archive-retention", "archive-compression"]);
    expect(intervals).toEqual([300_000, 86_400_000, 86_400_000]);
  });

  it("includeDB defaults to true, as in cc-backend", async () => {
    const s = await archiveSetup("retention-config-default");
    const [task] = configuredTasks(parseConfig({ archive: { kind: "file", path: s.root, retention: { policy: "delete", age: 30 } } }).config, {
      jobWriter: s.writer,
      archive: s.archive,
      logger: silentLogger,
    });
    // Against today's date every archived job of the setup is older than 30 days, the recent one too.
    expect(await task!.run(never)).toMatchObject({ archived: 3, notInArchive: 1, deletedFromDb: 4 });
    for (const job of s.old) expect(await jobRow(s.db, job.id)).toBeUndefined();
    expect((await jobRow(s.db, s.running))?.job_state).toBe("running");
  });

  it("leaves out a retention that cannot run, with the reason in the log", async () => {
    const move = await tasksFor({ archive: { kind: "file", path: "x", retention: { policy: "move", age: 30 } } });
    expect(move.names).toEqual([]);
    expect(move.messages.some((m) => m.includes('policy "move" needs a "location"'))).toBe(true);
    const noAge = await tasksFor({ archive: { kind: "file", path: "x", retention: { policy: "delete" } } });
    expect(noAge.names).toEqual([]);
    expect(noAge.messages.some((m) => m.includes("without an age"))).toBe(true);
  });
});
