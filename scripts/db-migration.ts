// Creates a new migration from the difference between prisma/schema.prisma and prisma/migrations.
// Usage: npm run db:migration -- <name>. Review the SQL, and add by hand what Prisma cannot express
// (partial, expression or covering indexes, CHECK constraints).
import { createMigration } from "../src/db/migrate/create.ts";

const name = process.argv[2];
if (!name) {
  console.error("usage: npm run db:migration -- <name>");
  process.exit(2);
}
try {
  const dir = await createMigration(name);
  console.log(dir ? `wrote ${dir}/migration.sql` : "schema.prisma and the migrations agree; nothing to write");
} catch (error) {
  console.error(`db:migration: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
