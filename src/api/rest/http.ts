import type { ValidateFunction } from "ajv/dist/2020.js";
import type Koa from "koa";
import type { RequestContext, ServiceContext } from "../../services/context.js";
import { InputError } from "../../services/context.js";
import { describeErrors } from "./openapi.js";

/** Request bodies larger than this are refused with 413 before they are read into memory. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

class PayloadTooLarge extends Error {
  readonly status = 413;
  readonly expose = true;
  constructor() {
    super(`request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB`);
  }
}

/** The raw body, at most MAX_BODY_BYTES; 413 as soon as it is known to be larger. */
export async function readBody(ctx: Koa.Context): Promise<Buffer> {
  const declared = Number(ctx.get("Content-Length") || "0");
  if (declared > MAX_BODY_BYTES) {
    ctx.set("Connection", "close");
    throw new PayloadTooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      ctx.set("Connection", "close");
      ctx.req.resume();
      throw new PayloadTooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch (error) {
    throw new InputError(`parsing request body failed: malformed JSON (${(error as Error).message})`);
  }
}

/**
 * The JSON body checked against its schema in api/openapi.yaml: 400 naming the problem for malformed
 * JSON, unknown fields, wrong types, out-of-range values and missing fields. The content type is not
 * checked: batch-system adapters written for cc-backend do not always send one.
 */
export async function readJson<T>(ctx: Koa.Context, validate: ValidateFunction<T>, options: { whenEmpty?: T } = {}): Promise<T> {
  const raw = await readBody(ctx);
  if (raw.toString("utf8").trim() === "") {
    if (options.whenEmpty !== undefined) return options.whenEmpty;
    throw new InputError("parsing request body failed: the body is empty");
  }
  const value = parseJson(raw);
  if (!validate(value)) throw new InputError(`parsing request body failed: ${describeErrors(validate.errors)}`);
  return value;
}

/** Text fields of a multipart/form-data body; file parts are refused. */
function parseMultipart(raw: Buffer, contentType: string): Map<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (!boundary) throw new InputError("multipart/form-data without boundary");
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const fields = new Map<string, string>();
  let start = raw.indexOf(delimiter);
  if (start < 0) throw new InputError("malformed multipart/form-data body");
  for (;;) {
    start += delimiter.length;
    if (raw.subarray(start, start + 2).toString() === "--") break;
    const next = raw.indexOf(delimiter, start);
    if (next < 0) throw new InputError("malformed multipart/form-data body");
    const part = raw.subarray(start + 2, next - 2); // after CRLF, before CRLF
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) throw new InputError("malformed multipart/form-data body");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? "";
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) throw new InputError("multipart/form-data part without a name");
    if (/\bfilename=/i.test(disposition)) throw new InputError(`form field "${name}": file uploads are not accepted`);
    if (!fields.has(name)) fields.set(name, part.subarray(headerEnd + 4).toString("utf8"));
    start = next;
  }
  return fields;
}

/**
 * Form fields as cc-backend's FormValue reads them: from a urlencoded or multipart body, else from the
 * query string; the first value of a name wins; empty values count as absent. A JSON object of strings
 * is accepted too. The result is checked against its schema (unknown fields: 400).
 */
export async function readForm<T>(ctx: Koa.Context, validate: ValidateFunction<T>): Promise<T> {
  const raw = await readBody(ctx);
  const type = ctx.get("Content-Type");
  const fields = new Map<string, string>();
  const add = (name: string, value: unknown) => {
    if (typeof value !== "string") throw new InputError(`form field "${name}" must be a string`);
    if (value !== "" && !fields.has(name)) fields.set(name, value);
  };
  if (raw.length > 0) {
    if (/^multipart\/form-data/i.test(type)) for (const [k, v] of parseMultipart(raw, type)) add(k, v);
    else if (/^application\/json/i.test(type)) {
      const value = parseJson(raw);
      if (typeof value !== "object" || value === null || Array.isArray(value)) throw new InputError("parsing request body failed: expected a JSON object");
      for (const [k, v] of Object.entries(value)) add(k, v);
    } else for (const [k, v] of new URLSearchParams(raw.toString("utf8"))) add(k, v);
  }
  for (const [k, v] of new URLSearchParams(ctx.querystring)) add(k, v);
  const value = Object.fromEntries(fields);
  if (!validate(value)) throw new InputError(`invalid form: ${describeErrors(validate.errors)}`);
  return value;
}

/** A path parameter that must be a non-negative integer (database ids, timestamps). */
export function integerParam(ctx: Koa.Context, name: string): number {
  const text = String((ctx.params as Record<string, string | undefined>)[name] ?? "");
  const value = Number(text);
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(value)) throw new InputError(`integer expected in path for ${name}: ${JSON.stringify(text)}`);
  return value;
}

/** The query string's values by name, in order. */
export function queryValues(ctx: Koa.Context): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(ctx.querystring)) values.set(key, [...(values.get(key) ?? []), value]);
  return values;
}

/** Refuses query parameters the route does not know (cc-backend: "invalid query parameter"). */
export function onlyQuery(query: Map<string, string[]>, allowed: readonly string[]): void {
  for (const key of query.keys()) if (!allowed.includes(key)) throw new InputError(`invalid query parameter: ${key}`);
}

export function integerQuery(query: Map<string, string[]>, name: string): number | undefined {
  const text = query.get(name)?.[0];
  if (text === undefined) return undefined;
  if (!/^-?\d{1,16}$/.test(text)) throw new InputError(`invalid query parameter value: ${name} must be an integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

export function booleanQuery(query: Map<string, string[]>, name: string): boolean {
  const text = query.get(name)?.[0];
  if (text === undefined) return false;
  if (["", "true", "1"].includes(text)) return true;
  if (["false", "0"].includes(text)) return false;
  throw new InputError(`invalid query parameter value: ${name} must be true or false, got ${JSON.stringify(text)}`);
}

/** The service context of this request's user (the guards have made sure there is one). */
export function requestContext(ctx: Koa.Context, services: ServiceContext): RequestContext {
  return { ...services, user: ctx.state.user! };
}

export function sendJson(ctx: Koa.Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = "application/json";
  ctx.body = body;
}

export function sendText(ctx: Koa.Context, status: number, text: string): void {
  ctx.status = status;
  ctx.type = "text/plain";
  ctx.body = text;
}
