import path from "node:path";
import { describe, expect, it } from "vitest";
import { footprintOf } from "../../src/archive/footprint.ts";
import type { JobData, JobMeta } from "../../src/archive/generated/archive-types.ts";
import { normalizeUnits } from "../../src/archive/units.ts";
import { readJson } from "../helpers/archive.ts";
import { fixturesDir } from "../helpers/fixtures.ts";

const fritzMinimal = () => ({
  meta: readJson(path.join(fixturesDir, "importer", "meta-fritzMinimal.input")) as JobMeta,
  data: readJson(path.join(fixturesDir, "importer", "data-fritzMinimal.json")) as JobData,
});

describe("unit normalisation on import", () => {
  it("rescales byte and flop metrics of fritzMinimal into [1, 1000) and keeps values consistent", () => {
    const { meta, data } = fritzMinimal();
    const before = fritzMinimal();
    const changes = normalizeUnits(meta, data);
    expect(changes).toEqual([
      { metric: "flops_sp", from: "GF/s", to: "MF/s" },
      { metric: "ib_recv", from: "B/s", to: "KB/s" },
      { metric: "nfs4_read", from: "MB/s", to: "GB/s" },
      { metric: "nfs4_total", from: "MB/s", to: "GB/s" },
    ]);
    // Every scope of the metric, its series statistics and meta.json's statistics move together.
    expect(data.ib_recv!.node!.unit).toEqual({ base: "B/s", prefix: "K" });
    expect(data.ib_recv!.node!.series[0]!.data).toEqual([0.52709, 0.22, 42.58137].map((v) => expect.closeTo(v, 9)));
    expect(data.ib_recv!.node!.series[0]!.statistics!.avg).toBeCloseTo(14.44282, 4);
    expect(meta.statistics!.ib_recv).toMatchObject({ unit: { base: "B/s", prefix: "K" } });
    expect(meta.statistics!.ib_recv!.avg).toBeCloseTo(14.44282, 4);
    expect(data.flops_sp!.core!.unit.prefix).toBe("M");
    expect(meta.statistics!.nfs4_total!.max).toBeCloseTo(11.518, 6);
    // Already sensible, or not a byte/flop unit: untouched.
    expect(data.mem_bw).toEqual(before.data.mem_bw);
    expect(data.cpu_load).toEqual(before.data.cpu_load);
    expect(data.ib_recv_pkts).toEqual(before.data.ib_recv_pkts);
    expect(meta.statistics!.mem_used).toEqual(before.meta.statistics!.mem_used);
  });

  it("is idempotent and ignores malformed metrics", () => {
    const { meta, data } = fritzMinimal();
    normalizeUnits(meta, data);
    expect(normalizeUnits(meta, data)).toEqual([]);
    const junk = { a: null, b: { node: { unit: "x" } }, c: [1, 2] } as unknown as JobData;
    expect(normalizeUnits(meta, junk)).toEqual([]);
  });
});

describe("footprint columns", () => {
  it("are filled from meta.json statistics as cc-backend does, plus the data volumes", () => {
    const { meta } = fritzMinimal();
    const footprint = footprintOf({ ...meta, statistics: { ...meta.statistics!, net_bw: { unit: { base: "B/s", prefix: "G" }, min: 0, avg: 2, max: 3 } } });
    expect(footprint).toEqual({
      flopsAnyAvg: 45.012,
      memBwAvg: 4.872,
      loadAvg: 31.64,
      memUsedMax: 6.226,
      netBwAvg: 2,
      netDataVolTotal: 2 * 1 * 177,
      fileBwAvg: 0,
      fileDataVolTotal: 0,
    });
    expect(footprintOf({ numNodes: 1, duration: 10, statistics: {} } as never).flopsAnyAvg).toBe(0);
  });
});
