import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDuration } from "../../src/config/duration.ts";
import { ConfigError, loadConfig, parseConfig, resolveDbSetting } from "../../src/config/load.ts";
import { fixturesDir } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const dir = tempDir();
const referenceConfigs = path.resolve(fixturesDir, "..", "reference", "cc-backend-v1.0.0", "configs");

describe("config.json", () => {
  it("applies cc-backend's defaults when there is no file", () => {
    const { config, warnings, source } = loadConfig(path.join(dir, "absent.json"), false);
    expect(source).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(config.addr).toBe("localhost:8080");
    expect(config["db-driver"]).toBe("sqlite3");
    expect(config.db).toBe("./var/job.db");
    expect(config.archive).toEqual({ kind: "file", path: "./var/job-archive" });
    expect(config["session-max-age"]).toBe("168h");
    expect(config["short-running-jobs-duration"]).toBe(300);
    expect(config["ui-defaults"].plot_list_jobsPerPage).toBe(50);
  });

  it("refuses a config file given explicitly that does not exist", () => {
    expect(() => loadConfig(path.join(dir, "absent.json"), true)).toThrow(/cannot read config file .*absent\.json: no such file/);
  });

  it("reads cc-backend's own example configs unchanged", () => {
    for (const name of ["config.json", "config-demo.json"]) {
      const { config, warnings } = loadConfig(path.join(referenceConfigs, name), true);
      expect(warnings).toEqual([]);
      expect(config.clusters.length).toBeGreaterThan(0);
    }
    const { config } = loadConfig(path.join(referenceConfigs, "config.json"), true);
    expect(config.addr).toBe("0.0.0.0:443");
    expect(config.clusters[0]!.metricDataRepository.kind).toBe("cc-metric-store");
    expect(config.ldap?.user_bind).toBe("uid={username},ou=people,ou=hpc,dc=test,dc=de");
  });

  it("warns about unknown keys, at any depth, and ignores them", () => {
    const { config, warnings } = parseConfig({ addr: ":9000", colour: "blue", clusters: [{ name: "a", shoeSize: 42 }] });
    expect(warnings).toEqual(['config.json: unknown key "colour" ignored', 'config.json: unknown key "clusters.0.shoeSize" ignored']);
    expect(config.addr).toBe(":9000");
    expect(config).not.toHaveProperty("colour");
  });

  it("names the key of a wrong type or value", () => {
    expect(() => parseConfig({ addr: 8080 })).toThrow(/"addr" must be string/);
    expect(() => parseConfig({ "db-driver": "oracle" })).toThrow(/"db-driver" must be one of "sqlite3", "mysql", "postgres"/);
    expect(() => parseConfig({ clusters: [{ name: "a", metricDataRepository: { kind: "prometheus" } }] })).toThrow(
      /"clusters.0.metricDataRepository" is missing required key "url"/,
    );
    expect(() => parseConfig({ "session-max-age": "one week" })).toThrow(/"session-max-age" must match pattern/);
    expect(() => parseConfig([1, 2])).toThrow(ConfigError);
    expect(() => parseConfig({ clusters: [{ name: "a" }, { name: "a" }] })).toThrow(/cluster "a" is configured twice/);
  });

  it("reports malformed JSON with the file name", () => {
    const file = path.join(dir, "broken.json");
    writeFileSync(file, '{"addr": ":8080",');
    expect(() => loadConfig(file, true)).toThrow(/broken\.json: not valid JSON/);
  });

  it("accepts every metric data repository kind; internal is the default and needs no URL", () => {
    const { config } = parseConfig({
      clusters: [
        { name: "a" },
        { name: "b", metricDataRepository: { kind: "internal" } },
        { name: "c", metricDataRepository: { kind: "cc-metric-store", url: "http://localhost:8082", token: "x" } },
        { name: "d", metricDataRepository: { kind: "prometheus", url: "http://localhost:9090" } },
        { name: "e", metricDataRepository: { kind: "influxdb", url: "http://localhost:8086" } },
      ],
    });
    expect(config.clusters.map((c) => c.metricDataRepository.kind)).toEqual(["internal", "internal", "cc-metric-store", "prometheus", "influxdb"]);
  });

  it("takes job-archive as an alias of archive", () => {
    expect(parseConfig({ "job-archive": { kind: "file", path: "/data/archive" } }).config.archive.path).toBe("/data/archive");
  });

  it("resolves db: env:NAME from the environment", () => {
    expect(resolveDbSetting("env:CCB_DSN", { CCB_DSN: "user:pw@tcp(db:3306)/cc" })).toBe("user:pw@tcp(db:3306)/cc");
    expect(() => resolveDbSetting("env:CCB_MISSING", {})).toThrow(/CCB_MISSING, which is not set/);
    expect(resolveDbSetting("./var/job.db", {})).toBe("./var/job.db");
  });

  it("the example config in configs/ is valid", () => {
    const file = path.resolve(import.meta.dirname, "../../configs/config.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toBeTypeOf("object");
    expect(loadConfig(file, true).warnings).toEqual([]);
  });
});

describe("Go durations", () => {
  it("parses what time.ParseDuration accepts in cc-backend configs", () => {
    expect(parseDuration("168h")).toBe(604800);
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("1.5s")).toBe(1.5);
    expect(parseDuration("0")).toBe(0);
    expect(parseDuration("")).toBe(0);
    expect(() => parseDuration("7 days")).toThrow(/invalid duration/);
  });
});
