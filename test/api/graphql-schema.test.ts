import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { printGraphqlSchema } from "../../src/api/graphql/schema.ts";

const committed = path.resolve(import.meta.dirname, "../../api/schema.graphqls");

describe("api/schema.graphqls", () => {
  it("is the printed Pothos schema (run `npm run graphql:schema` after changing types)", () => {
    expect(readFileSync(committed, "utf8")).toBe(printGraphqlSchema());
  });

  it("is valid SDL that the web UI's codegen can read", () => {
    const schema = buildSchema(readFileSync(committed, "utf8"));
    expect(findBreakingChanges(schema, schema)).toEqual([]);
    expect(schema.getQueryType()?.getFields().jobs).toBeDefined();
  });
});

describe("compatibility with cc-backend v1.0.0", () => {
  const reference = buildSchema(readFileSync(path.resolve(import.meta.dirname, "../../../shared/reference/cc-backend-v1.0.0/api/schema.graphqls"), "utf8"));
  const ours = buildSchema(readFileSync(committed, "utf8"));

  it("our schema is a superset of the reference: no type, field, argument or enum value missing or changed", () => {
    expect(findBreakingChanges(reference, ours).map((c) => `${c.type}: ${c.description}`)).toEqual([]);
  });

  it("keeps the type and nullability of every reference field exactly", () => {
    const differences: string[] = [];
    for (const [name, type] of Object.entries(reference.getTypeMap())) {
      if (name.startsWith("__") || !("getFields" in type)) continue;
      const ourType = ours.getType(name);
      if (!ourType || !("getFields" in ourType)) continue;
      const ourFields = ourType.getFields() as Record<string, { type: unknown }>;
      for (const [field, definition] of Object.entries(type.getFields() as Record<string, { type: unknown }>)) {
        if (ourFields[field] && String(ourFields[field].type) !== String(definition.type)) differences.push(`${name}.${field}: ${String(definition.type)} vs ${String(ourFields[field].type)}`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("accepts every operation of cc-backend v1.0.0's web frontend", () => {
    const operations = readFileSync(path.resolve(import.meta.dirname, "fixtures/cc-backend-v1.0.0-frontend-operations.graphql"), "utf8").split("\n# ----\n");
    expect(operations.length).toBeGreaterThanOrEqual(19);
    for (const text of operations) expect(validate(ours, parse(text)).map((e) => e.message), text).toEqual([]);
  });
});
