import { AGGREGATES, jobsCount, jobsStatistics, WEIGHTS, type JobsStatistics } from "../../../services/jobs/statistics.js";
import { builder } from "../builder.js";
import { requestedFields } from "../requested-fields.js";
import { JobFilterInput } from "./job-filter.js";

export const CountType = builder.objectRef<{ name: string; count: number }>("Count").implement({
  fields: (t) => ({ name: t.exposeString("name"), count: t.exposeInt("count") }),
});

const HistoPointType = builder.objectRef<{ count: number; value: number }>("HistoPoint").implement({
  fields: (t) => ({ count: t.exposeInt("count"), value: t.exposeInt("value") }),
});

builder.objectRef<{ from: number; to: number }>("IntRangeOutput").implement({
  fields: (t) => ({ from: t.exposeInt("from"), to: t.exposeInt("to") }),
});
builder.objectRef<{ from: Date; to: Date }>("TimeRangeOutput").implement({
  fields: (t) => ({ from: t.field({ type: "Time", resolve: (r) => r.from }), to: t.field({ type: "Time", resolve: (r) => r.to }) }),
});

const JobsStatisticsType = builder.objectRef<JobsStatistics>("JobsStatistics").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    name: t.exposeString("name"),
    totalJobs: t.exposeInt("totalJobs"),
    runningJobs: t.exposeInt("runningJobs"),
    shortJobs: t.exposeInt("shortJobs"),
    totalWalltime: t.exposeInt("totalWalltime"),
    totalNodeHours: t.exposeInt("totalNodeHours"),
    totalCoreHours: t.exposeInt("totalCoreHours"),
    totalAccHours: t.exposeInt("totalAccHours"),
    histDuration: t.field({ type: [HistoPointType], resolve: (s) => s.histDuration }),
    histNumNodes: t.field({ type: [HistoPointType], resolve: (s) => s.histNumNodes }),
  }),
});

const AggregateEnum = builder.enumType("Aggregate", { values: AGGREGATES });
const WeightsEnum = builder.enumType("Weights", { values: WEIGHTS });

builder.queryFields((t) => ({
  jobsStatistics: t.field({
    type: [JobsStatisticsType],
    args: { filter: t.arg({ type: [JobFilterInput] }), groupBy: t.arg({ type: AggregateEnum }) },
    resolve: (_root, args, ctx, info) => jobsStatistics(ctx, { filters: args.filter, groupBy: args.groupBy, fields: requestedFields(info) }),
  }),
  jobsCount: t.field({
    type: [CountType],
    args: {
      filter: t.arg({ type: t.arg.listRef(JobFilterInput, { required: false }), required: true }),
      groupBy: t.arg({ type: AggregateEnum, required: true }),
      weight: t.arg({ type: WeightsEnum }),
      limit: t.arg.int(),
    },
    resolve: (_root, args, ctx) => jobsCount(ctx, { filters: args.filter, groupBy: args.groupBy, weight: args.weight, limit: args.limit }),
  }),
}));
