import SchemaBuilder from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import type PrismaTypes from "../../db/generated/pothos-types.js";
import { getDatamodel } from "../../db/generated/pothos-types.js";
import type { RequestContext } from "../../services/context.js";

export type GraphQLContext = RequestContext;

/** The one schema builder; types register themselves on it from ./types/*. */
export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    Time: { Input: Date; Output: Date };
    Any: { Input: unknown; Output: unknown };
    JobState: { Input: string; Output: string };
    NullableFloat: { Input: number | null; Output: number | null };
    MetricScope: { Input: string; Output: string };
  };
}>({
  plugins: [PrismaPlugin],
  defaultFieldNullability: false,
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === "production" ? null : "warn",
  },
});

builder.queryType({});
builder.mutationType({});
