import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { parseConfig } from "../../src/config/load.ts";
import { createPrismaClient, type PrismaClient } from "../../src/db/client.ts";
import { createLogger, silentLogger } from "../../src/log.ts";
import { createApp, type AppOptions } from "../../src/server/app.ts";
import type { ServiceContext } from "../../src/services/context.ts";

export interface TestApp {
  url: string;
  prisma: PrismaClient;
  graphql<T = unknown>(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: { data?: T; errors?: { message: string }[] } }>;
}

/** The real app on a real database file, listening on a random loopback port; closed after the file's tests. */
export async function startTestApp(dbFile: string, options: AppOptions = { webRoot: false }): Promise<TestApp> {
  const prisma = createPrismaClient(dbFile);
  const services: ServiceContext = { prisma, config: parseConfig({}).config, logger: process.env.TEST_LOG ? createLogger({ level: "debug" }) : silentLogger };
  const server = http.createServer(createApp(services, options).callback());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await prisma.$disconnect();
  });
  return {
    url,
    prisma,
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
