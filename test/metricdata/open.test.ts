import { beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { parseConfig } from "../../src/config/load.ts";
import { openMetricDataRepositories } from "../../src/metricdata/open.ts";
import { startCcmsServer, type CcmsTestServer } from "../helpers/ccms-server.ts";
import { captureLogger } from "../helpers/logger.ts";
import { CLUSTER, NOW, testStore } from "./fixtures.ts";

const TOKEN = "tok-open-5d1e0a9b";
const registry = new ClusterRegistry([CLUSTER, { ...CLUSTER, name: "remote" }]);
const job = (cluster: string) => ({ cluster, subCluster: "main", startTime: NOW - 120, duration: 120, resources: [{ hostname: "h1" }] });

describe("openMetricDataRepositories", () => {
  let ccms: CcmsTestServer;

  beforeAll(async () => {
    ccms = await startCcmsServer({ token: TOKEN });
    ccms.put("h1", "cpu_load", { from: NOW - 120, data: [4, 6] });
  });

  function clusters(extra: Record<string, unknown> = {}) {
    return parseConfig({
      clusters: [
        { name: CLUSTER.name },
        { name: "remote", metricDataRepository: { kind: "cc-metric-store", url: ccms.url, token: TOKEN, timeout: "1500ms", ...extra } },
        { name: "prom", metricDataRepository: { kind: "prometheus", url: "http://prom-user:prom-secret@localhost:9090", timeout: "5s" } },
        { name: "influx", metricDataRepository: { kind: "influxdb", url: "http://localhost:8086" } },
        { name: "fake", metricDataRepository: { kind: "test" } },
        { name: "broken", metricDataRepository: { kind: "cc-metric-store", url: "not a url" } },
      ],
    }).config.clusters;
  }

  it("makes the repository of each cluster's kind and leaves out what is not supported, with a warning", async () => {
    const { logger, messages } = captureLogger();
    const store = testStore();
    const repositories = await openMetricDataRepositories({ clusters: clusters(), registry, store, logger });
    expect(repositories.forCluster(CLUSTER.name)?.kind).toBe("internal");
    expect(repositories.forCluster("remote")?.kind).toBe("cc-metric-store");
    expect(repositories.forCluster("prom")?.kind).toBe("prometheus");
    for (const name of ["influx", "fake", "broken", "unknown"]) expect(repositories.forCluster(name)).toBeUndefined();
    const logged = messages();
    expect(logged).toContain('cluster "prom": metric data from Prometheus at http://localhost:9090/');
    expect(logged.join("\n")).not.toContain("prom-secret");
    expect(logged).toContain('cluster "influx": metricDataRepository kind "influxdb" is not supported; only archived metric data of its jobs can be shown');
    expect(logged).toContain('cluster "fake": metricDataRepository kind "test" is not supported; only archived metric data of its jobs can be shown');
    expect(logged).toContain('cluster "broken": metricDataRepository cc-metric-store url "not a url" is not a URL; only archived metric data of its jobs can be shown');
    expect(logged).toContain(`cluster "remote": metric data from the cc-metric-store at ${ccms.url}`);
    expect(logged.join("\n")).not.toContain(TOKEN);
    await repositories.close();
    expect(store.closed).toBe(true);
    await repositories.close();
  });

  it("gives the cc-metric-store client its url, token and timeout", async () => {
    const repositories = await openMetricDataRepositories({ clusters: clusters(), registry, store: testStore(), logger: captureLogger().logger });
    const remote = repositories.forCluster("remote")!;
    const stats = await remote.loadStats(job("remote"), ["cpu_load"]);
    expect(stats.data).toEqual({ cpu_load: { h1: { avg: 5, min: 4, max: 6 } } });
    expect(ccms.requests.at(-1)!.authorization).toBe(`Bearer ${TOKEN}`);
    ccms.misbehave = () => "slow";
    ccms.slowMs = 5000;
    try {
      await expect(remote.loadStats(job("remote"), ["cpu_load"])).rejects.toThrow(/no answer within 1\.5 s$/);
    } finally {
      ccms.misbehave = () => undefined;
    }
    const renamed = await openMetricDataRepositories({ clusters: clusters({ metricRenamings: { cpu_load: "load_one" } }), registry, logger: captureLogger().logger });
    await renamed.forCluster("remote")!.loadStats(job("remote"), ["cpu_load"]);
    expect(ccms.requests.at(-1)!.body.queries!.map((q) => q.metric)).toEqual(["load_one"]);
    await repositories.close();
  });

  it("has no internal repository without the embedded store, and uses the first of a cluster configured twice", async () => {
    const { logger, messages } = captureLogger();
    const configured = [
      { name: CLUSTER.name },
      { name: CLUSTER.name, metricDataRepository: { kind: "cc-metric-store" as const, url: ccms.url } },
      { name: "remote", metricDataRepository: { kind: "cc-metric-store" as const, url: ccms.url } },
      { name: "remote", metricDataRepository: { kind: "internal" as const } },
    ];
    const repositories = await openMetricDataRepositories({ clusters: configured, registry, logger });
    expect(repositories.forCluster(CLUSTER.name)).toBeUndefined();
    expect(repositories.forCluster("remote")?.kind).toBe("cc-metric-store");
    expect(messages()).toEqual([
      `cluster "${CLUSTER.name}": metricDataRepository the embedded metric store is not open; only archived metric data of its jobs can be shown`,
      `cluster "${CLUSTER.name}" is configured twice; its first metricDataRepository is used`,
      `cluster "remote": metric data from the cc-metric-store at ${ccms.url}`,
      'cluster "remote" is configured twice; its first metricDataRepository is used',
    ]);
  });
});
