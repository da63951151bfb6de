// npx tsx bench/resample.ts [--nodes 512] [--samples 20160] [--points 1000] [--runs 7] [--only <name part>]
//
// Server-side reduction of job metric data (src/metricdata/transform): a 512-node job's node
// metric over 7 days at 30 s (20,160 samples per node, 10.3 M values as JSON-decoded arrays, with
// nulls as live and archived data have them) reduced to 1,000 points per series, by LTTB and by
// min/max, and its per-timestep statistics series (min/mean/median/max across nodes).
// Floor: one plain loop reading every value once (sum of the finite ones): nothing reads less.
// Each figure is the median of `runs` runs after one warm-up, each run after a full GC.
import { parseArgs } from "node:util";
import v8 from "node:v8";
import vm from "node:vm";
import type { JobMetric, Series } from "../src/archive/generated/archive-types.ts";
import { reduceJobMetric } from "../src/metricdata/transform/reduce-job-metric.ts";
import { statisticsSeries } from "../src/metricdata/transform/statistics-series.ts";
import type { Sample } from "../src/metricdata/transform/types.ts";
import { median, printTable, seconds, type BenchRow } from "./lib/report.ts";

const { values: args } = parseArgs({
  options: {
    nodes: { type: "string", default: "512" },
    samples: { type: "string", default: "20160" },
    points: { type: "string", default: "1000" },
    runs: { type: "string", default: "7" },
    only: { type: "string" },
  },
});
const nodes = Number(args.nodes);
const samples = Number(args.samples);
const points = Number(args.points);
const runs = Number(args.runs);

/** A plausible node metric: a per-node level, a slow wave, noise, a null first sample, some gaps. */
function makeMetric(): JobMetric {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const series: Series[] = [];
  for (let n = 0; n < nodes; n++) {
    const level = 50 + 50 * random();
    const data: Sample[] = new Array(samples);
    for (let i = 0; i < samples; i++) {
      data[i] = i === 0 || random() < 0.002 ? null : Math.round((level + 20 * Math.sin(i / 300 + n) + 5 * random()) * 100) / 100;
    }
    series.push({ hostname: `node${String(n).padStart(4, "0")}`, data });
  }
  return { unit: { base: "F/s", prefix: "G" }, timestep: 30, series };
}

// Every run starts from a collected heap, so that garbage of the previous run is not charged to
// the next and the input has been compacted once (as JSON.parse'd archive data would be).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

let sink = 0;

/** Median milliseconds of `runs` runs after one warm-up. */
function time(fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    gc();
    const start = process.hrtime.bigint();
    const result = fn();
    times.push(seconds(start) * 1000);
    if (result === undefined) sink++;
  }
  return median(times);
}

function readEveryValue(metric: JobMetric): number {
  let sum = 0;
  for (const s of metric.series) {
    const data = s.data;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (Number.isFinite(v)) sum += v;
    }
  }
  return sum;
}

const metric = makeMetric();
gc();
gc();
console.log(`${nodes} series × ${samples} samples = ${(nodes * samples).toLocaleString("en-US")} values → ≤ ${points} points per series; median of ${runs} runs`);
console.log("The floor is measured again right before each row: on a shared machine the ratio is the steadier figure.\n");

function checked(m: ReturnType<typeof reduceJobMetric>) {
  for (const s of m.series) if (s.data.length > points) throw new Error(`a series of ${s.data.length} values`);
  return m;
}

const cases: [name: string, note: string, fn: () => unknown][] = [
  ["reduce series, lttb", "+ per-series statistics (absent in the input)", () => checked(reduceJobMetric(metric, { maxPoints: points }))],
  ["reduce series, minmax", "+ per-series statistics (absent in the input)", () => checked(reduceJobMetric(metric, { maxPoints: points, method: "minmax" }))],
  ["statistics series", "min/mean/median/max per timestep, full resolution", () => statisticsSeries(metric.series.map((s) => s.data))],
  ["replace by statistics series", "maxSeries 64: statistics series, then lttb", () => reduceJobMetric(metric, { maxPoints: points, maxSeries: 64 })],
];
const rows: BenchRow[] = cases.filter(([name]) => !args.only || name.includes(args.only)).map(([name, note, fn]) => {
  const floor = time(() => (sink += readEveryValue(metric)));
  return { name, ours: time(fn), floor, unit: "ms", note };
});
printTable(rows);
if (sink === -1) console.log(sink);
