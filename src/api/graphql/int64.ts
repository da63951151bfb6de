import { GraphQLError, GraphQLInt } from "graphql";

/**
 * cc-backend's GraphQL server (gqlgen) writes `Int` as a 64-bit integer, and real values need it:
 * Slurm job ids run to 2^32 and array job ids beyond. graphql-js refuses to serialise an Int outside
 * 32 bits and does not allow replacing the built-in scalar, so its output coercion is widened here to
 * every safe JavaScript integer. Input coercion stays 32-bit; no argument of the API needs more.
 */
const serialize32 = GraphQLInt.serialize.bind(GraphQLInt);

GraphQLInt.serialize = (value: unknown): number => {
  const number = typeof value === "bigint" ? Number(value) : value;
  if (typeof number === "number" && Number.isSafeInteger(number)) return number;
  if (typeof number === "number" && Number.isInteger(number)) {
    throw new GraphQLError(`Int cannot represent ${String(value)}: beyond 2^53`);
  }
  return serialize32(value);
};
