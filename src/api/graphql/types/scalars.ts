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

/** A float that may be null inside a list (cc-backend's NaN); JSON has no NaN, so non-finite → null. */
builder.scalarType("NullableFloat", {
  serialize: (value) => (typeof value === "number" && Number.isFinite(value) ? value : null),
  parseValue: (value) => {
    if (value === null || (typeof value === "number" && Number.isFinite(value))) return value;
    throw new GraphQLError("NullableFloat must be a number or null");
  },
});

builder.scalarType("MetricScope", {
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== "string" || !(METRIC_SCOPES as readonly string[]).includes(value)) {
      throw new GraphQLError(`MetricScope must be one of ${METRIC_SCOPES.join(", ")}`);
    }
    return value;
  },
});
