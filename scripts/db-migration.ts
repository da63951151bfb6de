// Creates a new migration from the difference between prisma/schema.prisma and the migrations, for
// every provider, under one name and timestamp:
//   SQLite      prisma/migrations/            diffed against a scratch database file
//   PostgreSQL  prisma/postgresql/migrations/ diffed in a scratch database on the server that
//               CCB_MIGRATION_POSTGRES_URL names (skipped without it)
//   MySQL       prisma/mysql/migrations/      by hand: the schema engine cannot run against MySQL here
// Usage: npm run db:migration -- <name>. Review the SQL, and add by hand what Prisma cannot express
// (partial, expression or covering indexes, CHECK constraints).
import path from "node:path";
import { createMigration } from "../src/db/migrate/create.ts";
import { readMigrations } from "../src/db/migrate/migration-files.ts";
import { createPostgresMigration } from "../src/db/migrate/postgres-create.ts";
import { providerMigrationsDir } from "../src/db/migrate/provider-files.ts";
import { writeProviderSchemas } from "./prisma-providers.ts";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
/** The newest SQLite migration called `name` that PostgreSQL has no counterpart of. */
function unpaired(name: string): string | undefined {
  const postgres = new Set(readMigrations(providerMigrationsDir("postgresql")).map((m) => m.name));
  return readMigrations()
    .map((m) => m.name)
    .filter((n) => n.endsWith(`_${name}`) && !postgres.has(n))
    .at(-1);
}

const now = new Date();
const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
try {
  // The PostgreSQL diff and the MySQL migration are made against the derived schemas.
  writeProviderSchemas();
  const sqlite = await createMigration(name, { now });
  console.log(sqlite ? `wrote ${sqlite}/migration.sql` : "SQLite: schema.prisma and the migrations agree; nothing to write");

  const postgresUrl = process.env.CCB_MIGRATION_POSTGRES_URL;
  if (postgresUrl) {
    // Same folder name as the SQLite migration, also when that one was written by an earlier run.
    const folder = sqlite ? path.basename(sqlite) : unpaired(name);
    const postgres = await createPostgresMigration(name, postgresUrl, { now, ...(folder ? { folder } : {}) });
    console.log(postgres ? `wrote ${postgres}/migration.sql` : "PostgreSQL: schema and migrations agree; nothing to write");
  } else if (sqlite) {
    console.log(
      "PostgreSQL: not written; set CCB_MIGRATION_POSTGRES_URL=postgres://user:password@host/db (a server where a scratch database may be created) and run again",
    );
  }
  if (sqlite) {
    const mysqlDir = path.join(providerMigrationsDir("mysql"), `${stamp}_${name}`);
    console.log(`MySQL: write ${mysqlDir}/migration.sql by hand (test/db/migrate-mysql.test.ts compares the result with prisma/mysql/schema.prisma)`);
  }
} catch (error) {
  console.error(`db:migration: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
