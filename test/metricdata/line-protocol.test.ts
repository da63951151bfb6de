import { describe, expect, it } from "vitest";
import { ingestLines, LineIngest } from "../../src/metricdata/internal/ingest.ts";
import { decodeSeriesKey, hashBytes, parseNumber, scanLines, type ScannedLine } from "../../src/metricdata/internal/line-protocol.ts";
import { combine, selectSeries } from "../../src/metricdata/internal/query.ts";
import { line, NOW, testStore } from "./fixtures.ts";

function values(store: ReturnType<typeof testStore>, metric: string, host: string, type?: "core" | "node" | "hwthread", ids?: string[]) {
  const range = combine(selectSeries(store, "testcluster", host, metric, type, ids), NOW - 3600, NOW + 3600, "sum");
  return range ? Array.from(range.data) : undefined;
}

function scan(text: string) {
  const lines: { line: number; key: string; hash: number; value: number; timestamp: number }[] = [];
  const rejects: { line: number; reason: string }[] = [];
  const buf = Buffer.from(text);
  scanLines(buf, 0, buf.length, 1, {
    line: (b: Buffer, p: ScannedLine) => lines.push({ line: p.line, key: b.toString("utf8", p.keyStart, p.keyEnd), hash: hashBytes(b, p.view, p.keyStart, p.keyEnd), value: p.value, timestamp: p.timestamp }),
    reject: (_b: Buffer, p: ScannedLine, reason: string) => rejects.push({ line: p.line, reason }),
  });
  return { lines, rejects };
}

describe("line protocol scanner", () => {
  it("splits good lines into key, value and timestamp", () => {
    const { lines, rejects } = scan("cpu_load,hostname=a value=1.5 1700000000\r\n\n# comment\nmem_used,hostname=b,type=node value=-2e3\n  flops,hostname=c value=7i 1700000000000");
    expect(rejects).toEqual([]);
    expect(lines.map((l) => [l.line, l.key, l.value, l.timestamp])).toEqual([
      [1, "cpu_load,hostname=a", 1.5, 1700000000],
      [4, "mem_used,hostname=b,type=node", -2000, Number.NaN],
      [5, "flops,hostname=c", 7, 1700000000000],
    ]);
  });

  it("parses numbers exactly like Number()", () => {
    const cases = ["0", "1", "-1", "+3", "1.5", ".5", "5.", "123456789.123456", "1e10", "1E-5", "-2.5e+3", "0.1", "9007199254740993", "1.7976931348623157e308", "3.14159265358979323846", "5e-324", "1234567890123456", "0.1234567890123456", "9007199254740991", "123.456e-20"];
    for (const text of cases) expect(parseNumber(Buffer.from(text), 0, text.length), text).toBe(Number(text));
    // Random doubles as Go and JavaScript print them (shortest round-trip form).
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 20_000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 30 - 10);
      for (const text of [String(x), x.toFixed(3), x.toExponential(5)]) expect(parseNumber(Buffer.from(text), 0, text.length), text).toBe(Number(text));
    }
    expect(parseNumber(Buffer.from("42i"), 0, 3)).toBe(42);
    expect(parseNumber(Buffer.from("42u"), 0, 3)).toBe(42);
  });

  it("undoes escapes in measurement and tags, and hashes escaped keys consistently", () => {
    const key = "cpu\\ load\\,x,host\\=name=a\\ b\\,c,type=node";
    const decoded = decodeSeriesKey(Buffer.from(key), 0, key.length);
    expect(decoded).toEqual({ measurement: "cpu load,x", tags: [["host=name", "a b,c"], ["type", "node"]] });
    const { lines } = scan(`${key} value=1 1\n${key} value=2 2`);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.key).toBe(key);
    expect(lines[0]!.hash).toBe(lines[1]!.hash);
  });

  it("accepts escaped spaces in tag values through the store", () => {
    const store = testStore();
    const summary = ingestLines(store, `cpu_load,hostname=node\\ 1 value=3 ${NOW}`, { cluster: "testcluster" });
    expect(summary).toMatchObject({ accepted: 1, rejected: 0 });
    expect(store.hostNames("testcluster")).toEqual(["node 1"]);
  });
});

describe("line protocol ingest", () => {
  it("stores good lines with any timestamp precision", () => {
    const store = testStore();
    const body = [
      line("cpu_load", "n1", 1, NOW - 180),
      line("cpu_load", "n1", 2, (NOW - 120) * 1e3),
      line("cpu_load", "n1", 3, (NOW - 60) * 1e6),
      `cpu_load,hostname=n1 value=4 ${BigInt(NOW) * 1_000_000_000n}`,
      line("flops_any", "n1", 5, NOW, { type: "core", "type-id": "1" }),
    ].join("\n");
    expect(ingestLines(store, body, { cluster: "testcluster" })).toEqual({ accepted: 5, rejected: 0, errors: [], errorsTruncated: false });
    expect(values(store, "cpu_load", "n1")).toEqual([1, 2, 3, 4]);
    expect(values(store, "flops_any", "n1", "core", ["1"])).toEqual([5]);
  });

  it("uses the precision parameter when given", () => {
    const store = testStore();
    const summary = ingestLines(store, line("cpu_load", "n1", 1, NOW * 1000), { cluster: "testcluster", precision: "ms" });
    expect(summary.accepted).toBe(1);
    const wrong = ingestLines(store, line("cpu_load", "n1", 1, NOW), { cluster: "testcluster", precision: "ms" });
    expect(wrong.errors[0]?.reason).toMatch(/older than the retention window/);
  });

  it("takes the cluster from the tag, else from the request", () => {
    const store = testStore();
    expect(ingestLines(store, `cpu_load,cluster=testcluster,hostname=n1 value=1 ${NOW}`).accepted).toBe(1);
    const none = ingestLines(store, line("cpu_load", "n1", 1, NOW));
    expect(none.errors[0]?.reason).toMatch(/no cluster/);
    const other = ingestLines(store, `cpu_load,cluster=other,hostname=n1 value=1 ${NOW}`, { cluster: "testcluster" });
    expect(other.errors[0]?.reason).toBe('unknown cluster "other"');
  });

  const bad: [string, string, RegExp][] = [
    ["no field", "cpu_load,hostname=n1", /no field/],
    ["field without =", `cpu_load,hostname=n1 value ${NOW}`, /malformed field/],
    ["unknown field", `cpu_load,hostname=n1 val=1 ${NOW}`, /unknown field "val"/],
    ["second field", `cpu_load,hostname=n1 value=1,other=2 ${NOW}`, /unknown field "other"/],
    ["string value", `cpu_load,hostname=n1 value="1" ${NOW}`, /string/],
    ["boolean value", `cpu_load,hostname=n1 value=true ${NOW}`, /boolean/],
    ["NaN", `cpu_load,hostname=n1 value=NaN ${NOW}`, /NaN and Inf/],
    ["Inf", `cpu_load,hostname=n1 value=-Inf ${NOW}`, /NaN and Inf/],
    ["overflow to Inf", `cpu_load,hostname=n1 value=1e400 ${NOW}`, /finite/],
    ["malformed number", `cpu_load,hostname=n1 value=1.2.3 ${NOW}`, /malformed number/],
    ["float with i", `cpu_load,hostname=n1 value=1.5i ${NOW}`, /malformed integer/],
    ["malformed timestamp", `cpu_load,hostname=n1 value=1 17x`, /malformed timestamp/],
    ["text after timestamp", `cpu_load,hostname=n1 value=1 ${NOW} extra`, /after the timestamp/],
    ["future timestamp", line("cpu_load", "n1", 1, NOW + 3601), /in the future/],
    ["too old", line("cpu_load", "n1", 1, NOW - 49 * 3600), /older than the retention/],
    ["unknown metric", line("nope", "n1", 1, NOW), /unknown metric "nope"/],
    ["no hostname", `cpu_load value=1 ${NOW}`, /no "hostname" tag/],
    ["host with /", line("cpu_load", "a/b", 1, NOW), /host name contains "\/"/],
    ["host ..", line("cpu_load", "..", 1, NOW), /host name contains "\.\."/],
    ["host with control char", `cpu_load,hostname=a\u0001b value=1 ${NOW}`, /control character/],
    ["cluster with ..", `cpu_load,cluster=..,hostname=n1 value=1 ${NOW}`, /cluster name contains "\.\."/],
    ["cluster with backslash", `cpu_load,cluster=a\\\\b,hostname=n1 value=1 ${NOW}`, /cluster name contains "\\"/],
    ["unknown type", line("cpu_load", "n1", 1, NOW, { type: "die", "type-id": "0" }), /unknown type "die"/],
    ["type without id", line("flops_any", "n1", 1, NOW, { type: "core" }), /without "type-id"/],
    ["id without type", line("flops_any", "n1", 1, NOW, { "type-id": "3" }), /"type-id" without "type"/],
    ["stype", line("flops_any", "n1", 1, NOW, { type: "core", "type-id": "0", stype: "x", "stype-id": "1" }), /sub-types/],
    ["malformed tag", `cpu_load,hostname=n1,broken value=1 ${NOW}`, /malformed tag "broken"/],
    ["empty tag value", `cpu_load,hostname= value=1 ${NOW}`, /empty value/],
    ["missing measurement", `,hostname=n1 value=1 ${NOW}`, /missing measurement/],
  ];

  it.each(bad)("rejects only the bad line: %s", (_name, badLine, reason) => {
    const store = testStore();
    const body = [line("cpu_load", "n1", 1, NOW - 60), badLine, line("cpu_load", "n1", 2, NOW)].join("\n");
    const summary = ingestLines(store, body, { cluster: "testcluster" });
    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toBe(1);
    expect(summary.errors).toHaveLength(1);
    expect(summary.errors[0]!.line).toBe(2);
    expect(summary.errors[0]!.reason).toMatch(reason);
    expect(summary.errors[0]!.text).toBe(badLine.slice(0, 120));
    expect(values(store, "cpu_load", "n1")).toEqual([1, 2]);
  });

  it("caps the list of errors but counts all", () => {
    const store = testStore();
    const body = Array.from({ length: 250 }, () => "garbage").join("\n");
    const summary = ingestLines(store, body, { cluster: "testcluster", maxErrors: 10 });
    expect(summary).toMatchObject({ accepted: 0, rejected: 250, errorsTruncated: true });
    expect(summary.errors).toHaveLength(10);
    expect(summary.errors[9]!.line).toBe(10);
  });

  it("keeps rejecting a bad key from its cache entry", () => {
    const store = testStore();
    const body = [line("cpu_load", "a/b", 1, NOW), line("cpu_load", "a/b", 2, NOW)].join("\n");
    const summary = ingestLines(store, body, { cluster: "testcluster" });
    expect(summary.errors.map((e) => [e.line, e.reason])).toEqual([
      [1, 'host name contains "/"'],
      [2, 'host name contains "/"'],
    ]);
  });

  it("reassembles lines split across pushed pieces and counts lines across them", () => {
    const store = testStore();
    const text = [line("cpu_load", "n1", 1, NOW - 120), "bad", line("cpu_load", "n1", 2, NOW - 60), line("cpu_load", "n1", 3, NOW)].join("\n");
    const ingest = new LineIngest(store, { cluster: "testcluster" });
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 7) ingest.push(bytes.subarray(i, i + 7));
    const summary = ingest.end();
    expect(summary.accepted).toBe(3);
    expect(summary.errors.map((e) => e.line)).toEqual([2]);
    expect(values(store, "cpu_load", "n1")).toEqual([1, 2, 3]);
  });

  it("rejects an overlong line and resumes after it", () => {
    const store = testStore();
    const ingest = new LineIngest(store, { cluster: "testcluster", maxLineBytes: 100 });
    ingest.push(Buffer.from(`${line("cpu_load", "n1", 1, NOW - 60)}\ncpu_load,hostname=${"x".repeat(200)}`));
    ingest.push(Buffer.from(`${"y".repeat(50)} value=1 ${NOW}\n${line("cpu_load", "n1", 2, NOW)}\n`));
    const summary = ingest.end();
    expect(summary.accepted).toBe(2);
    expect(summary.errors.map((e) => [e.line, e.reason])).toEqual([[2, "line is longer than 100 bytes"]]);
  });
});

describe("series key cache", () => {
  it("maps many keys to the right series, in changing orders and across table growth and restarts", () => {
    const store = testStore();
    const keys = Array.from({ length: 3000 }, (_, i) => ({ host: `h${i % 300}`, core: String(Math.floor(i / 300)) }));
    let seed = 3;
    const shuffled = () => {
      const copy = [...keys];
      for (let i = copy.length - 1; i > 0; i--) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    };
    const orders = [keys, keys, shuffled(), keys, shuffled()];
    orders.forEach((order, round) => {
      const body = order.map((k) => line("flops_any", k.host, Number(k.core) * 1000 + Number(k.host.slice(1)) + round / 10, NOW - 240 + round * 60, { type: "core", "type-id": k.core })).join("\n");
      expect(ingestLines(store, body, { cluster: "testcluster" })).toMatchObject({ accepted: 3000, rejected: 0 });
    });
    for (const k of keys.filter((_, i) => i % 97 === 0)) {
      const expected = Number(k.core) * 1000 + Number(k.host.slice(1));
      expect(values(store, "flops_any", k.host, "core", [k.core])).toEqual([0, 0.1, 0.2, 0.3, 0.4].map((d) => expected + d));
    }
    expect(store.keyCache("testcluster").size).toBe(3000);
  });

  it("starts over when full without mixing up keys", async () => {
    const { KeyCache } = await import("../../src/metricdata/internal/key-cache.ts");
    const cache = new KeyCache(100);
    const texts = Array.from({ length: 250 }, (_, i) => `m,hostname=host${i},type=core,type-id=${i % 7}`);
    const found = texts.map((text) => {
      const buf = Buffer.from(text);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      const hash = hashBytes(buf, view, 0, buf.length);
      const entry = cache.find(hash, buf, view, 0, buf.length) ?? cache.add(hash, buf, 0, buf.length, undefined, text);
      return entry.reason;
    });
    expect(found).toEqual(texts);
    expect(cache.size).toBe(50);
  });
});
