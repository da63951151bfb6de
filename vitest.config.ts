import { defineConfig } from "vitest/config";

/**
 * `vitest run` tests everything on SQLite. With CCB_TEST_ENGINE=mysql or postgres it runs the tests of
 * the REST and GraphQL APIs, the services, authentication, the web UI and the CLI commands that write
 * the database (accounts, LDAP sync, archiving across a crash) again on a private MariaDB or PostgreSQL
 * server (test/helpers/engine-global-setup.ts). The rest has no database (archive, metric store,
 * config) or is about SQLite files (migrations of cc-backend's SQLite databases, the demo).
 * Both servers are also tested end to end from the CLI in every run (test/cli/database-servers.test.ts).
 */
const engine = process.env.CCB_TEST_ENGINE;
const onServer = engine === "mysql" || engine === "postgres";

const ON_SERVERS = [
  "test/api/**/*.test.ts",
  "test/services/**/*.test.ts",
  "test/auth/**/*.test.ts",
  "test/web/**/*.test.ts",
  "test/cli/accounts.test.ts",
  "test/cli/sync-ldap.test.ts",
  "test/cli/archiving-restart.test.ts",
];

export default defineConfig({
  // graphql ships both ESM and CJS; Pothos and yoga load the CJS build, so the tests must too, or
  // graphql-js sees two copies of its classes ("from another module or realm").
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: onServer ? [...ON_SERVERS] : ["test/**/*.test.ts"],
    globalSetup: onServer ? ["test/helpers/engine-global-setup.ts"] : [],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only thrash, and the browser test starts its own server and Chromium.
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
