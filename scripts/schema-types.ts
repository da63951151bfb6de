// Generates the TypeScript types of the JSON schemas in schema/, so that validation (ajv) and the
// code share one source of truth. Runs on `npm install`; the output folder is not committed.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileFromFile } from "json-schema-to-typescript";

const root = path.resolve(import.meta.dirname, "..");
const targets = [{ schema: "schema/config.schema.json", out: "src/config/generated/config-file.ts" }];

for (const { schema, out } of targets) {
  const ts = await compileFromFile(path.join(root, schema), {
    cwd: path.join(root, "schema"),
    bannerComment: `/* Generated from ${schema} by scripts/schema-types.ts. Do not edit. */`,
    additionalProperties: false,
    style: { printWidth: 120 },
  });
  mkdirSync(path.dirname(path.join(root, out)), { recursive: true });
  writeFileSync(path.join(root, out), ts);
}
