import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll } from "vitest";
import { ClusterRegistry } from "../../src/archive/clusters.ts";
import { FileArchive } from "../../src/archive/file-backend.ts";
import { Authenticator } from "../../src/auth/auth.ts";
import { issueToken } from "../../src/auth/jwt.ts";
import { parseConfig } from "../../src/config/load.ts";
import { openPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { openReadPool } from "../../src/db/read-pool/open.ts";
import { connectJobWriter } from "../../src/db/open-job-writer.ts";
import { generateDemoArchive } from "../../src/demo/generate-archive.ts";
import { silentLogger } from "../../src/log.ts";
import { MetricStore } from "../../src/metricdata/internal/index.ts";
import { openMetricDataRepositories } from "../../src/metricdata/open.ts";
import { DEFAULT_WEB_ROOT, createApp } from "../../src/server/app.ts";
import { rebuildJobTablesAt } from "../../src/services/archive/init-db.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { addUser } from "../../src/services/users.ts";
import { TEST_SESSION_KEY, testKeys } from "./app.ts";
import { freshDatabase } from "./db.ts";
import { testDatabaseLocation } from "./test-engine.ts";

/** The demo's users: an admin and a plain user, each with a password for the login page. */
export const DEMO_USERS = {
  admin: { username: "demo-admin", password: "demo-admin-pw", roles: ["admin"] },
  user: { username: "demo-user", password: "demo-user-pw", roles: ["user"] },
} as const;

export interface DemoApp {
  url: string;
  prisma: PrismaClient;
  services: ServiceContext;
  archive: FileArchive;
  /** The embedded metric store, for tests that feed running jobs with line protocol. */
  store: MetricStore;
  /** An API token (role api) for REST calls such as start_job and /api/write. */
  apiToken(): Promise<string>;
  /** Logs a browser page in through the login form. */
  login(page: Page, who?: keyof typeof DEMO_USERS): Promise<void>;
  /** Stops the server (done after the test file's tests unless `manualClose`). */
  close(): Promise<void>;
}

/**
 * The real server with the built web UI on the demo data: a generated job archive of `jobs` jobs (with
 * metric data) on the demo clusters, imported with --init-db's code, an embedded metric store, and
 * the DEMO_USERS. For browser tests.
 */
export async function startDemoApp(dir: string, options: { jobs?: number; days?: number; manualClose?: boolean } = {}): Promise<DemoApp> {
  const root = path.join(dir, "archive");
  await generateDemoArchive({ root, jobs: options.jobs ?? 200, days: options.days ?? 30 });
  const archive = await FileArchive.open(root);
  const clusters = await ClusterRegistry.load(archive);
  // The run's engine (test/helpers/test-engine.ts): an SQLite file or a database on the run's server.
  const dbFile = await freshDatabase(dir);
  const location = testDatabaseLocation(dbFile);
  await rebuildJobTablesAt(location, { archive, logger: silentLogger, validate: false });
  // After the rebuild: on SQLite it replaces the file, and a writer opened before would write into the old one.
  const jobWriter = await connectJobWriter(location, silentLogger);
  const prisma = openPrismaClient(location);
  for (const user of Object.values(DEMO_USERS)) await addUser(prisma, { username: user.username, password: user.password, roles: [...user.roles], name: user.username.replace("-", " ") });

  const config = parseConfig({ clusters: clusters.clusters.map((c) => ({ name: c.name })) }).config;
  const store = new MetricStore({ clusters: clusters.clusters });
  const metricData = await openMetricDataRepositories({ clusters: config.clusters, registry: clusters, store, logger: silentLogger });
  const reader = await openReadPool(location, { size: 3 });
  const services: ServiceContext = { prisma, config, logger: silentLogger, archive, clusters, jobWriter, reader, metricData };
  const auth = new Authenticator(prisma, config, testKeys);
  const server = http.createServer(createApp(services, auth, { sessionKey: TEST_SESSION_KEY, webRoot: DEFAULT_WEB_ROOT, metricStore: store }).callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await reader.close();
    await jobWriter.close();
    await store.close();
    await prisma.$disconnect();
  };
  if (!options.manualClose) afterAll(close);
  return {
    url,
    prisma,
    services,
    archive,
    store,
    close,
    apiToken: () => issueToken(testKeys, { username: "demo-api", roles: ["api"] }),
    async login(page, who = "admin") {
      const user = DEMO_USERS[who];
      await page.goto(`${url}/login`);
      await page.getByLabel("Username").fill(user.username);
      await page.getByLabel("Password").fill(user.password);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.waitForURL((u) => !u.pathname.startsWith("/login"));
    },
  };
}
