import type { Accelerator, ClusterConfig, MetricConfig, MetricValue, SubCluster, SubClusterMetricOverride, Topology, Unit } from "../../../archive/generated/archive-types.js";
import { NodeList } from "../../../archive/nodelist.js";
import { allocatedNodes, clusterPartitions } from "../../../services/clusters.js";
import { builder } from "../builder.js";
import { CountType } from "./statistics.js";

export const UnitType = builder.objectRef<Unit>("Unit").implement({
  fields: (t) => ({
    base: t.exposeString("base"),
    prefix: t.string({ nullable: true, resolve: (unit) => unit.prefix ?? null }),
  }),
});

const MetricValueType = builder.objectRef<MetricValue>("MetricValue").implement({
  fields: (t) => ({
    unit: t.field({ type: UnitType, resolve: (v) => v.unit ?? { base: "" } }),
    value: t.float({ resolve: (v) => v.value ?? 0 }),
  }),
});

const AcceleratorType = builder.objectRef<Accelerator>("Accelerator").implement({
  fields: (t) => ({
    id: t.exposeString("id"),
    type: t.exposeString("type"),
    model: t.exposeString("model"),
  }),
});

const TopologyType = builder.objectRef<Topology>("Topology").implement({
  fields: (t) => ({
    node: t.intList({ nullable: true, resolve: (topology) => topology.node ?? null }),
    socket: t.field({ type: t.listRef(t.listRef("Int")), nullable: true, resolve: (topology) => topology.socket ?? null }),
    memoryDomain: t.field({ type: t.listRef(t.listRef("Int")), nullable: true, resolve: (topology) => topology.memoryDomain ?? null }),
    die: t.field({ type: t.listRef(t.listRef("Int")), nullable: true, resolve: (topology) => topology.die ?? null }),
    core: t.field({ type: t.listRef(t.listRef("Int")), nullable: true, resolve: (topology) => topology.core ?? null }),
    accelerators: t.field({ type: [AcceleratorType], nullable: true, resolve: (topology) => topology.accelerators ?? null }),
  }),
});

const nodeCounts = new WeakMap<SubCluster, number>();

const SubClusterType = builder.objectRef<SubCluster>("SubCluster").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    nodes: t.exposeString("nodes"),
    numberOfNodes: t.int({
      resolve: (sub) => {
        let count = nodeCounts.get(sub);
        if (count === undefined) nodeCounts.set(sub, (count = sub.nodes.trim() === "*" ? 0 : NodeList.parse(sub.nodes).count()));
        return count;
      },
    }),
    processorType: t.exposeString("processorType"),
    socketsPerNode: t.exposeInt("socketsPerNode"),
    coresPerSocket: t.exposeInt("coresPerSocket"),
    threadsPerCore: t.exposeInt("threadsPerCore"),
    flopRateScalar: t.field({ type: MetricValueType, resolve: (sub) => sub.flopRateScalar }),
    flopRateSimd: t.field({ type: MetricValueType, resolve: (sub) => sub.flopRateSimd }),
    memoryBandwidth: t.field({ type: MetricValueType, resolve: (sub) => sub.memoryBandwidth }),
    topology: t.field({ type: TopologyType, resolve: (sub) => sub.topology }),
  }),
});

const SubClusterConfigType = builder.objectRef<SubClusterMetricOverride>("SubClusterConfig").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    peak: t.float({ nullable: true, resolve: (o) => o.peak ?? null }),
    normal: t.float({ nullable: true, resolve: (o) => o.normal ?? null }),
    caution: t.float({ nullable: true, resolve: (o) => o.caution ?? null }),
    alert: t.float({ nullable: true, resolve: (o) => o.alert ?? null }),
    remove: t.boolean({ nullable: true, resolve: (o) => o.remove ?? null }),
  }),
});

const MetricConfigType = builder.objectRef<MetricConfig>("MetricConfig").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    unit: t.field({ type: UnitType, resolve: (m) => m.unit }),
    scope: t.field({ type: "MetricScope", resolve: (m) => m.scope }),
    aggregation: t.exposeString("aggregation"),
    timestep: t.exposeInt("timestep"),
    peak: t.exposeFloat("peak"),
    normal: t.float({ nullable: true, resolve: (m) => m.normal ?? null }),
    caution: t.exposeFloat("caution"),
    alert: t.exposeFloat("alert"),
    subClusters: t.field({ type: [SubClusterConfigType], resolve: (m) => m.subClusters ?? [] }),
  }),
});

const ClusterType = builder.objectRef<ClusterConfig>("Cluster").implement({
  fields: (t) => ({
    name: t.exposeString("name"),
    partitions: t.stringList({ resolve: (cluster, _args, ctx) => clusterPartitions(ctx, cluster.name) }),
    metricConfig: t.field({ type: [MetricConfigType], resolve: (cluster) => cluster.metricConfig }),
    subClusters: t.field({ type: [SubClusterType], resolve: (cluster) => cluster.subClusters }),
  }),
});

builder.queryFields((t) => ({
  clusters: t.field({ type: [ClusterType], resolve: (_root, _args, ctx) => ctx.clusters?.clusters ?? [] }),
  allocatedNodes: t.field({
    type: [CountType],
    args: { cluster: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => allocatedNodes(ctx, args.cluster),
  }),
}));
