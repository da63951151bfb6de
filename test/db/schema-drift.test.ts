import { cpSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createMigration, pendingSchemaChanges } from "../../src/db/migrate/create.ts";
import { migrationsDir, readDatamodel } from "../../src/db/migrate/migration-files.ts";
import { tempDir } from "../helpers/tmp.ts";

const withPhone = () => {
  const datamodel = readDatamodel();
  const content = datamodel.content.replace("  email          String?\n", "  email          String?\n  phone          String?\n");
  expect(content).not.toBe(datamodel.content);
  return { ...datamodel, content };
};

describe("prisma/schema.prisma and prisma/migrations", () => {
  it("describe the same database (no migration is missing)", async () => {
    expect(await pendingSchemaChanges()).toBe("");
  });

  it("a change to the schema shows up as migration SQL", async () => {
    expect(await pendingSchemaChanges(withPhone())).toMatch(/ALTER TABLE "user" ADD COLUMN "phone" TEXT/);
  });

  it("npm run db:migration writes that SQL as a new, timestamped migration (and nothing when in sync)", async () => {
    const into = path.join(tempDir(), "migrations");
    cpSync(migrationsDir, into, { recursive: true });
    const before = readdirSync(into);
    expect(await createMigration("nothing_changed", { into })).toBeUndefined();
    expect(readdirSync(into)).toEqual(before);

    const dir = await createMigration("add_phone", { into, datamodel: withPhone(), now: new Date("2031-02-03T04:05:06Z") });
    expect(path.basename(dir!)).toBe("20310203040506_add_phone");
    expect(readFileSync(path.join(dir!, "migration.sql"), "utf8")).toMatch(/ALTER TABLE "user" ADD COLUMN "phone" TEXT/);
    // The new migration is part of the history now: the same schema diffs clean against it.
    expect(await pendingSchemaChanges(withPhone(), into)).toBe("");
    await expect(createMigration("Bad Name", { into })).rejects.toThrow(/lowercase letters/);
  });
});
