/** What `--migrate-db` reports and throws, the same for every database provider. */

export class MigrationError extends Error {}

export interface MigrationResult {
  created: boolean;
  /** cc-backend (golang-migrate) versions applied before Prisma's history starts. */
  legacyVersionsApplied: number[];
  /** Prisma migrations applied, including a baseline recorded as applied for a cc-backend database. */
  applied: string[];
}
