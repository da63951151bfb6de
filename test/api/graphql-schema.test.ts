import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";
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
