import type { JobMetric, Series, SeriesStatistics, StatisticsSeries } from "../../../archive/generated/archive-types.js";
import { AuthError } from "../../../auth/auth.js";
import { hasRole } from "../../../auth/user.js";
import { jobsFootprints, rooflineHeatmap, type Footprints } from "../../../services/jobs/analysis.js";
import { getVisibleJob } from "../../../services/jobs/find.js";
import { checkScopes, loadJobMetricData, shapeJobMetrics, type JobMetricWithName } from "../../../services/jobs/metric-data.js";
import { nodeMetrics, type NodeMetrics } from "../../../services/metric-data/node-metrics.js";
import { builder } from "../builder.js";
import { requestedFields } from "../requested-fields.js";
import { nullsAsNaN } from "./scalars.js";
import { JobFilterInput } from "./job-filter.js";
import { UnitType } from "./cluster.js";

const MetricStatisticsType = builder.objectRef<SeriesStatistics>("MetricStatistics").implement({
  fields: (t) => ({ avg: t.exposeFloat("avg"), min: t.exposeFloat("min"), max: t.exposeFloat("max") }),
});

const StatsSeriesType = builder.objectRef<StatisticsSeries>("StatsSeries").implement({
  fields: (t) => ({
    mean: t.field({ type: ["NullableFloat"], resolve: (s) => nullsAsNaN(s.mean ?? []) }),
    min: t.field({ type: ["NullableFloat"], resolve: (s) => nullsAsNaN(s.min ?? []) }),
    max: t.field({ type: ["NullableFloat"], resolve: (s) => nullsAsNaN(s.max ?? []) }),
  }),
});

const SeriesType = builder.objectRef<Series>("Series").implement({
  fields: (t) => ({
    hostname: t.exposeString("hostname"),
    id: t.string({ nullable: true, resolve: (s) => s.id ?? null }),
    statistics: t.field({ type: MetricStatisticsType, nullable: true, resolve: (s) => s.statistics ?? null }),
    data: t.field({ type: ["NullableFloat"], resolve: (s) => nullsAsNaN(s.data) }),
  }),
});

const JobMetricType = builder.objectRef<JobMetric>("JobMetric").implement({
  fields: (t) => ({
    unit: t.field({ type: UnitType, nullable: true, resolve: (m) => m.unit ?? null }),
    timestep: t.exposeInt("timestep"),
    series: t.field({ type: [SeriesType], nullable: true, resolve: (m) => m.series ?? null }),
    statisticsSeries: t.field({ type: StatsSeriesType, nullable: true, resolve: (m) => m.statisticsSeries ?? null }),
  }),
});

const JobMetricWithNameType = builder.objectRef<JobMetricWithName>("JobMetricWithName").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    scope: t.field({ type: "MetricScope", resolve: (m) => m.scope }),
    metric: t.field({ type: JobMetricType, resolve: (m) => m.metric }),
  }),
});

const MetricFootprintsType = builder.objectRef<Footprints["metrics"][number]>("MetricFootprints").implement({
  fields: (t) => ({
    metric: t.exposeString("metric"),
    data: t.field({ type: ["NullableFloat"], resolve: (m) => nullsAsNaN(m.data) }),
  }),
});

const FootprintsType = builder.objectRef<Footprints>("Footprints").implement({
  fields: (t) => ({
    nodehours: t.field({ type: ["NullableFloat"], resolve: (f) => nullsAsNaN(f.nodehours) }),
    metrics: t.field({ type: [MetricFootprintsType], resolve: (f) => f.metrics }),
  }),
});

const NodeMetricsType = builder.objectRef<NodeMetrics>("NodeMetrics").implement({
  fields: (t) => ({
    host: t.exposeString("host"),
    subCluster: t.exposeString("subCluster"),
    metrics: t.field({ type: [JobMetricWithNameType], resolve: (n) => n.metrics }),
  }),
});

builder.queryFields((t) => ({
  jobMetrics: t.field({
    type: [JobMetricWithNameType],
    args: {
      id: t.arg.id({ required: true }),
      metrics: t.arg.stringList(),
      scopes: t.arg({ type: ["MetricScope"] }),
      // Beyond v1.0 (as later cc-backend): seconds between points, for long jobs.
      resolution: t.arg.int(),
    },
    resolve: async (_root, args, ctx, info) => {
      const scopes = checkScopes(args.scopes ?? []);
      const job = await getVisibleJob(ctx, args.id);
      const { data } = await loadJobMetricData(ctx, job, args.metrics ?? [], scopes, { unknownMetrics: "refuse" });
      return shapeJobMetrics(data, { resolution: args.resolution, statisticsSeries: requestedFields(info).has("statisticsSeries") });
    },
  }),
  jobsFootprints: t.field({
    type: FootprintsType,
    nullable: true,
    args: { filter: t.arg({ type: [JobFilterInput] }), metrics: t.arg.stringList({ required: true }) },
    resolve: (_root, args, ctx) => jobsFootprints(ctx, args.filter, args.metrics),
  }),
  rooflineHeatmap: t.field({
    type: t.listRef(t.listRef("Float")),
    args: {
      filter: t.arg({ type: [JobFilterInput], required: true }),
      rows: t.arg.int({ required: true }),
      cols: t.arg.int({ required: true }),
      minX: t.arg.float({ required: true }),
      minY: t.arg.float({ required: true }),
      maxX: t.arg.float({ required: true }),
      maxY: t.arg.float({ required: true }),
    },
    resolve: (_root, { filter, ...request }, ctx) => rooflineHeatmap(ctx, filter, request),
  }),
  nodeMetrics: t.field({
    type: [NodeMetricsType],
    args: {
      cluster: t.arg.string({ required: true }),
      nodes: t.arg.stringList(),
      scopes: t.arg({ type: ["MetricScope"] }),
      metrics: t.arg.stringList(),
      from: t.arg({ type: "Time", required: true }),
      to: t.arg({ type: "Time", required: true }),
    },
    resolve: (_root, args, ctx) => {
      // As cc-backend: the systems view is for administrators.
      if (!hasRole(ctx.user, "admin")) throw new AuthError("you need to be an administrator for this query", 403);
      return nodeMetrics(ctx, { cluster: args.cluster, nodes: args.nodes ?? undefined, scopes: checkScopes(args.scopes ?? []), metrics: args.metrics ?? undefined, from: args.from, to: args.to });
    },
  }),
}));
