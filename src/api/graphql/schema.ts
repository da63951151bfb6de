import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import "./int64.js";
import { builder } from "./builder.js";
import "./types/scalars.js";
import "./types/job-filter.js";
import "./types/user.js";
import "./types/tag.js";
import "./types/statistics.js";
import "./types/cluster.js";
import "./types/job.js";
import "./types/metric-data.js";

let schema: GraphQLSchema | undefined;

/** The executable schema, built once from the types registered above. */
export function graphqlSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}

/** The SDL committed as api/schema.graphqls: sorted, so that a diff shows only real changes. */
export function printGraphqlSchema(): string {
  return printSchema(lexicographicSortSchema(graphqlSchema())) + "\n";
}
