import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import type { JobData, JobMeta, Series } from "../../src/archive/generated/archive-types.ts";
import { validateJobData, validateJobMeta } from "../../src/archive/validate.ts";
import { generateDemoArchive } from "../../src/demo/index.ts";
import { readJson } from "../helpers/archive.ts";
import { tempDir } from "../helpers/tmp.ts";
import { expectClose, loadJobs, recomputed, treeHash, type LoadedJob } from "./helpers.ts";

const NOW = 1_719_792_000; // 2024-07-01, fixed so that runs compare
const dir = tempDir("ccb-demo-");

describe("generateDemoArchive with data", () => {
  const root = path.join(dir, "small");
  let result: Awaited<ReturnType<typeof generateDemoArchive>>;
  let archive: FileArchive;
  let registry: ClusterRegistry;
  let jobs: LoadedJob[];
  const generated = () => jobs.filter((j) => j.meta.cluster !== "emmy");

  beforeAll(async () => {
    result = await generateDemoArchive({ root, jobs: 300, seed: 7, now: NOW });
    archive = await FileArchive.open(root);
    registry = await ClusterRegistry.load(archive);
    jobs = await loadJobs(archive);
  });

  it("writes the generated clusters and the emmy fixture, all valid", async () => {
    expect(result).toEqual({ jobs: 302, clusters: ["alex", "emmy", "fritz"] });
    expect(await archive.clusters()).toEqual(["alex", "emmy", "fritz"]);
    expect(readFileSync(path.join(root, "version.txt"), "utf8").trim()).toBe("1");
    for (const name of ["alex", "emmy", "fritz"]) await archive.loadClusterConfig(name); // validates
    const fritz = registry.get("fritz")!;
    expect(fritz.metricConfig.some((m) => m.subClusters?.some((o) => o.remove))).toBe(true);
    expect(registry.metric("fritz", "spr1tb", "mem_power")).toBeUndefined();
    expect(registry.metric("fritz", "main", "mem_power")).toBeDefined();
    expect(registry.subCluster("alex", "a100")!.topology.accelerators).toHaveLength(8);
  });

  it("writes the requested number of jobs, each with valid meta.json and data.json.gz", () => {
    expect(jobs).toHaveLength(302);
    for (const { dir: jobDir, meta } of jobs) {
      validateJobMeta(meta, jobDir);
      validateJobData(readJson(path.join(jobDir, "data.json.gz")), jobDir);
    }
  });

  it("places jobs on real nodes of their subcluster, GPUs only on alex", () => {
    const keys = new Set<string>();
    for (const { meta } of generated()) {
      expect(meta.resources).toHaveLength(meta.numNodes);
      expect(registry.subClusterOf(meta.cluster, meta.resources[0]!.hostname)).toBe(meta.subCluster);
      expect(new Set(meta.resources.map((r) => r.hostname)).size).toBe(meta.numNodes);
      const gpus = meta.resources.flatMap((r) => r.accelerators ?? []);
      if (meta.cluster === "alex") {
        expect(meta.numAcc).toBe(gpus.length);
        expect(gpus.every((id) => /^00000000:[0-9A-F]{2}:00\.0$/.test(id))).toBe(true);
      } else {
        expect(meta.numAcc).toBeUndefined();
        expect(gpus).toEqual([]);
      }
      if (meta.exclusive === 0) expect(meta.resources.every((r) => (r.hwthreads?.length ?? 0) > 0)).toBe(true);
      expect(meta.startTime + meta.duration).toBeLessThanOrEqual(NOW);
      const key = `${meta.cluster}/${meta.jobId}`;
      expect(keys.has(key)).toBe(false);
      keys.add(key);
    }
  });

  it("numbers jobs in start order per cluster", () => {
    for (const cluster of ["alex", "fritz"]) {
      const metas = generated()
        .map((j) => j.meta)
        .filter((m) => m.cluster === cluster)
        .sort((a, b) => a.jobId - b.jobId);
      for (let i = 1; i < metas.length; i++) expect(metas[i]!.startTime).toBeGreaterThanOrEqual(metas[i - 1]!.startTime);
    }
  });

  it("stores statistics that match the series", () => {
    for (const { dir: jobDir, meta } of generated()) {
      const data = readJson(path.join(jobDir, "data.json.gz")) as JobData;
      expect(Object.keys(meta.statistics).sort()).toEqual(Object.keys(data).sort());
      for (const [metric, scopes] of Object.entries(data)) {
        for (const [scope, scoped] of Object.entries(scopes)) {
          for (const series of scoped.series) {
            const want = recomputed(series.data);
            const where = `${jobDir} ${metric}/${scope}/${series.hostname}/${series.id ?? ""}`;
            expect(series.statistics!.min, where).toBe(want.min);
            expect(series.statistics!.max, where).toBe(want.max);
            expectClose(series.statistics!.avg, want.avg, 0.0005 + 1e-9, where);
          }
        }
        const nodes = scopes.node!.series;
        expect(nodes.map((s) => s.hostname)).toEqual(meta.resources.map((r) => r.hostname));
        const stats = meta.statistics[metric]!;
        const perNode = nodes.map((s) => recomputed(s.data));
        expect(stats.unit).toEqual(scopes.node!.unit);
        expect(stats.min).toBe(Math.min(...perNode.map((s) => s.min)));
        expect(stats.max).toBe(Math.max(...perNode.map((s) => s.max)));
        // Node averages are rounded to 3 decimals and so is their mean: two roundings.
        expectClose(stats.avg, perNode.reduce((a, s) => a + s.avg, 0) / perNode.length, 0.0015, `${jobDir} ${metric}`);
      }
    }
  });

  it("aggregates finer scopes into the node scope", () => {
    let checked = 0;
    for (const { dir: jobDir, meta } of generated()) {
      const data = readJson(path.join(jobDir, "data.json.gz")) as JobData;
      for (const [metric, scopes] of Object.entries(data)) {
        const aggregation = registry.metric(meta.cluster, meta.subCluster, metric)!.aggregation;
        for (const [scope, scoped] of Object.entries(scopes)) {
          if (scope === "node") continue;
          for (const node of scopes.node!.series) {
            const children = scoped.series.filter((s: Series) => s.hostname === node.hostname);
            node.data.forEach((value, t) => {
              if (value === null) return expect(children.every((c) => c.data[t] === null)).toBe(true);
              const sum = children.reduce((a, c) => a + c.data[t]!, 0);
              expectClose(value, aggregation === "sum" ? sum : sum / children.length, 0.006, `${jobDir} ${metric}/${scope}`);
            });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("uses core scope for small jobs, accelerator scope on alex and node statistics series for multi-node jobs", () => {
    const scopes = new Set<string>();
    let statisticsSeries = 0;
    for (const { dir: jobDir, meta } of generated()) {
      const data = readJson(path.join(jobDir, "data.json.gz")) as JobData;
      for (const scoped of Object.values(data)) for (const scope of Object.keys(scoped)) scopes.add(`${meta.cluster}/${scope}`);
      if (meta.numNodes > 2) expect(data.flops_any!.core).toBeUndefined();
      if (meta.numNodes > 1 && data.cpu_load!.node!.series[0]!.data.length >= 3) {
        expect(data.cpu_load!.node!.statisticsSeries!.mean).toHaveLength(data.cpu_load!.node!.series[0]!.data.length);
        statisticsSeries++;
      }
      if (meta.cluster === "alex") expect(data.acc_utilization!.accelerator!.series).toHaveLength(meta.numAcc!);
    }
    expect([...scopes].sort()).toEqual(["alex/accelerator", "alex/core", "alex/node", "alex/socket", "fritz/core", "fritz/node", "fritz/socket"]);
    expect(statisticsSeries).toBeGreaterThan(0);
  });

  it("writes plausible job scripts and tags", () => {
    const metas = generated().map((j) => j.meta);
    for (const meta of metas) {
      expect(meta.metaData!.jobScript).toMatch(/^#!\/bin\/bash/);
      expect(meta.metaData!.jobScript).toContain(`#SBATCH --nodes=${meta.numNodes}`);
      expect(meta.metaData!.slurmInfo).toContain(`JobId=${meta.jobId}`);
      expect(meta.monitoringStatus).toBe(3);
    }
    const tagged = metas.filter((m) => (m.tags ?? []).length > 0).length / metas.length;
    expect(tagged).toBeGreaterThan(0.05);
    expect(tagged).toBeLessThan(0.3);
  });

  it("refuses to write into a folder that is not empty", async () => {
    await expect(generateDemoArchive({ root, jobs: 1, now: NOW })).rejects.toThrow(/not empty/);
  });
});

describe("generateDemoArchive determinism", () => {
  it("gives identical files for the same seed and different ones for another", async () => {
    const run = async (name: string, seed: number) => {
      const root = path.join(dir, name);
      await generateDemoArchive({ root, jobs: 80, seed, now: NOW, days: 30 });
      return treeHash(root);
    };
    const first = await run("same-1", 11);
    expect(await run("same-2", 11)).toBe(first);
    expect(await run("other", 12)).not.toBe(first);
  });

  it("describes the same jobs with and without data", async () => {
    const keys = async (name: string, metaOnly: boolean) => {
      const root = path.join(dir, name);
      await generateDemoArchive({ root, jobs: 60, seed: 5, now: NOW, metaOnly, includeFixtureJobs: false });
      const archive = await FileArchive.open(root);
      return (await loadJobs(archive)).map(({ meta: m }) => [m.cluster, m.jobId, m.startTime, m.user, m.resources, m.tags, m.metaData]).sort();
    };
    expect(await keys("mode-meta", true)).toEqual(await keys("mode-full", false));
  });
});

describe("generateDemoArchive meta-only", () => {
  const root = path.join(dir, "meta-only");
  let jobs: LoadedJob[];
  let registry: ClusterRegistry;

  beforeAll(async () => {
    const result = await generateDemoArchive({ root, jobs: 2000, seed: 3, now: NOW, metaOnly: true });
    expect(result.jobs).toBe(2002);
    const archive = await FileArchive.open(root);
    registry = await ClusterRegistry.load(archive);
    jobs = (await loadJobs(archive)).filter((j) => j.meta.cluster !== "emmy");
  });

  it("writes valid meta.json files and no data", () => {
    expect(jobs).toHaveLength(2000);
    for (const { dir: jobDir, meta } of jobs) {
      expect(existsSync(path.join(jobDir, "data.json.gz"))).toBe(false);
      validateJobMeta(meta, jobDir);
    }
  });

  it("looks like a real centre: mostly completed, skewed users, every behaviour visible", () => {
    const metas = jobs.map((j) => j.meta);
    const count = (predicate: (m: JobMeta) => boolean) => metas.filter(predicate).length;
    const share = (predicate: (m: JobMeta) => boolean) => count(predicate) / metas.length;
    const peak = (m: JobMeta, metric: string) => registry.metric(m.cluster, m.subCluster, metric)!.peak;
    const coresPerNode = (m: JobMeta) => m.numHwthreads! / m.numNodes;

    expect(share((m) => m.jobState === "completed")).toBeGreaterThan(0.65);
    for (const state of ["failed", "cancelled", "timeout", "out_of_memory"]) expect(count((m) => m.jobState === state), state).toBeGreaterThan(5);

    const users = new Map<string, number>();
    for (const m of metas) users.set(m.user, (users.get(m.user) ?? 0) + 1);
    expect(users.size).toBeGreaterThan(40);
    expect(users.size).toBeLessThanOrEqual(60);
    expect(Math.max(...users.values())).toBeGreaterThan(metas.length / 20); // Zipf: a few heavy users
    expect(new Set(metas.map((m) => m.project)).size).toBeGreaterThanOrEqual(15);

    const fritz = metas.filter((m) => m.cluster === "fritz");
    expect(fritz.filter((m) => m.numNodes === 1).length / fritz.length).toBeGreaterThan(0.5);
    expect(fritz.some((m) => m.numNodes >= 32)).toBe(true);
    expect(metas.some((m) => m.arrayJobId! > 0)).toBe(true);

    const idle = count((m) => m.cluster === "fritz" && m.statistics.cpu_load!.avg < 0.1 * coresPerNode(m));
    const memoryBound = count((m) => m.cluster === "fritz" && m.statistics.mem_bw!.avg > 0.7 * peak(m, "mem_bw"));
    const computeBound = count((m) => m.statistics.flops_any!.avg > 0.2 * peak(m, "flops_any") && m.statistics.mem_bw!.avg < 0.6 * peak(m, "mem_bw"));
    const failingEarly = count((m) => m.jobState === "failed" && m.duration < 900);
    const gpuHeavy = count((m) => m.cluster === "alex" && m.statistics.acc_utilization!.avg > 80);
    const gpuIdle = count((m) => m.cluster === "alex" && m.statistics.acc_utilization!.avg < 5);
    for (const [name, n] of Object.entries({ idle, memoryBound, computeBound, failingEarly, gpuHeavy, gpuIdle })) expect(n, name).toBeGreaterThan(20);
    // Behaviours must not blur into one another: busy CPU jobs are never idle.
    expect(count((m) => m.statistics.flops_any!.avg > 0.2 * peak(m, "flops_any") && m.statistics.cpu_load!.avg < 0.1 * coresPerNode(m))).toBe(0);
  });
});

describe("generateDemoArchive options", () => {
  it("can leave out the fixture jobs and generate nothing", async () => {
    const root = path.join(dir, "empty");
    expect(await generateDemoArchive({ root, jobs: 0, now: NOW, includeFixtureJobs: false })).toEqual({ jobs: 0, clusters: ["alex", "fritz"] });
  });

  it("writes into an existing empty folder but not next to other files", async () => {
    const root = path.join(dir, "existing");
    mkdirSync(root);
    await generateDemoArchive({ root, jobs: 3, now: NOW, metaOnly: true });
    const other = path.join(dir, "other-files");
    mkdirSync(other);
    writeFileSync(path.join(other, "notes.txt"), "keep");
    await expect(generateDemoArchive({ root: other, jobs: 3, now: NOW })).rejects.toThrow(/not empty/);
  });
});
