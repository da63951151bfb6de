import { beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.ts";
import { freshDatabase } from "../helpers/db.ts";
import { createJobs, jobData } from "../helpers/factories.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
let app: TestApp;

interface JobsResult {
  jobs: { count: number; offset: number; limit: number; items: { id: string; jobId: number; startTime: string; user: string; duration: number; state: string; tags: { type: string; name: string }[]; metaData: unknown; resources: { hostname: string }[] }[] };
}

beforeAll(async () => {
  app = await startTestApp(await freshDatabase(dir));
  await createJobs(app.prisma, 120);
  const special = await app.prisma.job.create({
    data: jobData({ jobId: 4_000_000_000n, startTime: 1_900_000_000n, user: "bob", duration: 5, jobState: "running", metaData: "not json" }),
  });
  await app.prisma.tag.create({ data: { tagType: "app", tagName: "gromacs", jobs: { create: { jobId: special.id } } } });
});

const LIST = `query($page: PageRequest, $order: OrderByInput) {
  jobs(page: $page, order: $order) { count offset limit items { id jobId startTime user duration state tags { type name } metaData resources { hostname } } }
}`;

describe("GraphQL jobs query (Prisma → Pothos → yoga on Koa)", () => {
  it("lists the newest jobs first, 50 per page by default, with the total count", async () => {
    const { status, body } = await app.graphql<JobsResult>(LIST);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const { jobs } = body.data!;
    expect(jobs.count).toBe(121);
    expect(jobs.items).toHaveLength(50);
    expect(jobs.limit).toBe(50);
    expect(jobs.items[0]!.user).toBe("bob");
    const starts = jobs.items.map((j) => Date.parse(j.startTime));
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it("returns the fields in cc-backend's shapes: RFC 3339 times, 64-bit job ids, tags, parsed JSON", async () => {
    const { body } = await app.graphql<JobsResult>(LIST, { page: { itemsPerPage: 1, page: 1 } });
    const job = body.data!.jobs.items[0]!;
    expect(job.jobId).toBe(4_000_000_000);
    expect(job.startTime).toBe("2030-03-17T17:46:40Z");
    expect(job.state).toBe("running");
    expect(job.tags).toEqual([{ type: "app", name: "gromacs" }]);
    expect(job.metaData).toBeNull(); // "not json" in the database: shown as absent, not a failed list
    expect(job.resources[0]!.hostname).toMatch(/^f\d{4}$/);
  });

  it("pages and orders by a whitelisted column", async () => {
    const { body } = await app.graphql<JobsResult>(LIST, { page: { itemsPerPage: 50, page: 3 }, order: { field: "duration", order: "ASC" } });
    const { jobs } = body.data!;
    expect(jobs.offset).toBe(100);
    expect(jobs.items).toHaveLength(21);
    expect(jobs.items.at(-1)!.duration).toBe(3600);
    const first = await app.graphql<JobsResult>(LIST, { page: { itemsPerPage: 1, page: 1 }, order: { field: "duration", order: "ASC" } });
    expect(first.body.data!.jobs.items[0]!.duration).toBe(5);
  });

  it("answers bad input with a GraphQL error naming the problem, never a stack trace", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ page: { itemsPerPage: 100000, page: 1 } }, /itemsPerPage must be between 1 and 1000/],
      [{ page: { itemsPerPage: 10, page: -1 } }, /page must be a positive integer/],
      [{ order: { field: "start_time; DROP TABLE job", order: "ASC" } }, /cannot order jobs by/],
      [{ order: { field: "duration", order: "SIDEWAYS" } }, /SortDirectionEnum/],
    ];
    for (const [variables, message] of cases) {
      const { status, body } = await app.graphql(LIST, variables);
      expect(status).toBeLessThan(500);
      expect(body.errors?.[0]?.message).toMatch(message);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    }
    const unknownField = await app.graphql("{ jobs { items { password } } }");
    expect(unknownField.body.errors?.[0]?.message).toMatch(/Cannot query field "password" on type "Job"/);
    expect(await app.prisma.job.count()).toBe(121);
  });
});
