// Generates the TypeScript types of the JSON schemas in schema/, so that validation (ajv) and the
// code share one source of truth. Runs on `npm install`; the output folders are not committed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compile, compileFromFile, type Options } from "json-schema-to-typescript";
import { ARCHIVE_SCHEMA_FILES } from "../src/archive/validate.ts";

const root = path.resolve(import.meta.dirname, "..");
const schemaDir = path.join(root, "schema");

/** The job-archive schemas, all emitted into one module. */
const archiveSchemas = ARCHIVE_SCHEMA_FILES;

function options(banner: string, extra: Partial<Options> = {}): Partial<Options> {
  return {
    cwd: schemaDir,
    bannerComment: `/* Generated from ${banner} by scripts/schema-types.ts. Do not edit. */`,
    additionalProperties: false,
    style: { printWidth: 120 },
    ...extra,
  };
}

function write(out: string, ts: string): void {
  mkdirSync(path.dirname(path.join(root, out)), { recursive: true });
  writeFileSync(path.join(root, out), ts);
}

write(
  "src/config/generated/config-file.ts",
  await compileFromFile(path.join(schemaDir, "config.schema.json"), options("schema/config.schema.json")),
);

// Compiling each archive schema on its own would declare Unit (and more) once per file. A wrapper
// that references all six lets the ref parser resolve each file once, so every type appears once.
const wrapper = {
  title: "ArchiveDocument",
  description: "Any document of the job archive.",
  anyOf: archiveSchemas.map((file) => ({ $ref: file })),
};
write(
  "src/archive/generated/archive-types.ts",
  await compile(
    wrapper,
    "ArchiveDocument",
    // Without this, minItems turns arrays into tuple types that a plain .map() result cannot be assigned to.
    options(`schema/{${archiveSchemas.map((f) => f.replace(".schema.json", "")).join(",")}}.schema.json`, {
      ignoreMinAndMaxItems: true,
    }),
  ),
);
