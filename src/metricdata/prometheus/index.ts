/** The Prometheus metric data backend: what the rest of the server imports. */
export { PrometheusMetricDataRepository, type PrometheusRepositoryOptions } from "./repository.js";
export { PrometheusClient, PrometheusError, DEFAULT_TIMEOUT_SECONDS, MAX_POINTS_PER_QUERY, type PrometheusErrorKind } from "./client.js";
export { parseTemplate, renderTemplate, TemplateError, type PromQLTemplate } from "./template.js";
export { escapeRegex, hostsRegex, hostNameProblem } from "./hosts.js";
