import { defineConfig } from "vitest/config";

export default defineConfig({
  // graphql ships both ESM and CJS; Pothos and yoga load the CJS build, so the tests must too, or
  // graphql-js sees two copies of its classes ("from another module or realm").
  resolve: { alias: { graphql: "graphql/index.js" } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only thrash, and the browser test starts its own server and Chromium.
    maxWorkers: 2,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
