import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import bcrypt from "bcryptjs";

/** Debian's prometheus package: the server and promtool (for backfilling). */
const PROMETHEUS = "prometheus";
const PROMTOOL = "promtool";
const INSTALL_HINT = "install Debian's prometheus package: apt-get install -y --no-install-recommends prometheus";

/** One series to load: a metric name, its labels and [Unix seconds, value] samples. */
export interface PrometheusSeriesData {
  metric: string;
  labels: Record<string, string>;
  samples: readonly (readonly [number, number])[];
}

export interface StartPrometheusOptions {
  series: readonly PrometheusSeriesData[];
  /** Basic auth on every endpoint (Prometheus' --web.config.file). */
  basicAuth?: { username: string; password: string };
  /**
   * How far back an evaluation looks for the latest sample (--query.lookback-delta). Tests must
   * model it to know which evaluations are empty; the default avoids multiples of 10 s so that no
   * sample on a 10 s grid sits exactly on the (version-dependent) open or closed window edge.
   */
  lookbackDeltaSeconds?: number;
}

export interface PrometheusServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  lookbackDeltaSeconds: number;
  /** Ends Prometheus and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

function requireBinary(name: string): void {
  const result = spawnSync(name, ["--version"], { stdio: "ignore" });
  if (result.error || result.status !== 0) throw new Error(`${name} is missing or broken (${result.error?.message ?? `exit ${result.status}`}): ${INSTALL_HINT}`);
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

function sampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

/** OpenMetrics text for promtool: the samples of a metric family together, each series in time order. */
export function openMetricsText(series: readonly PrometheusSeriesData[]): string {
  const families = new Map<string, PrometheusSeriesData[]>();
  for (const s of series) families.set(s.metric, [...(families.get(s.metric) ?? []), s]);
  const lines: string[] = [];
  for (const [metric, members] of families) {
    lines.push(`# TYPE ${metric} gauge`);
    for (const s of members) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${labelValue(v)}"`)
        .join(",");
      for (const [time, value] of [...s.samples].sort((a, b) => a[0] - b[0])) lines.push(`${metric}{${labels}} ${sampleValue(value)} ${time}`);
    }
  }
  lines.push("# EOF", "");
  return lines.join("\n");
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`))));
  });
}

async function waitForReady(url: string, headers: Record<string, string>, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`prometheus exited early (${child.exitCode ?? child.signalCode}): ${output()}`);
    const ready = await fetch(new URL("-/ready", url), { headers, signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready at ${url} within ${timeoutMs} ms: ${output()}`);
}

/**
 * A real Prometheus on a free loopback port, its TSDB backfilled with the given series by
 * `promtool tsdb create-blocks-from openmetrics` before it starts. It scrapes nothing, so the data
 * stays exactly what was given; retention is long so that old timestamps are kept.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  requireBinary(PROMETHEUS);
  requireBinary(PROMTOOL);
  const lookbackDeltaSeconds = options.lookbackDeltaSeconds ?? 95;
  const dir = mkdtempSync(path.join(os.tmpdir(), "ccb-prometheus-"));
  const dataDir = path.join(dir, "data");
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => child?.kill("SIGKILL");

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off("exit", killOnExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const input = path.join(dir, "data.om");
    writeFileSync(input, openMetricsText(options.series));
    await run(PROMTOOL, ["tsdb", "create-blocks-from", "openmetrics", input, dataDir]);

    const config = path.join(dir, "prometheus.yml");
    writeFileSync(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
    const headers: Record<string, string> = {};
    const args = [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      "--storage.tsdb.retention.time=100y",
      `--query.lookback-delta=${lookbackDeltaSeconds}s`,
      "--log.level=warn",
    ];
    if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      const webConfig = path.join(dir, "web.yml");
      writeFileSync(webConfig, `basic_auth_users:\n  ${JSON.stringify(username)}: ${JSON.stringify(bcrypt.hashSync(password, 4))}\n`);
      args.push(`--web.config.file=${webConfig}`);
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
    }

    const port = await freePort();
    const url = `http://127.0.0.1:${port}/`;
    args.push(`--web.listen-address=127.0.0.1:${port}`);
    const started = spawn(PROMETHEUS, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    let output = "";
    started.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    exited = new Promise<void>((resolve) => started.once("exit", () => resolve()));
    // If the test worker dies without running afterAll, Prometheus must not outlive it.
    process.once("exit", killOnExit);
    await waitForReady(url, headers, started, () => output);
    return { url, lookbackDeltaSeconds, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
