import { readFileSync } from "node:fs";
import path from "node:path";
import { projectRoot, readMigrations } from "./db/migrate/migration-files.js";

export function versionText(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { version: string };
  const migrations = readMigrations();
  return [
    `Version:\t${pkg.version}`,
    `Node.js:\t${process.version}`,
    `SQL db version:\t${migrations.at(-1)?.name ?? "none"} (cc-backend schema 6)`,
    "Job archive version:\t1",
  ].join("\n");
}
