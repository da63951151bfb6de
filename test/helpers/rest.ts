import { copyFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { jobRowFromMeta } from "../../src/archive/job-row-from-meta.ts";
import { insertJob } from "../../src/db/jobs/insert-job.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { issueToken } from "../../src/auth/jwt.ts";
import { fragmentValidator, openApiDocument } from "../../src/api/rest/openapi.ts";
import { describeErrors } from "../../src/api/rest/openapi.ts";
import type { ArchivingQueue } from "../../src/services/jobs/archiving.ts";
import type { AppOptions } from "../../src/server/app.ts";
import { jobWriterOf, type ServiceContext } from "../../src/services/context.ts";
import { startTestApp, testKeys, type TestApp } from "./app.ts";
import { copyArchiveFixture } from "./archive.ts";
import { freshDatabase } from "./db.ts";
import { fixturesDir } from "./fixtures.ts";

/** cc-backend's api_test.go cluster: one subcluster sc1 with host123..host125. */
export const TESTCLUSTER = {
  name: "testcluster",
  subClusters: [
    {
      name: "sc1",
      nodes: "host123,host124,host125",
      processorType: "Intel Core i7-4770",
      socketsPerNode: 1,
      coresPerSocket: 4,
      threadsPerCore: 2,
      flopRateScalar: { unit: { prefix: "G", base: "F/s" }, value: 14 },
      flopRateSimd: { unit: { prefix: "G", base: "F/s" }, value: 112 },
      memoryBandwidth: { unit: { prefix: "G", base: "B/s" }, value: 24 },
      numberOfNodes: 70,
      topology: {
        node: [0, 1, 2, 3, 4, 5, 6, 7],
        socket: [[0, 1, 2, 3, 4, 5, 6, 7]],
        memoryDomain: [[0, 1, 2, 3, 4, 5, 6, 7]],
        die: [[0, 1, 2, 3, 4, 5, 6, 7]],
        core: [[0], [1], [2], [3], [4], [5], [6], [7]],
      },
    },
  ],
  metricConfig: [{ name: "load_one", unit: { base: "" }, scope: "node", timestep: 60, aggregation: "avg", peak: 8, normal: 0, caution: 0, alert: 0 }],
};

/** A writable archive with emmy (two archived jobs), fritz (the start payload's cluster) and testcluster. */
export async function restArchive(dir: string): Promise<{ root: string; archive: FileArchive; clusters: ClusterRegistry }> {
  const root = copyArchiveFixture(dir);
  mkdirSync(path.join(root, "fritz"), { recursive: true });
  copyFileSync(path.join(fixturesDir, "importer", "cluster-fritz.json"), path.join(root, "fritz", "cluster.json"));
  const archive = await FileArchive.open(root);
  await archive.storeClusterConfig(TESTCLUSTER as never);
  return { root, archive, clusters: await ClusterRegistry.load(archive) };
}

/** Records the jobs handed to archiving. */
export class RecordingQueue implements ArchivingQueue {
  readonly jobs: number[] = [];
  enqueue(jobDbId: number): void {
    this.jobs.push(jobDbId);
  }
}

export interface RestApp extends TestApp {
  dbFile: string;
  archiveRoot: string;
  archive: FileArchive;
  queue: RecordingQueue;
}

/** The real app with archive, clusters and a recording archiving queue; authentication on unless `open`. */
export async function startRestApp(dir: string, options: { open?: boolean; app?: AppOptions; metricData?: ServiceContext["metricData"] } = {}): Promise<RestApp> {
  const dbFile = await freshDatabase(dir);
  const { root, archive, clusters } = await restArchive(dir);
  const queue = new RecordingQueue();
  const app = await startTestApp(dbFile, options.app ?? { webRoot: false }, { "disable-authentication": options.open ?? false }, undefined, { archive, clusters, archiving: queue, metricData: options.metricData });
  return { ...app, dbFile, archiveRoot: root, archive, queue };
}

/** Archived jobs of the app's archive as rows of its database (monitoringStatus 3); their database ids. */
export async function importArchivedJobs(app: RestApp, keys: { jobId: number; cluster: string; startTime: number }[]): Promise<number[]> {
  const clusters = await ClusterRegistry.load(app.archive);
  const rows = await Promise.all(keys.map(async (key) => jobRowFromMeta(await app.archive.loadMeta(key), clusters).row));
  // Through the app's own job writer, so on every engine.
  return jobWriterOf(app.services).transaction(async (tx) => {
    const ids: number[] = [];
    for (const row of rows) ids.push(await insertJob(tx, row));
    return ids;
  });
}

export const token = (username: string, roles: string[]) => issueToken(testKeys, { username, roles });

export interface CallOptions {
  token?: string;
  json?: unknown;
  /** Sent as the raw body (no content type unless given in headers). */
  body?: string;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Skip the response check against api/openapi.yaml (for routes outside it). */
  unchecked?: boolean;
  /** A 503 (server part not configured) is expected; any other 5xx still fails. */
  unavailable?: boolean;
}

export interface CallResult {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

interface Operation {
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: object }> }>;
}

const doc = openApiDocument();
const templates = Object.keys(doc.paths)
  .map((template) => ({ template, regex: new RegExp(`^/api${template.replace(/\{[^}]+\}/g, "[^/]+")}$`), params: (template.match(/\{/g) ?? []).length }))
  .sort((a, b) => a.params - b.params);

/** Which documented operations answered with which status in this test file. */
export const seen = new Set<string>();

/** The documented operation of a request (method and path, /api/... ). */
export function operationOf(method: string, pathname: string): { key: string; operation: Operation } | undefined {
  const match = templates.find((t) => t.regex.test(pathname));
  const operation = match && (doc.paths[match.template]![method.toLowerCase()] as Operation | undefined);
  return operation && { key: `${method.toUpperCase()} ${match.template}`, operation };
}

/** Checks a response against api/openapi.yaml: documented status, content type and schema. */
export function checkResponse(method: string, pathname: string, result: CallResult): void {
  const found = operationOf(method, pathname);
  expect(found, `${method} ${pathname} is not in api/openapi.yaml`).toBeDefined();
  const { key, operation } = found!;
  let response = operation.responses[String(result.status)];
  expect(response, `${key} answered ${result.status}, which api/openapi.yaml does not document: ${result.text}`).toBeDefined();
  if (response!.$ref) response = doc.components.responses[response!.$ref.split("/").pop()!] as typeof response;
  const [mediaType, media] = Object.entries(response!.content ?? {})[0] ?? [];
  if (!mediaType) return;
  expect(result.headers.get("content-type") ?? "", `${key} ${result.status} content type`).toContain(mediaType);
  const value = mediaType === "application/json" ? result.body : result.text;
  const validate = fragmentValidator(media!.schema);
  expect(validate(value), `${key} ${result.status} does not match api/openapi.yaml: ${describeErrors(validate.errors)}\n${result.text.slice(0, 500)}`).toBe(true);
  seen.add(`${key} ${result.status}`);
}

/** One HTTP request to the app; the answer is checked against api/openapi.yaml unless `unchecked`. */
export async function call(app: { url: string }, method: string, pathname: string, options: CallOptions = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] ??= "application/json";
  } else if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers["content-type"] ??= "application/x-www-form-urlencoded";
  }
  const response = await fetch(`${app.url}${pathname}`, { method, headers, body, redirect: "manual" });
  const text = await response.text();
  let parsed: unknown = text;
  if ((response.headers.get("content-type") ?? "").includes("json")) parsed = JSON.parse(text);
  const result = { status: response.status, body: parsed, text, headers: response.headers };
  if (options.unavailable) expect(result.status, text).toBe(503);
  else expect(result.status, `${method} ${pathname} answered ${result.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (!options.unchecked) checkResponse(method, new URL(pathname, app.url).pathname, result);
  return result;
}
