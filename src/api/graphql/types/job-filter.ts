import { builder } from "../builder.js";

/** The inputs of cc-backend's job queries, names and nullability exactly as its schema. */

export const StringInput = builder.inputType("StringInput", {
  fields: (t) => ({
    eq: t.string(),
    neq: t.string(),
    contains: t.string(),
    startsWith: t.string(),
    endsWith: t.string(),
    in: t.stringList(),
  }),
});

export const IntRange = builder.inputType("IntRange", {
  fields: (t) => ({ from: t.int({ required: true }), to: t.int({ required: true }) }),
});

export const FloatRange = builder.inputType("FloatRange", {
  fields: (t) => ({ from: t.float({ required: true }), to: t.float({ required: true }) }),
});

export const TimeRange = builder.inputType("TimeRange", {
  fields: (t) => ({ from: t.field({ type: "Time" }), to: t.field({ type: "Time" }) }),
});

export const JobFilterInput = builder.inputType("JobFilter", {
  fields: (t) => ({
    tags: t.idList(),
    jobId: t.field({ type: StringInput }),
    arrayJobId: t.int(),
    user: t.field({ type: StringInput }),
    project: t.field({ type: StringInput }),
    jobName: t.field({ type: StringInput }),
    cluster: t.field({ type: StringInput }),
    partition: t.field({ type: StringInput }),
    duration: t.field({ type: IntRange }),
    minRunningFor: t.int(),
    numNodes: t.field({ type: IntRange }),
    numAccelerators: t.field({ type: IntRange }),
    numHWThreads: t.field({ type: IntRange }),
    startTime: t.field({ type: TimeRange }),
    state: t.field({ type: ["JobState"] }),
    flopsAnyAvg: t.field({ type: FloatRange }),
    memBwAvg: t.field({ type: FloatRange }),
    loadAvg: t.field({ type: FloatRange }),
    memUsedMax: t.field({ type: FloatRange }),
    exclusive: t.int(),
    node: t.field({ type: StringInput }),
  }),
});

export const PageRequest = builder.inputType("PageRequest", {
  fields: (t) => ({
    itemsPerPage: t.int({ required: true }),
    page: t.int({ required: true }),
  }),
});

export const SortDirectionEnum = builder.enumType("SortDirectionEnum", { values: ["DESC", "ASC"] as const });

export const OrderByInput = builder.inputType("OrderByInput", {
  fields: (t) => ({
    field: t.string({ required: true }),
    order: t.field({ type: SortDirectionEnum, required: true, defaultValue: "ASC" }),
  }),
});
