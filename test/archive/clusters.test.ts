import path from "node:path";
import { describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import type { ClusterConfig } from "../../src/archive/generated/archive-types.ts";
import { validateClusterConfig } from "../../src/archive/validate.ts";
import { readJson } from "../helpers/archive.ts";
import { fixturesDir } from "../helpers/fixtures.ts";

const fritz = () => validateClusterConfig(readJson(path.join(fixturesDir, "importer", "cluster-fritz.json")), "fritz") as ClusterConfig;

/** fritz with a second subcluster and per-subcluster metric overrides. */
function fritzWithOverrides(): ClusterConfig {
  const config = fritz();
  config.subClusters.push({ ...config.subClusters[0]!, name: "spr1tb", nodes: "f2[101-188]" });
  config.subClusters.push({ ...config.subClusters[0]!, name: "rest", nodes: "*" });
  const flops = config.metricConfig.find((m) => m.name === "flops_any")!;
  flops.subClusters = [{ name: "spr1tb", peak: 9999, alert: 1 }];
  const ib = config.metricConfig.find((m) => m.name === "ib_recv")!;
  ib.subClusters = [{ name: "spr1tb", remove: true }];
  return config;
}

describe("cluster configuration", () => {
  it("assigns the subcluster of a host from the node lists; '*' catches the rest", () => {
    const registry = new ClusterRegistry([fritzWithOverrides()]);
    expect(registry.subClusterOf("fritz", "f0101")).toBe("main");
    expect(registry.subClusterOf("fritz", "f1256")).toBe("main");
    expect(registry.subClusterOf("fritz", "f2150")).toBe("spr1tb");
    expect(registry.subClusterOf("fritz", "login1")).toBe("rest");
    expect(() => registry.subClusterOf("nowhere", "f0101")).toThrow(/unknown cluster "nowhere"/);
    expect(() => new ClusterRegistry([fritz()]).subClusterOf("fritz", "f1299")).toThrow(/no subcluster of cluster "fritz" contains host "f1299"/);
  });

  it("applies per-subcluster metric overrides, and `remove` drops a metric for that subcluster", () => {
    const registry = new ClusterRegistry([fritzWithOverrides()]);
    const main = registry.metric("fritz", "main", "flops_any")!;
    const spr = registry.metric("fritz", "spr1tb", "flops_any")!;
    expect(spr.peak).toBe(9999);
    expect(spr.alert).toBe(1);
    expect(spr.normal).toBe(main.normal);
    expect(main.peak).not.toBe(9999);
    expect(registry.metric("fritz", "main", "ib_recv")).toBeDefined();
    expect(registry.metric("fritz", "spr1tb", "ib_recv")).toBeUndefined();
    expect(registry.metrics("fritz", "spr1tb")).toHaveLength(registry.metrics("fritz", "main").length - 1);
    expect(registry.metrics("fritz", "main")[0]).not.toHaveProperty("subClusters");
  });

  it("names the cluster and subcluster of a broken node list", () => {
    const config = fritz();
    config.subClusters[0]!.nodes = "f01[01-8]";
    expect(() => new ClusterRegistry([config])).toThrow(/fritz\/cluster\.json: subcluster "main" has a bad node list: .*equal length/);
  });
});
