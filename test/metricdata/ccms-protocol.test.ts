import { describe, expect, it } from "vitest";
import { CcmsProtocolError, parseCcmsQueryRequest, runCcmsQuery } from "../../src/metricdata/internal/ccms-protocol.ts";
import { NOW, testStore } from "./fixtures.ts";

const C = "testcluster";

function store() {
  const s = testStore();
  for (let step = 0; step < 3; step++) {
    const t = NOW - 120 + step * 60;
    s.write(C, "n1", "cpu_load", undefined, t, step + 1);
    s.write(C, "n2", "cpu_load", undefined, t, 10);
    for (let c = 0; c < 4; c++) s.write(C, "n1", "flops_any", { type: "core", typeId: String(c) }, t, c);
  }
  return s;
}

const query = (body: unknown) => runCcmsQuery(store(), parseCcmsQueryRequest(body));

describe("cc-metric-store query protocol", () => {
  it("answers node queries with data, from/to and statistics, padded to from", () => {
    const response = query({ cluster: C, from: NOW - 240, to: NOW + 60, queries: [{ metric: "cpu_load", host: "n1" }] });
    expect(response).toEqual({
      results: [[{ from: NOW - 120, to: NOW + 60, data: [null, null, 1, 2, 3], avg: 2, min: 1, max: 3 }]],
    });
    // Field order as cc-metric-store writes it.
    expect(Object.keys(response.results[0]![0]!)).toEqual(["from", "to", "data", "avg", "min", "max"]);
  });

  it("honours with-stats, with-data, with-padding and scale-by", () => {
    const response = query({
      cluster: C,
      from: NOW - 240,
      to: NOW + 60,
      "with-stats": false,
      "with-padding": false,
      queries: [{ metric: "cpu_load", host: "n1", "scale-by": 2 }],
    });
    expect(response.results[0]).toEqual([{ from: NOW - 120, to: NOW + 60, data: [2, 4, 6], avg: 0, min: 0, max: 0 }]);
    const noData = query({ cluster: C, from: NOW - 240, to: NOW + 60, "with-data": false, queries: [{ metric: "cpu_load", host: "n1" }] });
    expect(noData.results[0]).toEqual([{ from: NOW - 120, to: NOW + 60, avg: 2, min: 1, max: 3 }]);
  });

  it("returns one entry per type-id, or one aggregated entry with aggreg", () => {
    const perCore = query({ cluster: C, from: NOW - 120, to: NOW + 60, queries: [{ metric: "flops_any", host: "n1", type: "core", "type-ids": ["0", "3"] }] });
    expect(perCore.results[0]!.map((r) => r.data)).toEqual([
      [0, 0, 0],
      [3, 3, 3],
    ]);
    const summed = query({ cluster: C, from: NOW - 120, to: NOW + 60, queries: [{ metric: "flops_any", host: "n1", type: "core", "type-ids": [1, 2, 3], aggreg: true }] });
    expect(summed.results[0]!.map((r) => r.data)).toEqual([[6, 6, 6]]);
    // No type: the node series, else every series at the native scope combined.
    const node = query({ cluster: C, from: NOW - 120, to: NOW + 60, queries: [{ metric: "flops_any", host: "n1" }] });
    expect(node.results[0]!.map((r) => r.data)).toEqual([[6, 6, 6]]);
  });

  it("reports missing hosts and metrics as error entries, not failures", () => {
    const response = query({
      cluster: C,
      from: NOW - 120,
      to: NOW,
      queries: [
        { metric: "cpu_load", host: "nobody" },
        { metric: "nope", host: "n1" },
        { metric: "flops_any", host: "n1", type: "core", subtype: "x", "subtype-ids": ["1"] },
      ],
    });
    expect(response.results).toEqual([
      [{ error: "metric or host not found", from: 0, to: 0, avg: 0, min: 0, max: 0 }],
      [{ error: "unknown metric: nope", from: 0, to: 0, avg: 0, min: 0, max: 0 }],
      [{ error: "sub-types (subtype, subtype-ids) are not supported", from: 0, to: 0, avg: 0, min: 0, max: 0 }],
    ]);
  });

  it("expands for-all-nodes into queries per host and metric, and returns them", () => {
    const response = query({ cluster: C, from: NOW - 120, to: NOW + 60, "for-all-nodes": ["cpu_load"] });
    expect(response.queries).toEqual([
      { metric: "cpu_load", host: "n1", aggreg: false },
      { metric: "cpu_load", host: "n2", aggreg: false },
    ]);
    expect(response.results.map((r) => r[0]!.avg)).toEqual([2, 10]);
  });

  it("serializes NaN statistics as null", () => {
    const response = query({ cluster: C, from: NOW + 600, to: NOW + 900, queries: [{ metric: "cpu_load", host: "n1" }] });
    expect(JSON.parse(JSON.stringify(response))).toEqual({ results: [[{ from: NOW + 600, to: NOW + 600, avg: null, min: null, max: null }]] });
  });

  it("accepts cc-backend v1.0's request as its Go client encodes it", () => {
    const goRequest = {
      cluster: C,
      from: NOW - 120,
      to: NOW + 60,
      "with-stats": true,
      "with-data": true,
      queries: [{ metric: "flops_any", host: "n1", aggreg: true, type: "core", "type-ids": ["0", "1"] }],
      "for-all-nodes": null,
    };
    expect(query(goRequest).results[0]![0]).toMatchObject({ data: [1, 1, 1], avg: 1 });
  });

  it("rejects malformed requests with a message", () => {
    const bad: [unknown, RegExp][] = [
      [[], /JSON object/],
      [{ cluster: C, to: 1 }, /"from" must be a number/],
      [{ cluster: C, from: 2, to: 1 }, /invalid time range/],
      [{ cluster: C, from: 1, to: 2, queries: {} }, /"queries" must be an array/],
      [{ cluster: C, from: 1, to: 2, queries: [{ host: "n1" }] }, /metric must be a non-empty string/],
      [{ cluster: C, from: 1, to: 2, queries: [{ metric: "m" }] }, /host must be a non-empty string/],
      [{ cluster: C, from: 1, to: 2, queries: [{ metric: "m", host: "h", "type-ids": [{}] }] }, /type-ids\[0\] must be a string/],
      [{ from: 1, to: 2, "for-all-nodes": ["m"] }, /needs a "cluster"/],
      [{ cluster: C, from: 1, to: 2, "with-stats": "yes" }, /must be a boolean/],
    ];
    for (const [body, message] of bad) {
      expect(() => parseCcmsQueryRequest(body)).toThrow(CcmsProtocolError);
      expect(() => parseCcmsQueryRequest(body)).toThrow(message);
    }
  });
});
