import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ArchiveError } from "../../src/archive/backend.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { ArchivePathError, jobDirectory } from "../../src/archive/paths.ts";
import { validateJobData, validateJobMeta } from "../../src/archive/validate.ts";
import { copyArchiveFixture, emmyJobs, readJson } from "../helpers/archive.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir("ccb-archive-");
let n = 0;
const fixture = () => copyArchiveFixture(dir, `archive-${n++}`);

describe("file archive (cc-backend archive version 1)", () => {
  it("computes cc-backend's job directory and refuses path components from JSON", () => {
    expect(jobDirectory("/a", { jobId: 1034871, cluster: "fritz", startTime: 1675954353 })).toBe("/a/fritz/1034/871/1675954353");
    expect(jobDirectory("/a", { jobId: 7, cluster: "fritz", startTime: 1 })).toBe("/a/fritz/0/007/1");
    for (const cluster of ["..", "../etc", "a/b", "", ".", "x\u0000"]) {
      expect(() => jobDirectory("/a", { jobId: 1, cluster, startTime: 1 }), cluster).toThrow(ArchivePathError);
    }
    expect(() => jobDirectory("/a", { jobId: -1, cluster: "c", startTime: 1 })).toThrow(/jobId/);
    expect(() => jobDirectory("/a", { jobId: 1.5, cluster: "c", startTime: 1 })).toThrow(/jobId/);
    expect(() => jobDirectory("/a", { jobId: 1, cluster: "c", startTime: Number.NaN })).toThrow(/startTime/);
  });

  it("opens cc-backend's archive and reads clusters, meta.json and data.json.gz", async () => {
    const archive = await FileArchive.open(fixture(), { validate: true });
    expect(await archive.clusters()).toEqual(["emmy"]);
    const cluster = await archive.loadClusterConfig("emmy");
    expect(cluster.subClusters.map((s) => s.name)).toContain("haswell");
    const meta = await archive.loadMeta(emmyJobs[1]!);
    expect(meta).toMatchObject({ jobId: 1404397, cluster: "emmy", numNodes: 32 });
    const data = await archive.loadData(emmyJobs[1]!);
    expect(Object.keys(data)).toContain("flops_any");
    const paths: string[] = [];
    for await (const file of archive.metaFiles()) paths.push(path.relative(archive.root, file.path));
    expect(paths.sort()).toEqual(["emmy/1403/244/1608923076/meta.json", "emmy/1404/397/1609300556/meta.json"]);
  });

  it("refuses a folder without version.txt or with another version", async () => {
    const root = fixture();
    rmSync(path.join(root, "version.txt"));
    await expect(FileArchive.open(root)).rejects.toThrow(/version\.txt is missing/);
    writeFileSync(path.join(root, "version.txt"), "2\n");
    await expect(FileArchive.open(root)).rejects.toThrow(/version "2" is not supported/);
    await expect(FileArchive.open(path.join(dir, "nowhere"))).rejects.toThrow(/version\.txt is missing/);
  });

  it("prefers data.json.gz over data.json, and reads plain data.json", async () => {
    const root = fixture();
    const archive = await FileArchive.open(root);
    const jobDir = jobDirectory(root, emmyJobs[0]!);
    const original = await archive.loadData(emmyJobs[0]!);
    writeFileSync(path.join(jobDir, "data.json"), JSON.stringify({ only: { node: "in plain file" } }));
    expect(await archive.loadData(emmyJobs[0]!)).toEqual(original);
    rmSync(path.join(jobDir, "data.json.gz"));
    expect(await archive.loadData(emmyJobs[0]!)).toEqual({ only: { node: "in plain file" } });
  });

  it("names the file of a truncated gzip, broken JSON or a cluster.json that fails the schema", async () => {
    const root = fixture();
    const archive = await FileArchive.open(root);
    const gz = path.join(jobDirectory(root, emmyJobs[0]!), "data.json.gz");
    const bytes = readFileSync(gz);
    writeFileSync(gz, bytes.subarray(0, bytes.length / 2));
    await expect(archive.loadData(emmyJobs[0]!)).rejects.toThrow(new RegExp(`${gz.replaceAll(".", "\\.")}: broken gzip data`));
    writeFileSync(path.join(jobDirectory(root, emmyJobs[1]!), "meta.json"), "{ not json");
    await expect(archive.loadMeta(emmyJobs[1]!)).rejects.toThrow(/meta\.json: not valid JSON/);
    const clusterFile = path.join(root, "emmy", "cluster.json");
    const cluster = readJson(clusterFile);
    delete cluster.subClusters[0].topology;
    writeFileSync(clusterFile, JSON.stringify(cluster));
    await expect(archive.loadClusterConfig("emmy")).rejects.toThrow(/emmy\/cluster\.json: "subClusters\.0\.topology" is missing/);
    await expect(archive.loadClusterConfig("../emmy")).rejects.toThrow(ArchivePathError);
  });

  it("writes jobs cc-backend can read: same layout, valid JSON, content round-trips exactly", async () => {
    const source = await FileArchive.open(fixture());
    const target = await FileArchive.create(path.join(dir, `written-${n++}`), { validate: true });
    await target.storeClusterConfig(await source.loadClusterConfig("emmy"));
    for (const job of emmyJobs) {
      const meta = await source.loadMeta(job);
      const data = await source.loadData(job);
      await target.importJob(meta, data);
      const written = jobDirectory(target.root, job);
      expect(readdirSync(written).sort()).toEqual(["data.json.gz", "meta.json"]);
      // What was written passes the schemas and parses back to exactly the same content.
      expect(validateJobMeta(readJson(path.join(written, "meta.json")), "meta")).toEqual(meta);
      expect(validateJobData(readJson(path.join(written, "data.json.gz")), "data")).toEqual(data);
    }
    expect(readFileSync(path.join(target.root, "version.txt"), "utf8").trim()).toBe("1");
    await expect(target.importJob(await source.loadMeta(emmyJobs[0]!), await source.loadData(emmyJobs[0]!))).rejects.toThrow(/already archived/);
  });

  it("refuses a job whose cluster has no cluster.json, and writes nothing for it", async () => {
    const archive = await FileArchive.create(path.join(dir, `empty-${n++}`));
    const source = await FileArchive.open(fixture());
    await expect(archive.importJob(await source.loadMeta(emmyJobs[0]!), await source.loadData(emmyJobs[0]!))).rejects.toThrow(/cluster "emmy" has no cluster\.json/);
    expect(readdirSync(archive.root)).toEqual(["version.txt"]);
  });

  it("leaves no half-written job when writing fails", async () => {
    const root = fixture();
    const archive = await FileArchive.open(root);
    // data.json.gz is written first; a meta.json that cannot be serialised fails afterwards.
    const meta = { ...(await archive.loadMeta(emmyJobs[0]!)), jobId: 5555001, metaData: { broken: 1n } } as never;
    const data = await archive.loadData(emmyJobs[0]!);
    await expect(archive.importJob(meta, data)).rejects.toThrow(/meta\.json: cannot write/);
    expect(existsSync(jobDirectory(root, { jobId: 5555001, cluster: "emmy", startTime: emmyJobs[0]!.startTime }))).toBe(false);
    expect(existsSync(path.join(root, "emmy", "5555"))).toBe(false);
  });

  it("moves, compresses and removes jobs, pruning empty folders", async () => {
    const root = fixture();
    const archive = await FileArchive.open(root);
    const elsewhere = path.join(dir, `moved-${n++}`);
    await archive.moveJob(emmyJobs[0]!, elsewhere);
    expect(existsSync(path.join(root, "emmy", "1403"))).toBe(false);
    expect(existsSync(path.join(jobDirectory(elsewhere, emmyJobs[0]!), "meta.json"))).toBe(true);

    const jobDir = jobDirectory(root, emmyJobs[1]!);
    const data = await archive.loadData(emmyJobs[1]!);
    rmSync(path.join(jobDir, "data.json.gz"));
    writeFileSync(path.join(jobDir, "data.json"), JSON.stringify(data));
    await archive.compressJob(emmyJobs[1]!);
    expect(readdirSync(jobDir).sort()).toEqual(["data.json.gz", "meta.json"]);
    expect(await archive.loadData(emmyJobs[1]!)).toEqual(data);

    await archive.removeJob(emmyJobs[1]!);
    expect(existsSync(path.join(root, "emmy", "1404"))).toBe(false);
    expect(await archive.exists(emmyJobs[1]!)).toBe(false);
    expect(existsSync(path.join(root, "emmy", "cluster.json"))).toBe(true);
  });

  it("storeMeta rewrites meta.json of an archived job only", async () => {
    const archive = await FileArchive.open(fixture(), { validate: true });
    const meta = await archive.loadMeta(emmyJobs[0]!);
    await archive.storeMeta({ ...meta, tags: [{ type: "issue", name: "slow" }] });
    expect((await archive.loadMeta(emmyJobs[0]!)).tags).toEqual([{ type: "issue", name: "slow" }]);
    await expect(archive.storeMeta({ ...meta, jobId: 42 })).rejects.toThrow(ArchiveError);
  });
});
