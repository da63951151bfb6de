import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { projectRoot } from "../../db/migrate/migration-files.js";
import type { components } from "../generated/openapi.js";

/** The API description: request bodies are validated against it, responses are tested against it. */
export const OPENAPI_FILE = path.join(projectRoot, "api", "openapi.yaml");

export type Schemas = components["schemas"];
export type SchemaName = keyof Schemas;

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, object>; responses: Record<string, unknown>; parameters: Record<string, unknown> };
}

let text: string | undefined;
let document: OpenApiDocument | undefined;

export function openApiText(): string {
  text ??= readFileSync(OPENAPI_FILE, "utf8");
  return text;
}

export function openApiDocument(): OpenApiDocument {
  document ??= parse(openApiText()) as OpenApiDocument;
  return document;
}

// ajv-formats ships CommonJS with a default export that NodeNext sees as a namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const SCHEMAS_ID = "cc-backend-rest";
let ajv: Ajv2020 | undefined;

/** References into the document (#/components/schemas/X) point into the schema set ajv holds. */
function rewriteRefs<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/components/schemas/', `"${SCHEMAS_ID}#/$defs/`)) as T;
}

function compiler(): Ajv2020 {
  if (!ajv) {
    // OpenAPI 3.1 schemas are JSON Schema 2020-12. Strict mode catches typos in the document itself.
    ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(openApiDocument().components.schemas) });
  }
  return ajv;
}

/** The validator of one component schema, compiled on first use and then cached by ajv. */
export function schemaValidator<N extends SchemaName>(name: N): ValidateFunction<Schemas[N]> {
  const validate = compiler().getSchema<Schemas[N]>(`${SCHEMAS_ID}#/$defs/${name}`);
  if (!validate) throw new Error(`api/openapi.yaml has no schema ${name}`);
  return validate;
}

const fragments = new WeakMap<object, ValidateFunction>();

/** A validator for any schema object of the document (for example a response's), cached per object. */
export function fragmentValidator(schema: object): ValidateFunction {
  let validate = fragments.get(schema);
  if (!validate) fragments.set(schema, (validate = compiler().compile(rewriteRefs(schema))));
  return validate;
}

const MAX_PROBLEMS = 3;

function field(error: ErrorObject): string {
  return error.instancePath.slice(1).replaceAll("/", ".").replaceAll("~1", "/").replaceAll("~0", "~");
}

function explain(error: ErrorObject): string {
  const at = field(error);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "required":
      return `field "${at ? `${at}.` : ""}${String(params.missingProperty)}" is required`;
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = String(params.additionalProperty ?? params.unevaluatedProperty);
      return `unknown field "${at ? `${at}.` : ""}${name}"`;
    }
    case "enum":
      return `field "${at}" must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return at ? `field "${at}" ${error.message ?? "is invalid"}` : `the body ${error.message ?? "is invalid"}`;
  }
}

/** ajv's errors as one line naming the fields; schema combinators' echoes are dropped. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const relevant = (errors ?? []).filter((e) => !["if", "allOf", "anyOf", "oneOf"].includes(e.keyword));
  const problems = [...new Set(relevant.map(explain))];
  const more = problems.length > MAX_PROBLEMS ? `; and ${problems.length - MAX_PROBLEMS} more` : "";
  return problems.slice(0, MAX_PROBLEMS).join("; ") + more || "invalid request body";
}
