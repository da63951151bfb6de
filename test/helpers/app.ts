import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { openPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { openReadPool } from "../../src/db/read-pool/open.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { Authenticator } from "../../src/auth/auth.ts";
import type { LdapDirectory } from "../../src/auth/ldap.ts";
import { keysFromEnv } from "../../src/auth/jwt.ts";
import { generateKeyPair } from "../../src/auth/keys.ts";
import { createApp, type AppOptions } from "../../src/server/app.ts";
import { connectJobWriter } from "../../src/db/open-job-writer.ts";
import type { ServiceContext } from "../../src/services/context.ts";
import { testDatabaseLocation } from "./test-engine.ts";

const pair = generateKeyPair();
/** The key pair of test apps, so tests can make tokens that the app accepts. */
export const testKeys = keysFromEnv({ JWT_PUBLIC_KEY: pair.publicKey, JWT_PRIVATE_KEY: pair.privateKey });
export const TEST_SESSION_KEY = "test-session-key-0123456789abcdef";

export interface TestApp {
  url: string;
  prisma: PrismaClient;
  services: ServiceContext;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: { message: string }[] } }>;
}

/** The real app on a real database file, listening on a random loopback port; closed after the file's tests. */
export async function startTestApp(
  /** The database of this run's engine (test/helpers/db.ts freshDatabase): an SQLite file or a server DSN. */
  dbFile: string,
  options: AppOptions = { webRoot: false },
  configOverrides: Record<string, unknown> = { "disable-authentication": true },
  ldap?: LdapDirectory,
  /** Further dependencies (job archive, cluster registry, archiving queue) for the REST API. */
  deps: Pick<ServiceContext, "archive" | "clusters" | "archiving" | "metricData"> = {},
): Promise<TestApp> {
  const location = testDatabaseLocation(dbFile);
  const prisma = openPrismaClient(location);
  const config = parseConfig(configOverrides).config;
  const logger = process.env.TEST_LOG ? createLogger({ level: "debug" }) : silentLogger;
  const jobWriter = await connectJobWriter(location, logger);
  const reader = await openReadPool(location, { size: 2 });
  const services: ServiceContext = { prisma, config, logger, jobWriter, reader, ...deps };
  const auth = new Authenticator(prisma, config, testKeys, ldap);
  const server = http.createServer(createApp(services, auth, { sessionKey: TEST_SESSION_KEY, ...options }).callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prisma.$disconnect();
    await jobWriter.close();
    await reader.close();
  });
  return {
    url,
    prisma,
    services,
    async graphql(query, variables) {
      const response = await fetch(`${url}/query`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
  };
}
