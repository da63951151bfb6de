export { generateDemoArchive, type DemoArchiveOptions, type DemoArchiveResult } from "./generate-archive.js";
export { alexConfig, demoClusters, fritzConfig } from "./clusters.js";
export { FIXTURE_ARCHIVE } from "./fixture-jobs.js";
