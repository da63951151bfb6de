import { GraphQLError, Kind } from "graphql";
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

const JOB_STATES = ["running", "completed", "failed", "cancelled", "stopped", "timeout", "preempted", "out_of_memory"];

builder.scalarType("JobState", {
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value !== "string" || !JOB_STATES.includes(value)) {
      throw new GraphQLError(`JobState must be one of ${JOB_STATES.join(", ")}`);
    }
    return value;
  },
});
