import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { projectRoot } from "../db/migrate/migration-files.js";
import type { ClusterConfig, JobData, JobMeta } from "./generated/archive-types.js";

/** A job-archive document that does not match its schema. The message is one line. */
export class ArchiveValidationError extends Error {
  override name = "ArchiveValidationError";
}

/** The job-archive schemas in schema/, in dependency order (also the input of scripts/schema-types.ts). */
export const ARCHIVE_SCHEMA_FILES = [
  "unit.schema.json",
  "job-metric-statistics.schema.json",
  "job-metric-data.schema.json",
  "job-data.schema.json",
  "job-meta.schema.json",
  "cluster.schema.json",
] as const;
type SchemaFile = (typeof ARCHIVE_SCHEMA_FILES)[number];

/** Enough to locate a problem without turning one bad metric into a screenful. */
const MAX_PROBLEMS = 5;

let ajv: Ajv | undefined;

/** Compiled on first use (ajv caches it), so that commands which never touch the archive do not pay for it. */
function validator<T>(file: SchemaFile): ValidateFunction<T> {
  if (!ajv) {
    // strictRequired off: statistics and data.json require metric names that only additionalProperties describes.
    ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    for (const name of ARCHIVE_SCHEMA_FILES) {
      ajv.addSchema(JSON.parse(readFileSync(path.join(projectRoot, "schema", name), "utf8")) as object);
    }
  }
  const validate = ajv.getSchema<T>(file);
  if (!validate) throw new Error(`schema ${file} did not load`);
  return validate;
}

function dotted(pointer: string): string {
  return pointer.slice(1).replaceAll("/", ".").replaceAll("~1", "/").replaceAll("~0", "~");
}

function explain(error: ErrorObject): string {
  const at = dotted(error.instancePath);
  if (error.keyword === "required") {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `"${at ? `${at}.${missing}` : missing}" is missing`;
  }
  const where = at ? `"${at}"` : "(top level)";
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
    return `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return `${where} ${error.message ?? "is invalid"}`;
}

function check<T>(file: SchemaFile, value: unknown, source: string): T {
  const validate = validator<T>(file);
  if (validate(value)) return value;
  // A failed "contains" also reports why each item failed it, though those items are fine (null samples).
  const errors = (validate.errors ?? []).filter((e) => !e.schemaPath.includes("/contains/"));
  const problems = [...new Set(errors.map(explain))];
  const more = problems.length > MAX_PROBLEMS ? `; and ${problems.length - MAX_PROBLEMS} more` : "";
  throw new ArchiveValidationError(`${source}: ${problems.slice(0, MAX_PROBLEMS).join("; ")}${more}`);
}

/** Checks a meta.json (or a job's meta data in a request body) against schema/job-meta.schema.json. */
export function validateJobMeta(value: unknown, source: string): JobMeta {
  return check<JobMeta>("job-meta.schema.json", value, source);
}

/** Checks a data.json against schema/job-data.schema.json. */
export function validateJobData(value: unknown, source: string): JobData {
  return check<JobData>("job-data.schema.json", value, source);
}

/** Checks a cluster.json against schema/cluster.schema.json. */
export function validateClusterConfig(value: unknown, source: string): ClusterConfig {
  return check<ClusterConfig>("cluster.schema.json", value, source);
}
