/**
 * vitest globalSetup for a run on a database server (CCB_TEST_ENGINE=mysql or postgres): one private
 * server for the whole run; each test file creates its own databases on it (test/helpers/test-engine.ts).
 */
import type { TestProject } from "vitest/node";
import { startMariaDb, startPostgres } from "./db-servers.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's database server: the DSN of its first database; others differ only in the name. */
    testDbServerDsn: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = process.env.CCB_TEST_ENGINE;
  const server = engine === "mysql" ? await startMariaDb() : engine === "postgres" ? await startPostgres() : undefined;
  if (!server) throw new Error(`CCB_TEST_ENGINE must be mysql or postgres for this setup, got ${JSON.stringify(engine)}`);
  project.provide("testDbServerDsn", server.dsn);
  return () => server.stop();
}
