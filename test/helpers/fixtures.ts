import { copyFileSync } from "node:fs";
import path from "node:path";
import { projectRoot } from "../../src/db/migrate/migration-files.ts";

/** ../shared/fixtures, beside the repository (as in CI's fresh clone). */
export const fixturesDir = path.resolve(projectRoot, "..", "shared", "fixtures");

/** A writable copy of the cc-backend v1.0 database fixture (schema version 4, 6 jobs). */
export function copyLegacyFixture(dir: string, name = "legacy.db"): string {
  const file = path.join(dir, name);
  copyFileSync(path.join(fixturesDir, "cc-backend-v1.0.0-job.db"), file);
  return file;
}
