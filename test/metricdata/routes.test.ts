import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricStoreRoutes } from "../../src/metricdata/internal/routes.ts";
import { line, NOW, testStore } from "./fixtures.ts";

const C = "testcluster";
const store = testStore();
let base = "";
let server: ReturnType<Koa["listen"]>;

beforeAll(async () => {
  const app = new Koa();
  const router = metricStoreRoutes(store, { maxWriteBytes: 64 * 1024, maxQueryBytes: 4096 });
  app.use(router.routes());
  app.use(router.allowedMethods());
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function write(body: BodyInit, query = `?cluster=${C}`, headers: Record<string, string> = {}) {
  const response = await fetch(`${base}/api/write${query}`, { method: "POST", body, headers: { "Content-Type": "text/plain", ...headers }, duplex: "half" } as RequestInit);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function query(body: unknown) {
  const response = await fetch(`${base}/api/query`, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "Content-Type": "application/json" } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("metric store HTTP routes", () => {
  it("ingests line protocol and answers with a summary", async () => {
    const body = [line("cpu_load", "h1", 1, NOW - 60), line("cpu_load", "h1", 2, NOW), "garbage"].join("\n");
    expect(await write(body)).toEqual({
      status: 200,
      body: { accepted: 2, rejected: 1, errors: [{ line: 3, reason: "no field: expected <measurement>[,<tags>] value=<number> [<timestamp>]", text: "garbage" }], errorsTruncated: false },
    });
  });

  it("answers 400 when lines came but none was accepted, and for bad parameters", async () => {
    expect((await write(`${line("nope", "h1", 1, NOW)}\n`)).status).toBe(400);
    expect(await write(line("cpu_load", "h1", 1, NOW), "?cluster=other")).toMatchObject({ status: 400, body: { error: 'unknown cluster "other"' } });
    expect(await write(line("cpu_load", "h1", 1, NOW), "?cluster=..")).toMatchObject({ status: 400, body: { error: 'cluster name contains ".."' } });
    expect(await write(line("cpu_load", "h1", 1, NOW), `?cluster=${C}&precision=h`)).toMatchObject({ status: 400 });
    expect(await write("")).toMatchObject({ status: 200, body: { accepted: 0, rejected: 0 } });
  });

  it("takes the precision parameter and gzip bodies", async () => {
    expect((await write(line("cpu_load", "h2", 5, NOW * 1000), `?cluster=${C}&precision=ms`)).body).toMatchObject({ accepted: 1 });
    const zipped = gzipSync(Buffer.from([line("cpu_load", "h3", 7, NOW - 60), line("cpu_load", "h3", 8, NOW)].join("\n")));
    expect((await write(zipped, `?cluster=${C}`, { "Content-Encoding": "gzip" })).body).toMatchObject({ accepted: 2, rejected: 0 });
    expect(await write(Buffer.from("not gzip"), `?cluster=${C}`, { "Content-Encoding": "gzip" })).toMatchObject({ status: 400 });
  });

  it("reads a body streamed in pieces", async () => {
    const lines = Array.from({ length: 500 }, (_, i) => line("mem_used", `s${i % 5}`, i, NOW - 3000 + (i / 5) * 10));
    const bytes = Buffer.from(lines.join("\n"));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 333) controller.enqueue(bytes.subarray(i, i + 333));
        controller.close();
      },
    });
    expect((await write(stream)).body).toMatchObject({ accepted: 500, rejected: 0 });
  });

  it("refuses bodies above the limit with 413", async () => {
    const big = Buffer.alloc(70 * 1024, "x");
    expect(await write(big)).toMatchObject({ status: 413 });
    // Without Content-Length (streamed): the lines before the limit are kept.
    const head = Buffer.from(`${line("cpu_load", "h9", 1, NOW)}\n`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(head);
        for (let i = 0; i < 10; i++) controller.enqueue(Buffer.alloc(10 * 1024, "y"));
        controller.close();
      },
    });
    expect(await write(stream)).toMatchObject({ status: 413, body: { accepted: 1 } });
  });

  it("answers cc-metric-store queries", async () => {
    const response = await query({ cluster: C, from: NOW - 60, to: NOW + 60, queries: [{ metric: "cpu_load", host: "h1" }] });
    expect(response).toEqual({ status: 200, body: { results: [[{ from: NOW - 60, to: NOW + 60, data: [1, 2], avg: 1.5, min: 1, max: 2 }]] } });
    expect(await query("{")).toMatchObject({ status: 400 });
    expect(await query({ cluster: C, from: 2, to: 1 })).toMatchObject({ status: 400, body: { error: 'invalid time range: "from" must not be after "to"' } });
    expect(await query({ cluster: C, from: 1, to: 2, queries: [], pad: "x".repeat(5000) })).toMatchObject({ status: 413 });
  });

  it("allows only POST", async () => {
    expect((await fetch(`${base}/api/write`)).status).toBe(405);
  });
});
