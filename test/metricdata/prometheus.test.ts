import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import type { JobMetric, Series } from "../../src/archive/generated/archive-types.ts";
import { silentLogger } from "../../src/log.ts";
import {
  MAX_POINTS_PER_QUERY,
  parseTemplate,
  PrometheusError,
  PrometheusMetricDataRepository,
  renderTemplate,
  TemplateError,
  type PrometheusRepositoryOptions,
} from "../../src/metricdata/prometheus/index.ts";
import type { MetricDataJob } from "../../src/metricdata/repository.ts";
import { captureLogger } from "../helpers/logger.ts";
import { startPrometheus, type PrometheusSeriesData, type PrometheusServer } from "../helpers/prometheus.ts";
import { CLUSTER } from "./fixtures.ts";

// ---------------------------------------------------------------------------------------------
// The data: generated here, backfilled into a real Prometheus, and modelled here independently.

/** 2023-11-14T12:00:00Z; old data is fine, the server keeps it (retention 100y, nothing scraped). */
const T0 = 1_699_963_200;
const SIX_HOURS = 6 * 3600;
const USER = "cockpit";
const PASSWORD = "pr0m-s3cret!";

/** A host name full of regex and string metacharacters; it has cpu_load data under exactly this name. */
const WEIRD = `w"e\\ird|n0.*{}'x`;
const HOST_INDEX: Record<string, number> = { n01: 1, n02: 2, [WEIRD]: 3 };

type Samples = readonly (readonly [number, number])[];

function samples(from: number, count: number, step: number, value: (i: number) => number, skip: (i: number) => boolean = () => false): Samples {
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) if (!skip(i)) out.push([from + i * step, value(i)]);
  return out;
}

const cpuLoad = (host: string): Samples =>
  samples(
    T0,
    360,
    60,
    (i) => ((HOST_INDEX[host]! * 7 + i * 3) % 50) / 4,
    // n02 is silent for 10 minutes, far longer than the lookback: evaluations there find nothing.
    (i) => host === "n02" && i >= 100 && i < 110,
  );
const memUsed = (host: string): Samples =>
  host === "n01"
    ? // 34 h at 10 s: more points than one query may return, so the client must split the range.
      samples(T0, 12_240, 10, (i) => (i === 5 ? Number.NaN : i === 6 ? Number.POSITIVE_INFINITY : 1000 + 100 + (i % 37)))
    : samples(T0, 2160, 10, (i) => 1000 + HOST_INDEX[host]! * 100 + (i % 37));
const flops = (host: string, core: number): Samples => samples(T0, 360, 60, (i) => HOST_INDEX[host]! + core * 0.5 + (i % 11));

const SERIES: PrometheusSeriesData[] = [
  ...["n01", "n02", WEIRD].map((host) => ({ metric: "node_load1", labels: { job: "node", instance: `${host}:9100` }, samples: cpuLoad(host) })),
  ...["n01", "n02"].map((host) => ({ metric: "mem_used_bytes", labels: { hostname: host }, samples: memUsed(host) })),
  ...["n01", "n02"].flatMap((host) => [0, 1, 2, 3].map((core) => ({ metric: "flops", labels: { hostname: host, core: String(core) }, samples: flops(host, core) }))),
];

const TEMPLATES: Record<string, string> = {
  cpu_load: 'node_load1{job="node", instance=~"({{.Nodes}}):9100"}',
  mem_used: 'mem_used_bytes{hostname=~"{{.Nodes}}"}',
  // Single quotes on purpose: the host regex must be escaped for the quote it stands in.
  flops_any: "sum by (hostname) (flops{hostname=~'{{.Nodes}}'})",
  // clock: no template.
  ipc: 'rate(ipc_total{hostname=~"{{.Nodes}}"}[1m]',
  acc_util: 'acc_util{hostname=~"{{.Nodes}}", gpu="{{.GPU}}"}',
};

let LOOKBACK = 0;

/** Prometheus' value at `t`: the latest sample within the lookback window; NaN/±Inf read as null. */
function valueAt(series: Samples, t: number): number | null {
  let lo = 0;
  let hi = series.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (series[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return null;
  const [time, value] = series[found]!;
  return t - time < LOOKBACK && Number.isFinite(value) ? value : null;
}

/** One value per step from `from` while before `to`, summed over the series, ending at the last number. */
function expectedData(parts: Samples[], from: number, to: number, step: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let t = from; t < to || out.length === 0; t += step) {
    const values = parts.map((p) => valueAt(p, t)).filter((v): v is number => v !== null);
    out.push(values.length === 0 ? null : values.reduce((a, b) => a + b, 0));
  }
  while (out.length > 0 && out.at(-1) === null) out.pop();
  return out;
}

function expectedSeries(host: string, parts: Samples[], from: number, to: number, step: number): Series {
  const data = expectedData(parts, from, to, step);
  const numbers = data.filter((v): v is number => v !== null);
  expect(numbers.length).toBeGreaterThan(0);
  const avg = numbers.reduce((a, b) => a + b, 0) / numbers.length;
  return { hostname: host, statistics: { avg, min: Math.min(...numbers), max: Math.max(...numbers) }, data };
}

const UNIT = { base: "x" };
const cpuSeries = (host: string, from: number, to: number) => expectedSeries(host, [cpuLoad(host)], from, to, 60);
const memSeries = (host: string, from: number, to: number) => expectedSeries(host, [memUsed(host)], from, to, 10);
const flopsSeries = (host: string, from: number, to: number) => expectedSeries(host, [0, 1, 2, 3].map((c) => flops(host, c)), from, to, 60);
const jobMetric = (timestep: number, series: Series[]): JobMetric => ({ unit: UNIT, timestep, series });

// ---------------------------------------------------------------------------------------------

const registry = new ClusterRegistry([CLUSTER]);
let prometheus: PrometheusServer;

function repository(overrides: Partial<PrometheusRepositoryOptions> = {}, logger = silentLogger): PrometheusMetricDataRepository {
  return new PrometheusMetricDataRepository({ cluster: CLUSTER.name, url: prometheus.url, username: USER, password: PASSWORD, templates: TEMPLATES, ...overrides }, registry, logger);
}

function job(hosts: string[], startTime = T0 + 3600, duration = 7200): MetricDataJob {
  return { cluster: CLUSTER.name, subCluster: "main", startTime, duration, resources: hosts.map((hostname) => ({ hostname })) };
}

const noData = (metric: string, host: string) => `no data for "${metric}" (node) on host "${host}"`;

beforeAll(async () => {
  prometheus = await startPrometheus({ series: SERIES, basicAuth: { username: USER, password: PASSWORD } });
  LOOKBACK = prometheus.lookbackDeltaSeconds;
});

afterAll(async () => {
  await prometheus?.stop();
});

describe("PrometheusMetricDataRepository against a real Prometheus", () => {
  it("loads a job's node series at each metric's timestep, aligned to its start, with a warning per host without data", async () => {
    const from = T0 + 3600;
    const to = from + 7200;
    const { data, warnings } = await repository().loadJobData(job(["n01", "n02", "n03"]), ["cpu_load", "mem_used", "flops_any"], ["node", "core"]);
    expect(data).toEqual({
      cpu_load: { node: jobMetric(60, [cpuSeries("n01", from, to), cpuSeries("n02", from, to)]) },
      mem_used: { node: jobMetric(10, [memSeries("n01", from, to), memSeries("n02", from, to)]) },
      flops_any: { node: jobMetric(60, [flopsSeries("n01", from, to), flopsSeries("n02", from, to)]) },
    });
    expect(data.cpu_load!.node!.series[0]!.data).toHaveLength(120);
    expect(data.mem_used!.node!.series[0]!.data).toHaveLength(720);
    // n02's silence: a few evaluations carry the last value (lookback), then null.
    const n02 = data.cpu_load!.node!.series[1]!.data;
    expect(n02.filter((v) => v === null).length).toBeGreaterThan(5);
    expect(warnings.sort()).toEqual(
      [noData("cpu_load", "n03"), noData("mem_used", "n03"), noData("flops_any", "n03"), `"flops_any" (core): Prometheus answers node scope only; node data returned`].sort(),
    );
  });

  it("starts the series at the job's own start when it is off the sample grid, and honours a given range", async () => {
    // 50 s after each sample: within the lookback, but 60 s later (the next step) beyond it.
    const start = T0 + 3650;
    const { data, warnings } = await repository().loadJobData(job(["n01", "n02"], start, 7200), ["cpu_load"], undefined);
    expect(warnings).toEqual([]);
    expect(data.cpu_load!.node!.series).toEqual([cpuSeries("n01", start, start + 7200), cpuSeries("n02", start, start + 7200)]);
    // The first value is the sample at T0 + 3600 (index 60).
    expect(data.cpu_load!.node!.series[0]!.data[0]).toBe(((7 + 60 * 3) % 50) / 4);
    // n02's last sample before its silence (T0 + 5940) is seen by the evaluation at T0 + 5990 but
    // not by the one at T0 + 6050; evaluations on the sample grid would still see it at T0 + 6000.
    const n02 = data.cpu_load!.node!.series[1]!.data;
    expect(n02[39]).toBe(((2 * 7 + 99 * 3) % 50) / 4);
    expect(n02[40]).toBeNull();

    // A range running past the end of the data: the array ends at the last value Prometheus has.
    const range = { from: T0 + SIX_HOURS - 1800, to: T0 + SIX_HOURS + 3600 };
    const ranged = await repository().loadJobData(job(["n01"]), ["cpu_load"], ["node"], { range });
    expect(ranged.data.cpu_load!.node!.series).toEqual([cpuSeries("n01", range.from, range.to)]);
    expect(ranged.data.cpu_load!.node!.series[0]!.data.length).toBeLessThan(90);
  });

  it("loads per-host statistics equal to those of the data", async () => {
    const from = T0 + 3600;
    const to = from + 7200;
    const { data, warnings } = await repository().loadStats(job(["n01", "n02", "n03"]), ["cpu_load", "flops_any"]);
    expect(data).toEqual({
      cpu_load: { n01: cpuSeries("n01", from, to).statistics, n02: cpuSeries("n02", from, to).statistics },
      flops_any: { n01: flopsSeries("n01", from, to).statistics, n02: flopsSeries("n02", from, to).statistics },
    });
    expect(warnings.sort()).toEqual([noData("cpu_load", "n03"), noData("flops_any", "n03")].sort());
  });

  it("loads node data for a time range, for given hosts and for every host Prometheus has", async () => {
    const from = T0 + 600;
    const to = T0 + 4200;
    const { data, warnings } = await repository().loadNodeData(CLUSTER.name, ["n01", "n02", "n03"], ["cpu_load", "mem_used"], from, to);
    expect(data).toEqual({
      n01: { cpu_load: [jobMetric(60, [cpuSeries("n01", from, to)])], mem_used: [jobMetric(10, [memSeries("n01", from, to)])] },
      n02: { cpu_load: [jobMetric(60, [cpuSeries("n02", from, to)])], mem_used: [jobMetric(10, [memSeries("n02", from, to)])] },
      n03: {},
    });
    expect(warnings.sort()).toEqual([noData("cpu_load", "n03"), noData("mem_used", "n03")].sort());

    const all = await repository().loadNodeData(CLUSTER.name, undefined, ["cpu_load"], from, to);
    expect(all.warnings).toEqual([]);
    expect(all.data).toEqual({
      n01: { cpu_load: [jobMetric(60, [cpuSeries("n01", from, to)])] },
      n02: { cpu_load: [jobMetric(60, [cpuSeries("n02", from, to)])] },
      [WEIRD]: { cpu_load: [jobMetric(60, [cpuSeries(WEIRD, from, to)])] },
    });
  });

  it("splits a range longer than Prometheus allows per query and turns NaN and +Inf into null", async () => {
    const from = T0;
    const to = T0 + 34 * 3600;
    const { data, warnings } = await repository().loadNodeData(CLUSTER.name, ["n01"], ["mem_used"], from, to);
    expect(warnings).toEqual([]);
    const series = data.n01!.mem_used![0]!.series[0]!;
    expect(series.data.length).toBeGreaterThan(MAX_POINTS_PER_QUERY);
    expect(series).toEqual(memSeries("n01", from, to));
    expect(series.data.slice(4, 8)).toEqual([1104, null, null, 1107]);
  });

  it("answers the metrics it can and names the others: unknown metric, no template, unusable template, PromQL error", async () => {
    const { logger, messages } = captureLogger();
    const repo = repository({}, logger);
    expect(messages().some((m) => m.includes(`"acc_util"`) && m.includes("{{.GPU}}"))).toBe(true);

    const from = T0 + 3600;
    const to = from + 7200;
    const { data, warnings } = await repo.loadJobData(job(["n01"]), ["cpu_load", "nope", "clock", "ipc", "acc_util"], undefined);
    expect(data).toEqual({ cpu_load: { node: jobMetric(60, [cpuSeries("n01", from, to)]) } });
    expect(warnings).toHaveLength(4);
    expect(warnings).toContain(`metric "nope" is not configured for cluster "testcluster"`);
    expect(warnings).toContain(`no PromQL template for metric "clock" (metricDataRepository.templates)`);
    expect(warnings.find((w) => w.startsWith(`the PromQL template of "acc_util" is unusable`))).toMatch(/unsupported template action "\{\{\.GPU\}\}"/);
    const promqlError = warnings.find((w) => w.startsWith(`"ipc":`));
    expect(promqlError).toMatch(/^"ipc": Prometheus at http:\/\/127\.0\.0\.1:\d+\/ rejected the query \(bad_data: .*parse error.*\); PromQL: rate\(ipc_total\{hostname=~"\(\?:n01\)"\}\[1m\]$/);
    expect(warnings.join("\n")).not.toContain(PASSWORD);
  });

  it("with every metric of the cluster, loads those with a working template", async () => {
    const { data, warnings } = await repository().loadJobData(job(["n01"]), undefined, undefined);
    expect(Object.keys(data).sort()).toEqual(["cpu_load", "flops_any", "mem_used"]);
    expect(warnings).toHaveLength(3);
    expect(warnings).toContain(`no PromQL template for metric "clock" (metricDataRepository.templates)`);
    expect(warnings.some((w) => w.startsWith(`the PromQL template of "acc_util" is unusable`))).toBe(true);
    expect(warnings.some((w) => w.startsWith(`"ipc": Prometheus at ${prometheus.url} rejected the query`))).toBe(true);
  });

  it("a PromQL error in the only metric asked for is a warning, not a rejection", async () => {
    const result = await repository().loadJobData(job(["n01"]), ["ipc"], undefined);
    expect(result.data).toEqual({});
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(/rejected the query \(bad_data/);
  });

  it("names answers it cannot attribute: several series per host, series without a host label", async () => {
    const from = T0 + 3600;
    const to = from + 7200;
    const perCore = repository({ templates: { flops_any: 'flops{hostname=~"{{.Nodes}}"}' } });
    const first = await perCore.loadJobData(job(["n01"]), ["flops_any"], undefined);
    // Prometheus sorts series by labels: core="0" comes first.
    expect(first.data).toEqual({ flops_any: { node: jobMetric(60, [expectedSeries("n01", [flops("n01", 0)], from, to, 60)]) } });
    expect(first.warnings).toEqual([`"flops_any": several series for host "n01", the first is used; the template should aggregate by host`]);

    const summed = repository({ templates: { flops_any: 'sum(flops{hostname=~"{{.Nodes}}"})' } });
    const anonymous = await summed.loadJobData(job(["n01"]), ["flops_any"], undefined);
    expect(anonymous.data).toEqual({});
    expect(anonymous.warnings.sort()).toEqual(
      [
        `"flops_any": 1 series of the answer name no requested host (host labels: hostname, host, exported_instance, instance, node, nodename), e.g. {}`,
        noData("flops_any", "n01"),
      ].sort(),
    );
  });

  it("escapes host names: metacharacters match literally and cannot inject PromQL", async () => {
    const from = T0 + 3600;
    const to = from + 7200;
    // The weird host's own data, and nothing of n01/n02 although its name contains "|n0.*".
    const weird = await repository().loadJobData(job([WEIRD]), ["cpu_load", "flops_any"], undefined);
    expect(weird.data).toEqual({ cpu_load: { node: jobMetric(60, [cpuSeries(WEIRD, from, to)]) } });
    expect(weird.warnings).toEqual([noData("flops_any", WEIRD)]);

    // Attempts to close the string and append an expression: valid PromQL that finds no such host.
    const doubleQuote = `x"}) or vector(42) or (up{a="`;
    const singleQuote = `x'}) or vector(42) or (up{a='`;
    const injected = await repository().loadJobData(job([doubleQuote, singleQuote]), ["cpu_load", "flops_any"], undefined);
    expect(injected.data).toEqual({});
    expect(injected.warnings.sort()).toEqual(
      [noData("cpu_load", doubleQuote), noData("cpu_load", singleQuote), noData("flops_any", doubleQuote), noData("flops_any", singleQuote)].sort(),
    );

    // Names that cannot be escaped for every kind of PromQL string are refused, the rest answered.
    const refused = await repository().loadJobData(job(["a`b", "line\nbreak", "n01"]), ["cpu_load"], undefined);
    expect(refused.data).toEqual({ cpu_load: { node: jobMetric(60, [cpuSeries("n01", from, to)]) } });
    expect(refused.warnings).toEqual([`host "a\`b" cannot be put into a PromQL query: it contains a backtick`, `host "line\\nbreak" cannot be put into a PromQL query: it contains a control character`]);
  });

  it("rejects wrong credentials with a clear error that does not contain the password", async () => {
    const error = await repository({ password: "wrong-password" })
      .loadJobData(job(["n01"]), ["cpu_load", "mem_used"], undefined)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(PrometheusError);
    expect((error as Error).message).toMatch(/^Prometheus at http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 401 Unauthorized \(check username and password\)/);
    expect((error as Error).message).toContain("(all 2 queries failed)");
    expect((error as Error).message).not.toContain("wrong-password");

    // Credentials in the URL work too, and never show in messages.
    const port = new URL(prometheus.url).port;
    const viaUrl = new PrometheusMetricDataRepository({ cluster: CLUSTER.name, url: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`, templates: TEMPLATES }, registry, silentLogger);
    expect(viaUrl.url).toBe(`http://127.0.0.1:${port}/`);
    expect((await viaUrl.loadJobData(job(["n01"]), ["cpu_load"], undefined)).warnings).toEqual([]);
  });
});

describe("PrometheusMetricDataRepository when the server is not there or misbehaves", () => {
  const servers: (http.Server | net.Server)[] = [];
  const sockets = new Set<net.Socket>();
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  async function listen(server: http.Server | net.Server): Promise<string> {
    servers.push(server);
    server.on("connection", (socket: net.Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    return promise.then(
      () => {
        throw new Error("expected a rejection");
      },
      (e: unknown) => e as Error,
    );
  }

  it("rejects when nothing listens, naming the URL but not the password", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));

    for (const options of [{ url: `http://127.0.0.1:${port}`, username: USER, password: PASSWORD }, { url: `http://${USER}:${PASSWORD}@127.0.0.1:${port}/` }]) {
      const repo = new PrometheusMetricDataRepository({ cluster: CLUSTER.name, templates: TEMPLATES, ...options }, registry, silentLogger);
      const error = await failure(repo.loadJobData(job(["n01"]), ["cpu_load"], undefined));
      expect(error).toBeInstanceOf(PrometheusError);
      expect(error.message).toBe(`cannot reach Prometheus at http://127.0.0.1:${port}/: ECONNREFUSED`);
      const nodes = await failure(repo.loadNodeData(CLUSTER.name, ["n01"], ["cpu_load", "mem_used"], T0, T0 + 600));
      expect(nodes.message).toMatch(/ECONNREFUSED \(all 2 queries failed\)$/);
      expect(nodes.message).not.toContain(PASSWORD);
    }
  });

  it("gives up after the configured timeout, and at once when the caller aborts", async () => {
    const url = await listen(net.createServer(() => {})); // accepts, never answers
    const started = Date.now();
    const error = await failure(repository({ url, timeoutSeconds: 0.3 }).loadJobData(job(["n01"]), ["cpu_load"], undefined));
    expect(error.message).toBe(`Prometheus at ${url} did not answer within 0.3 s`);
    expect(Date.now() - started).toBeLessThan(5000);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const abortedAt = Date.now();
    const aborted = await failure(repository({ url, timeoutSeconds: 30 }).loadJobData(job(["n01"]), ["cpu_load"], undefined, { signal: controller.signal }));
    expect(aborted.name).toBe("AbortError");
    expect(aborted).not.toBeInstanceOf(PrometheusError);
    expect(Date.now() - abortedAt).toBeLessThan(5000);
  });

  it("rejects an answer that is not JSON, quoting its beginning", async () => {
    const url = await listen(http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>a proxy page</html>")));
    const error = await failure(repository({ url }).loadJobData(job(["n01"]), ["cpu_load"], undefined));
    expect(error.message).toBe(`Prometheus at ${url} answered HTTP 200 OK with something that is not JSON: "<html>a proxy page</html>"`);
  });

  it("refuses a job of another cluster", async () => {
    await expect(repository({ url: "http://127.0.0.1:1/" }).loadJobData({ ...job(["n01"]), cluster: "other" }, ["cpu_load"], undefined)).rejects.toThrow(
      `the Prometheus repository of cluster "testcluster" was asked for cluster "other"`,
    );
  });
});

describe("PromQL templates", () => {
  it("escape the host regex for the quote the placeholder stands in", () => {
    const hosts = ["a.b", `c"d'e\\f`];
    expect(renderTemplate(parseTemplate('up{h=~"{{.Nodes}}"}'), hosts)).toBe(String.raw`up{h=~"(?:a\\.b|c\"d'e\\\\f)"}`);
    expect(renderTemplate(parseTemplate("up{h=~'{{ .Nodes }}'}"), hosts)).toBe(String.raw`up{h=~'(?:a\\.b|c"d\'e\\\\f)'}`);
    expect(renderTemplate(parseTemplate("up{h=~`{{.Nodes}}`}"), ["a.b"])).toBe(String.raw`up{h=~` + "`(?:a\\.b)`}");
    // A quote inside an earlier string or a comment does not change where the placeholder stands.
    expect(renderTemplate(parseTemplate(`up{x="it's", h=~"{{.Nodes}}"} # don't`), ["a"])).toBe(`up{x="it's", h=~"(?:a)"} # don't`);
    expect(renderTemplate(parseTemplate('up{h=~"{{.Nodes}}"}'), undefined)).toBe('up{h=~".+"}');
  });

  it("refuse a placeholder outside a string and any other template action", () => {
    expect(() => parseTemplate("up{h=~{{.Nodes}}}")).toThrow(TemplateError);
    expect(() => parseTemplate('up{h=~"{{.Nodes}}", g="{{ range . }}"}')).toThrow(/unsupported template action/);
    expect(() => parseTemplate('up{h=~"{{.Nodes"}')).toThrow(/unsupported template action/);
  });
});
