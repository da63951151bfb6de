import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DERIVED_PROVIDERS,
  derivedSchemaPath,
  deriveProviderSchema,
  readModels,
  sourceSchemaPath,
  type DerivedProvider,
} from "../../scripts/prisma-providers.ts";
import { Prisma as MysqlPrisma, type Job as MysqlJob, type User as MysqlUser } from "../../src/db/generated/mysql/prisma/client.ts";
import { Prisma as PostgresPrisma, type Job as PostgresJob, type User as PostgresUser } from "../../src/db/generated/postgresql/prisma/client.ts";
import { Prisma as SqlitePrisma, type Job as SqliteJob, type User as SqliteUser } from "../../src/db/generated/prisma/client.ts";

const source = () => readFileSync(sourceSchemaPath, "utf8");
const derived = (provider: DerivedProvider) => readFileSync(derivedSchemaPath(provider), "utf8");

/** Model, field and column names, field types and optionality: what makes up the client's model API. */
function api(schema: string) {
  return readModels(schema).map((m) => ({ model: m.model, table: m.table, columns: m.columns.map((c) => [c.field, c.column, c.type, c.optional]) }));
}

// The generated clients' row types must be interchangeable; tsc (npm run typecheck) fails otherwise.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: [Same<SqliteJob, PostgresJob>, Same<SqliteJob, MysqlJob>, Same<SqliteUser, PostgresUser>, Same<SqliteUser, MysqlUser>] = [true, true, true, true];

describe("per-provider Prisma schemas derived from prisma/schema.prisma", () => {
  it.each(DERIVED_PROVIDERS)("prisma/%s/schema.prisma is up to date (else: npm run prisma:providers)", (provider) => {
    expect(derived(provider)).toBe(deriveProviderSchema(source(), provider));
  });

  it.each(DERIVED_PROVIDERS)("%s keeps every model, field, type and @map", (provider) => {
    expect(api(derived(provider))).toEqual(api(source()));
  });

  it.each(DERIVED_PROVIDERS)("%s swaps the provider and client output, and drops the pothos generator", (provider) => {
    const schema = derived(provider);
    expect(schema).toMatch(new RegExp(`provider = "${provider}"`));
    expect(schema).toContain(`output                 = "../../src/db/generated/${provider}/prisma"`);
    expect(schema).not.toMatch(/pothos|"sqlite"/);
  });

  it("PostgreSQL keeps the partial index of running jobs", () => {
    const job = readModels(derived("postgresql")).find((m) => m.model === "Job")!;
    expect(job.keys.find((k) => k.name === "job_running")).toMatchObject({ where: "job_state = 'running'" });
  });

  it("MySQL: VARCHAR(255) or TEXT for every string, as in cc-backend's MySQL schema, and no partial index", () => {
    const models = readModels(derived("mysql"));
    const strings = models.flatMap((m) => m.columns.filter((c) => c.type === "String").map((c) => `${m.table}.${c.column} ${c.nativeType}`));
    expect(strings.filter((s) => !/ (VarChar\(255\)|Text)$/.test(s))).toEqual([]);
    expect(strings.filter((s) => s.endsWith("Text")).sort()).toEqual(["configuration.value Text", "job.meta_data Text", "job.resources Text"]);
    const job = models.find((m) => m.model === "Job")!;
    expect(job.keys.filter((k) => k.where)).toEqual([]);
    expect(job.keys.find((k) => k.name === "job_running")!.columns[0]).toBe("job_state");
    expect(derived("mysql")).not.toContain("partialIndexes");
  });

  it("MySQL: refuses what MySQL cannot index, rather than deriving a schema that fails to migrate", () => {
    const withIndex = (index: string) => source().replace('  @@map("job")', `  ${index}\n  @@map("job")`);
    expect(() => deriveProviderSchema(withIndex("@@index([resources])"), "mysql")).toThrow(/TEXT in MySQL/);
    expect(() => deriveProviderSchema(withIndex("@@index([cluster, subCluster, user, project])"), "mysql")).toThrow(/4080 bytes/);
    expect(() => deriveProviderSchema(withIndex('@@index([user], map: "other", where: raw("smt = 1"))'), "mysql")).toThrow(/MYSQL_PARTIAL_INDEX_REPLACEMENTS/);
    // The same schema is fine where those are possible.
    expect(deriveProviderSchema(withIndex("@@index([resources])"), "postgresql")).toContain("@@index([resources])");
  });

  it("the three generated clients have the same models and scalar fields", () => {
    expect(sameTypes).toEqual([true, true, true, true]);
    const fieldsOf = (prisma: typeof SqlitePrisma | typeof MysqlPrisma | typeof PostgresPrisma) => ({
      models: prisma.ModelName,
      job: prisma.JobScalarFieldEnum,
      tag: prisma.TagScalarFieldEnum,
      jobTag: prisma.JobTagScalarFieldEnum,
      user: prisma.UserScalarFieldEnum,
      configuration: prisma.ConfigurationScalarFieldEnum,
    });
    expect(fieldsOf(PostgresPrisma)).toEqual(fieldsOf(SqlitePrisma));
    expect(fieldsOf(MysqlPrisma)).toEqual(fieldsOf(SqlitePrisma));
  });
});
