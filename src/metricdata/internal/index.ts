/** The embedded metric store: what the rest of the server uses. */
export { MetricStore, type MetricStoreOptions, type MetricStoreStats, type ClusterMetrics } from "./store.js";
export { openMetricStore, type OpenMetricStoreOptions, type OpenedMetricStore } from "./open.js";
export { internalStoreConfig, DEFAULT_RETENTION_SECONDS, DEFAULT_CHECKPOINT_INTERVAL_SECONDS } from "./config.js";
export { LineIngest, ingestLines, parsePrecision, type IngestSummary, type IngestOptions, type LineError, type TimestampPrecision } from "./ingest.js";
export { InternalMetricDataRepository } from "./repository.js";
export { metricStoreRoutes, type MetricStoreRouteOptions } from "./routes.js";
export { runCcmsQuery, parseCcmsQueryRequest, CcmsProtocolError, type CcmsQueryRequest, type CcmsQueryResponse, type CcmsMetricData, type CcmsQuery } from "./ccms-protocol.js";
export { Checkpointer, hostDirectory, CheckpointPathError } from "./checkpoint.js";
export { combine, statistics, selectSeries, type RangeData, type Statistics } from "./query.js";
export { planSelections, targetScope, type ScopeSelection } from "./topology.js";
