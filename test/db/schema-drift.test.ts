import { describe, expect, it } from "vitest";
import { pendingSchemaChanges } from "../../src/db/migrate/create.ts";
import { readDatamodel } from "../../src/db/migrate/migration-files.ts";

describe("prisma/schema.prisma and prisma/migrations", () => {
  it("describe the same database (no migration is missing)", async () => {
    expect(await pendingSchemaChanges()).toBe("");
  });

  it("a change to the schema shows up as migration SQL", async () => {
    const datamodel = readDatamodel();
    const changed = datamodel.content.replace("  email          String?\n", "  email          String?\n  phone          String?\n");
    expect(changed).not.toBe(datamodel.content);
    const sql = await pendingSchemaChanges({ ...datamodel, content: changed });
    expect(sql).toMatch(/ALTER TABLE "user" ADD COLUMN "phone" TEXT/);
  });
});
