import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";

/** configs/README.md documents every key config.json may have, and every variable .env may set. */

const schema = JSON.parse(readFileSync(path.join(projectRoot, "schema", "config.schema.json"), "utf8")) as {
  properties: Record<string, unknown>;
  definitions: Record<string, { properties?: Record<string, unknown> }>;
};
const docs = readFileSync(path.join(projectRoot, "configs", "README.md"), "utf8");
const documented = (key: string) => docs.includes(`\`${key}\``);

describe("configs/README.md", () => {
  it("names every top-level key of config.json", () => {
    expect(Object.keys(schema.properties).filter((key) => !key.startsWith("$") && !documented(key))).toEqual([]);
  });

  it("names every key of the nested objects (archive, ldap, metricDataRepository, ...)", () => {
    const nested = Object.entries(schema.definitions).flatMap(([name, definition]) => Object.keys(definition.properties ?? {}).map((key) => `${name}.${key}`));
    expect(nested.length).toBeGreaterThan(10);
    expect(nested.filter((entry) => !documented(entry.split(".")[1]!))).toEqual([]);
  });

  it("names every variable of the .env template", () => {
    const template = readFileSync(path.join(projectRoot, "configs", "env-template.txt"), "utf8");
    const variables = [...template.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(variables.length).toBeGreaterThan(3);
    expect(variables.filter((v) => !documented(v))).toEqual([]);
  });
});
