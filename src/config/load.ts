import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { projectRoot } from "../db/migrate/migration-files.js";
import { DEFAULTS } from "./defaults.js";
import type { Cluster, MetricDataRepository, ProgramConfig } from "./generated/config-file.js";

type Defaulted = keyof typeof DEFAULTS;

export type ClusterConfig = Cluster & { metricDataRepository: MetricDataRepository };

/** A config.json with cc-backend's defaults filled in and `job-archive` folded into `archive`. */
export type Config = Omit<ProgramConfig, Defaulted | "job-archive" | "clusters"> & {
  [K in Exclude<Defaulted, "clusters">]-?: NonNullable<ProgramConfig[K]>;
} & { clusters: ClusterConfig[] };

export class ConfigError extends Error {}

export interface LoadedConfig {
  config: Config;
  /** Problems that do not stop the program: unknown keys. */
  warnings: string[];
  /** The file read, or undefined when no config.json exists and the defaults apply. */
  source?: string;
}

// ajv-formats ships CommonJS with a default export that NodeNext sees as a namespace.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
let compiled: ValidateFunction<ProgramConfig> | undefined;

/** Compiled on first use, so that commands which read no config (--help) do not pay for it. */
function configValidator(): ValidateFunction<ProgramConfig> {
  if (!compiled) {
    // strictRequired off: the if/then for metric stores that need a URL names properties of the parent.
    const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(path.join(projectRoot, "schema", "config.schema.json"), "utf8")) as object;
    compiled = ajv.compile<ProgramConfig>(schema);
  }
  return compiled;
}

function where(error: ErrorObject): string {
  return error.instancePath === "" ? "(top level)" : `"${error.instancePath.slice(1).replaceAll("/", ".")}"`;
}

/** Deletes the key an additionalProperties error names and returns its dotted path. */
function dropUnknownKey(data: unknown, error: ErrorObject): string {
  const key = (error.params as { additionalProperty: string }).additionalProperty;
  let target = data as Record<string, unknown>;
  for (const part of error.instancePath.split("/").slice(1)) target = target[part] as Record<string, unknown>;
  delete target[key];
  return error.instancePath === "" ? key : `${error.instancePath.slice(1).replaceAll("/", ".")}.${key}`;
}

function explain(error: ErrorObject): string {
  if (error.keyword === "enum") {
    return `${where(error)} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (error.keyword === "required") {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    return `${where(error)} is missing required key "${missing}"`;
  }
  return `${where(error)} ${error.message ?? "is invalid"}`;
}

export function parseConfig(raw: unknown, file = "config.json"): LoadedConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${file}: must contain a JSON object`);
  }
  const data = structuredClone(raw) as Record<string, unknown>;
  const warnings: string[] = [];
  const validate = configValidator();
  for (let round = 0; round < 10 && !validate(data); round++) {
    const errors = validate.errors ?? [];
    const unknown = errors.filter((e) => e.keyword === "additionalProperties");
    if (unknown.length === 0) {
      // Schema combinators repeat the same problem; report each once.
      const messages = [...new Set(errors.filter((e) => e.keyword !== "if").map(explain))];
      throw new ConfigError(`${file}: ${messages.join("; ")}`);
    }
    for (const error of unknown) warnings.push(`${file}: unknown key "${dropUnknownKey(data, error)}" ignored`);
  }
  const { "job-archive": jobArchive, clusters, ...rest } = data as ProgramConfig;
  const config: Config = {
    ...DEFAULTS,
    ...rest,
    archive: rest.archive ?? jobArchive ?? DEFAULTS.archive,
    "ui-defaults": { ...DEFAULTS["ui-defaults"], ...rest["ui-defaults"] },
    clusters: (clusters ?? []).map((c) => ({ ...c, metricDataRepository: c.metricDataRepository ?? { kind: "internal" } })),
  };
  const names = config.clusters.map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ConfigError(`${file}: cluster "${duplicate}" is configured twice`);
  return { config, warnings };
}

/**
 * Reads config.json. A missing file is only an error when its path was given explicitly; otherwise
 * cc-backend's defaults apply, as they do upstream.
 */
export function loadConfig(file: string, explicit: boolean): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) return { config: parseConfig({}).config, warnings: [] };
    throw new ConfigError(`cannot read config file ${file}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  return { ...parseConfig(raw, file), source: file };
}

/** cc-backend allows `"db": "env:NAME"` so that a database password need not sit in config.json. */
export function resolveDbSetting(db: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!db.startsWith("env:")) return db;
  const name = db.slice(4);
  const value = env[name];
  if (!value) throw new ConfigError(`config key "db" names environment variable ${name}, which is not set`);
  return value;
}
