import { describe, expect, it } from "vitest";
import { internalStoreConfig } from "../../src/metricdata/internal/config.ts";
import { CLUSTER } from "./fixtures.ts";

describe("store options from config.json", () => {
  it("uses cc-backend's keys with defaults, for clusters of kind internal", () => {
    const other = { ...CLUSTER, name: "remote" };
    const result = internalStoreConfig(
      [
        { name: "testcluster", metricDataRepository: { kind: "internal", "retention-in-memory": "24h", "checkpoint-interval": "10m", "memory-cap-mb": 512 } },
        { name: "remote", metricDataRepository: { kind: "cc-metric-store", url: "http://x" } },
      ],
      [CLUSTER, other],
      "./var/checkpoints",
    );
    expect(result.clusters).toEqual(["testcluster"]);
    expect(result.options).toMatchObject({ retentionSeconds: 86400, checkpointIntervalSeconds: 600, memoryCapBytes: 512 * 1024 * 1024, checkpointDir: "./var/checkpoints" });
    expect(result.options.clusters.map((c) => c.name)).toEqual(["testcluster"]);
    expect(result.warnings).toEqual([]);
  });

  it("defaults to 48 h, 5 min, no cap, and combines differing values with a warning", () => {
    expect(internalStoreConfig([{ name: "testcluster" }], [CLUSTER], undefined).options).toMatchObject({ retentionSeconds: 172800, checkpointIntervalSeconds: 300, memoryCapBytes: 0 });
    const combined = internalStoreConfig(
      [
        { name: "a", metricDataRepository: { kind: "internal", "retention-in-memory": "24h", "checkpoint-interval": "10m" } },
        { name: "b", metricDataRepository: { kind: "internal", "retention-in-memory": "72h", "checkpoint-interval": "1m" } },
      ],
      [],
      undefined,
    );
    expect(combined.options).toMatchObject({ retentionSeconds: 72 * 3600, checkpointIntervalSeconds: 60 });
    expect(combined.warnings).toHaveLength(2);
  });
});
