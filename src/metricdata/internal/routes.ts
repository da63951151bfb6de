/**
 * HTTP endpoints of the embedded store, as cc-metric-store offers them:
 *
 *   POST <prefix>/write?cluster=<name>[&precision=s|ms|us|ns]   line protocol (text/plain, optionally
 *        gzip-encoded), read and ingested piece by piece as it arrives; answers 200 with
 *        {accepted, rejected, errors, errorsTruncated}, 400 when lines came but none was accepted,
 *        413 when the body exceeds the limit (the lines before the limit are kept).
 *   POST <prefix>/query   cc-metric-store's query protocol (see ccms-protocol.ts).
 *
 * No authentication here: the caller mounts these routes behind its authentication and
 * `requireRole("api")` (src/server/auth.ts), like the rest of the REST API.
 */
import Router from "@koa/router";
import type Koa from "koa";
import type { Readable } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import { CcmsProtocolError, parseCcmsQueryRequest, runCcmsQuery } from "./ccms-protocol.js";
import { LineIngest, parsePrecision, type TimestampPrecision } from "./ingest.js";
import { nameProblem } from "./names.js";
import type { MetricStore } from "./store.js";

export interface MetricStoreRouteOptions {
  /** Default "/api". */
  prefix?: string;
  /** Largest write body (after decompression). Default 16 MiB. */
  maxWriteBytes?: number;
  /** Largest query body. Default 4 MiB. */
  maxQueryBytes?: number;
  /** Rejected lines listed per write answer. Default 100. */
  maxErrors?: number;
}

const STATUS_TEXT: Record<number, string> = { 400: "Bad Request", 413: "Payload Too Large" };

function fail(ctx: Koa.Context, status: 400 | 413, message: string, extra: object = {}): void {
  if (status === 413) ctx.set("Connection", "close");
  ctx.status = status;
  ctx.body = { status: STATUS_TEXT[status], error: message, ...extra };
}

function singleQuery(ctx: Koa.Context, name: string): string | undefined | null {
  const value = ctx.query[name];
  if (Array.isArray(value)) return null;
  return value;
}

function bodyStream(ctx: Koa.Context): Readable | string {
  const encoding = (ctx.get("Content-Encoding") || "identity").trim().toLowerCase();
  if (encoding === "identity") return ctx.req;
  if (encoding === "gzip" || encoding === "x-gzip") return ctx.req.pipe(createGunzip());
  if (encoding === "deflate") return ctx.req.pipe(createInflate());
  return `unsupported Content-Encoding "${encoding}" (gzip, deflate or none)`;
}

export function metricStoreRoutes(store: MetricStore, options: MetricStoreRouteOptions = {}): Router {
  const maxWriteBytes = options.maxWriteBytes ?? 16 * 1024 * 1024;
  const maxQueryBytes = options.maxQueryBytes ?? 4 * 1024 * 1024;
  const router = new Router({ prefix: options.prefix ?? "/api" });

  router.post("/write", async (ctx) => {
    const cluster = singleQuery(ctx, "cluster");
    if (cluster === null) return fail(ctx, 400, '"cluster" given more than once');
    if (cluster !== undefined) {
      const problem = nameProblem(cluster);
      if (problem) return fail(ctx, 400, `cluster name ${problem}`);
      if (!store.cluster(cluster)) return fail(ctx, 400, `unknown cluster "${cluster}"`);
    }
    const precisionParam = singleQuery(ctx, "precision");
    let precision: TimestampPrecision | undefined;
    if (precisionParam !== undefined) {
      precision = precisionParam === null ? undefined : parsePrecision(precisionParam);
      if (!precision) return fail(ctx, 400, '"precision" must be one of s, ms, us, ns');
    }
    const declared = Number(ctx.get("Content-Length") || "0");
    const encoded = (ctx.get("Content-Encoding") || "identity").trim().toLowerCase() !== "identity";
    if (!encoded && declared > maxWriteBytes) {
      ctx.req.resume();
      return fail(ctx, 413, `request body is larger than ${maxWriteBytes} bytes`);
    }
    const stream = bodyStream(ctx);
    if (typeof stream === "string") return fail(ctx, 400, stream);

    const ingest = new LineIngest(store, { cluster, precision, maxErrors: options.maxErrors });
    let size = 0;
    let tooLarge = false;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxWriteBytes) {
          // Keep reading (and dropping) a while so the client sees the answer; then give up the connection.
          tooLarge = true;
          if (size > 4 * maxWriteBytes) break;
          continue;
        }
        ingest.push(chunk);
      }
    } catch (error) {
      if (!encoded) throw error;
      const summary = ingest.end();
      return fail(ctx, 400, `malformed compressed body: ${(error as Error).message}`, summary);
    }
    const summary = ingest.end();
    if (tooLarge) return fail(ctx, 413, `request body is larger than ${maxWriteBytes} bytes; the lines before the limit were processed`, summary);
    if (summary.accepted === 0 && summary.rejected > 0) return fail(ctx, 400, "no line was accepted", summary);
    ctx.status = 200;
    ctx.body = summary;
  });

  router.post("/query", async (ctx) => {
    const declared = Number(ctx.get("Content-Length") || "0");
    if (declared > maxQueryBytes) {
      ctx.req.resume();
      return fail(ctx, 413, `request body is larger than ${maxQueryBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxQueryBytes) return fail(ctx, 413, `request body is larger than ${maxQueryBytes} bytes`);
      chunks.push(chunk);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (error) {
      return fail(ctx, 400, `malformed JSON: ${(error as Error).message}`);
    }
    try {
      ctx.body = runCcmsQuery(store, parseCcmsQueryRequest(body));
    } catch (error) {
      if (error instanceof CcmsProtocolError) return fail(ctx, 400, error.message);
      throw error;
    }
  });

  return router;
}
