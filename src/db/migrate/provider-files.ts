import { readFileSync } from "node:fs";
import path from "node:path";
import { prismaDir } from "./migration-files.js";

/**
 * Where the derived schemas (scripts/prisma-providers.ts) and each provider's migrations live. The
 * SQLite ones stay in prisma/ itself (migration-files.ts), where Prisma's tooling expects them.
 */
export type ServerProvider = "postgresql" | "mysql";

export const providerSchemaPath = (provider: ServerProvider): string => path.join(prismaDir, provider, "schema.prisma");
export const providerMigrationsDir = (provider: ServerProvider): string => path.join(prismaDir, provider, "migrations");

export function readProviderDatamodel(provider: ServerProvider): { path: string; content: string } {
  const file = providerSchemaPath(provider);
  return { path: file, content: readFileSync(file, "utf8") };
}
