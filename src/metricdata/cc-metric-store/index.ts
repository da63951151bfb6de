/** The cc-metric-store client: what the rest of the server imports. */
export { CcMetricStoreRepository, DEFAULT_CONCURRENCY, DEFAULT_MAX_SERIES_PER_REQUEST, type CcMetricStoreOptions } from "./repository.js";
export { CcMetricStoreError, DEFAULT_TIMEOUT_SECONDS } from "./http.js";
export { ccMetricStoreOptions } from "./config.js";
