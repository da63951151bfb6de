import { GraphQLError, Kind } from "graphql";
import { isJobState, JOB_STATES } from "../../../db/jobs/job-row.js";
import { METRIC_SCOPES } from "../../../services/jobs/find.js";
import { builder } from "../builder.js";

/** RFC 3339 without fractional seconds, as cc-backend (Go) prints times. */
builder.scalarType("Time", {
  serialize: (value) => value.toISOString().replace(/\.\d{3}Z$/, "Z"),
  parseValue: (value) => {
    const date = new Date(String(value));
    if (typeof value !== "string" || Number.isNaN(date.getTime())) throw new GraphQLError(`Time must be an RFC 3339 string, got ${JSON.stringify(value)}`);
    return date;
  },
  parseLiteral: (ast) => {
    const date = ast.kind === Kind.STRING ? new Date(ast.value) : new Date(Number.NaN);
    if (Number.isNaN(date.getTime())) throw new GraphQLError("Time must be an RFC 3339 string");
    return date;
  },
});

builder.scalarType("Any", {
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.scalarType("JobState", {
  serialize: (value) => value,
  parseValue: (value) => {
    if (!isJobState(value)) {
      throw new GraphQLError(`JobState must be one of ${JOB_STATES.join(", ")}`);
    }
    return value;
  },
});

/**
 * cc-backend's NullableFloat: declared non-null in lists (`[NullableFloat!]!`) yet written as `null`
 * for a missing sample (Go's NaN). graphql-js refuses null for a non-null item, so missing values
 * travel as NaN (see nullsAsNaN) and leave as NaN, which JSON.stringify writes as `null` — the same
 * bytes on the wire as cc-backend, with its schema unchanged.
 */
builder.scalarType("NullableFloat", {
  serialize: (value) => (typeof value === "number" && Number.isFinite(value) ? value : Number.NaN),
  parseValue: (value) => {
    if (value === null || (typeof value === "number" && Number.isFinite(value))) return value;
    throw new GraphQLError("NullableFloat must be a number or null");
  },
});

/** A list for a `[NullableFloat!]!` field: missing values (null, NaN, ±Infinity) as NaN. */
export function nullsAsNaN(values: readonly (number | null | undefined)[]): number[] {
  return values.map((v) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN));
}

builder.scalarType("MetricScope", {
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== "string" || !(METRIC_SCOPES as readonly string[]).includes(value)) {
      throw new GraphQLError(`MetricScope must be one of ${METRIC_SCOPES.join(", ")}`);
    }
    return value;
  },
});
