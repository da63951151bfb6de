/**
 * Line protocol → store. One LineIngest per request body; feed it the body in pieces as they arrive
 * (push) and get the summary at the end. Each line is accepted or rejected on its own:
 *
 * - measurement: a metric of the cluster (cluster.json), else rejected;
 * - tags: `hostname` (or `host`), `type` (node, socket, memoryDomain, core, hwthread, accelerator;
 *   default node), `type-id` (needed unless the type is node), `cluster` (else the request's
 *   `?cluster=`); other tags are ignored, `stype`/`stype-id` are refused;
 * - field: `value` only, a finite float or integer;
 * - timestamp: s, ms, µs or ns (told by magnitude unless a precision is given), or none (now); not
 *   more than maxFutureSeconds ahead, not older than the retention window.
 */
import type { MetricScope } from "../scopes.js";
import { isMetricScope } from "../scopes.js";
import type { KeyCache } from "./key-cache.js";
import { decodeSeriesKey, hashBytes, scanLines, type LineSink, type ScannedLine } from "./line-protocol.js";
import { nameProblem, typeIdProblem } from "./names.js";
import type { Series } from "./series.js";
import type { MetricStore } from "./store.js";

export type TimestampPrecision = "s" | "ms" | "us" | "ns";

const DIVISORS: Record<TimestampPrecision, number> = { s: 1, ms: 1e3, us: 1e6, ns: 1e9 };

/** InfluxDB's names (`n`, `u`, `ms`, `s`) and ours (`ns`, `us`, `ms`, `s`); undefined for anything else. */
export function parsePrecision(value: string): TimestampPrecision | undefined {
  switch (value) {
    case "s":
    case "ms":
    case "us":
    case "ns":
      return value;
    case "n":
      return "ns";
    case "u":
    case "µs":
      return "us";
    default:
      return undefined;
  }
}

export interface LineError {
  line: number;
  reason: string;
  /** The start of the line, at most 120 characters. */
  text: string;
}

export interface IngestSummary {
  accepted: number;
  rejected: number;
  /** The first maxErrors rejected lines. */
  errors: LineError[];
  /** True when more lines were rejected than `errors` lists. */
  errorsTruncated: boolean;
}

export interface IngestOptions {
  /** Cluster of lines without a `cluster` tag. */
  cluster?: string;
  /** Unit of the timestamps; by default told from their magnitude. */
  precision?: TimestampPrecision;
  /** How many rejected lines the summary lists. Default 100. */
  maxErrors?: number;
  /** Longest accepted line in bytes. Default 64 KiB. */
  maxLineBytes?: number;
}

const NEWLINE = 10;

/** Seconds from a timestamp of unknown unit: until the year 5138 seconds are < 1e11, and so on. */
function autoDivisor(t: number): number {
  return t < 1e11 ? 1 : t < 1e14 ? 1e3 : t < 1e17 ? 1e6 : 1e9;
}

export class LineIngest implements LineSink {
  accepted = 0;
  rejected = 0;
  readonly errors: LineError[] = [];

  private readonly cache: KeyCache;
  private readonly defaultCluster: string;
  private readonly divisor: number;
  private readonly maxErrors: number;
  private readonly maxLineBytes: number;
  private readonly nowSeconds: number;
  private readonly maxTime: number;
  private readonly minTime: number;
  private carry: Buffer | undefined;
  private skippingLongLine = false;
  private nextLine = 1;
  private finished = false;

  constructor(
    private readonly store: MetricStore,
    options: IngestOptions = {},
  ) {
    this.defaultCluster = options.cluster ?? "";
    this.cache = store.keyCache(this.defaultCluster);
    this.divisor = options.precision ? DIVISORS[options.precision] : 0;
    this.maxErrors = options.maxErrors ?? 100;
    this.maxLineBytes = options.maxLineBytes ?? 65536;
    this.nowSeconds = store.nowSeconds();
    this.maxTime = this.nowSeconds + store.maxFutureSeconds;
    this.minTime = store.retentionStart(this.nowSeconds);
  }

  /** Processes the complete lines of `chunk` (with what was left of the previous one). */
  push(chunk: Buffer): void {
    if (this.finished) throw new Error("LineIngest: push after end");
    let start = 0;
    if (this.skippingLongLine) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) return;
      this.skippingLongLine = false;
      this.nextLine++;
      start = nl + 1;
    }
    if (this.carry) {
      // Only the line that straddles the two pieces is copied, not the whole piece.
      const nl = chunk.indexOf(NEWLINE, start);
      const joined = Buffer.concat([this.carry, chunk.subarray(start, nl === -1 ? chunk.length : nl + 1)]);
      this.carry = undefined;
      if (nl === -1) {
        this.keep(joined);
        return;
      }
      this.nextLine = scanLines(joined, 0, joined.length, this.nextLine, this);
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < start) {
      if (start < chunk.length) this.keep(chunk.subarray(start));
      return;
    }
    this.nextLine = scanLines(chunk, start, last + 1, this.nextLine, this);
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** The rest of the body (a last line without line break) and the summary. */
  end(): IngestSummary {
    if (!this.finished) {
      this.finished = true;
      if (this.carry) {
        const rest = this.carry;
        this.carry = undefined;
        this.nextLine = scanLines(rest, 0, rest.length, this.nextLine, this);
      }
    }
    return this.summary();
  }

  summary(): IngestSummary {
    return { accepted: this.accepted, rejected: this.rejected, errors: this.errors, errorsTruncated: this.rejected > this.errors.length };
  }

  private keep(rest: Buffer): void {
    if (rest.length > this.maxLineBytes) {
      this.record(this.nextLine, `line is longer than ${this.maxLineBytes} bytes`, rest.toString("utf8", 0, 120));
      this.skippingLongLine = true;
      return;
    }
    // Copy: the piece may be a view of a larger buffer that would otherwise stay alive.
    this.carry = Buffer.from(rest);
  }

  line(buf: Buffer, p: ScannedLine): void {
    const cache = this.cache;
    let entry = cache.last?.next;
    if (entry === undefined || !cache.matches(entry, buf, p.view, p.keyStart, p.keyEnd)) {
      const hash = hashBytes(buf, p.view, p.keyStart, p.keyEnd);
      entry = cache.find(hash, buf, p.view, p.keyStart, p.keyEnd);
      if (entry === undefined) {
        const resolved = this.resolve(buf, p);
        entry = cache.add(hash, buf, p.keyStart, p.keyEnd, typeof resolved === "string" ? undefined : resolved, typeof resolved === "string" ? resolved : "");
      }
      if (cache.last) cache.last.next = entry;
    }
    cache.last = entry;
    const series = entry.series;
    if (series === undefined) return this.reject(buf, p, entry.reason);
    let time = p.timestamp;
    if (time !== time) time = this.nowSeconds;
    else time = Math.floor(time / (this.divisor || autoDivisor(time)));
    if (time > this.maxTime) return this.reject(buf, p, `timestamp is more than ${this.store.maxFutureSeconds} s in the future`);
    if (time < this.minTime) return this.reject(buf, p, "timestamp is older than the retention window");
    this.store.writeSlot(series, Math.floor(time / series.timestep), p.value);
    this.accepted++;
  }

  reject(buf: Buffer, p: ScannedLine, reason: string): void {
    this.record(p.line, reason, buf.toString("utf8", p.start, Math.min(p.end, p.start + 120)));
  }

  private record(line: number, reason: string, text: string): void {
    this.rejected++;
    if (this.errors.length < this.maxErrors) this.errors.push({ line, reason, text });
  }

  /** A key not seen before: decode the tags and find or create its series, or say why not. */
  private resolve(buf: Buffer, p: ScannedLine): Series | string {
    const key = decodeSeriesKey(buf, p.keyStart, p.keyEnd);
    if (typeof key === "string") return key;
    let cluster = this.defaultCluster;
    let host: string | undefined;
    let type: string | undefined;
    let typeId: string | undefined;
    for (const [name, value] of key.tags) {
      switch (name) {
        case "cluster":
          cluster = value;
          break;
        case "hostname":
        case "host":
          host = value;
          break;
        case "type":
          type = value;
          break;
        case "type-id":
          typeId = value;
          break;
        case "stype":
        case "stype-id":
          return "sub-types (stype, stype-id) are not supported";
        default:
          break;
      }
    }
    if (cluster === "") return 'no cluster: neither a "cluster" tag nor ?cluster= in the request';
    const clusterProblem = nameProblem(cluster);
    if (clusterProblem) return `cluster name ${clusterProblem}`;
    const clusterData = this.store.cluster(cluster);
    if (!clusterData) return `unknown cluster "${cluster}"`;
    if (host === undefined) return 'no "hostname" tag';
    const hostProblem = nameProblem(host);
    if (hostProblem) return `host name ${hostProblem}`;
    const metric = clusterData.metrics.get(key.measurement);
    if (!metric) return `unknown metric "${key.measurement}" for cluster "${cluster}"`;
    let scope: MetricScope = "node";
    if (type !== undefined) {
      if (!isMetricScope(type)) return `unknown type "${type}" (node, socket, memoryDomain, core, hwthread or accelerator)`;
      scope = type;
    } else if (typeId !== undefined) {
      return '"type-id" without "type"';
    }
    if (scope !== "node") {
      if (typeId === undefined) return `type "${scope}" without "type-id"`;
      const idProblem = typeIdProblem(typeId);
      if (idProblem) return `type-id ${idProblem}`;
    }
    return this.store.resolveSeries(clusterData, host, metric, scope, typeId ?? "");
  }
}

/** Ingests a whole body at once. */
export function ingestLines(store: MetricStore, body: string | Buffer, options: IngestOptions = {}): IngestSummary {
  const ingest = new LineIngest(store, options);
  ingest.push(typeof body === "string" ? Buffer.from(body) : body);
  return ingest.end();
}
