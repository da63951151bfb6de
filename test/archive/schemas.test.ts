import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { ErrorObject } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  ArchiveValidationError,
  validateClusterConfig,
  validateJobData,
  validateJobMeta,
} from "../../src/archive/validate.ts";
import { fixturesDir } from "../helpers/fixtures.ts";

type Kind = "job-meta" | "job-data" | "cluster";

const validators: Record<Kind, (value: unknown, source: string) => unknown> = {
  "job-meta": validateJobMeta,
  "job-data": validateJobData,
  cluster: validateClusterConfig,
};

function readFixture(file: string): unknown {
  const raw = readFileSync(path.join(fixturesDir, file));
  return JSON.parse((file.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8"));
}

const emmyJobs = ["job-archive/emmy/1403/244/1608923076", "job-archive/emmy/1404/397/1609300556"];
const fixtures: { kind: Kind; file: string }[] = [
  { kind: "cluster", file: "job-archive/emmy/cluster.json" },
  { kind: "cluster", file: "importer/cluster-fritz.json" },
  ...emmyJobs.map((dir) => ({ kind: "job-meta" as const, file: `${dir}/meta.json` })),
  ...emmyJobs.map((dir) => ({ kind: "job-data" as const, file: `${dir}/data.json.gz` })),
  { kind: "job-meta", file: "importer/meta-fritzMinimal.input" },
  { kind: "job-data", file: "importer/data-fritzMinimal.json" },
];

/** Fixtures built from real ones with one thing broken; `at` is the dotted path the complaint must name. */
function brokenDocuments(): { name: string; kind: Kind; doc: unknown; at: string; message: RegExp }[] {
  const meta = () => readFixture("importer/meta-fritzMinimal.input") as Record<string, unknown>;
  const noJobId = meta();
  delete noJobId.jobId;
  const data = readFixture("importer/data-fritzMinimal.json") as Record<string, Record<string, Record<string, unknown>>>;
  delete data.mem_bw!.node!.timestep;
  const cluster = readFixture("job-archive/emmy/cluster.json") as { subClusters: Record<string, unknown>[] };
  delete cluster.subClusters[0]!.topology;
  return [
    { name: "meta.json without jobId", kind: "job-meta", doc: noJobId, at: "jobId", message: /"jobId" is missing/ },
    {
      name: "meta.json with numNodes as a string",
      kind: "job-meta",
      doc: { ...meta(), numNodes: "1" },
      at: "numNodes",
      message: /"numNodes" must be integer/,
    },
    {
      name: "meta.json with an unknown jobState",
      kind: "job-meta",
      doc: { ...meta(), jobState: "exploded" },
      at: "jobState",
      message: /"jobState" must be one of "completed", "failed", /,
    },
    {
      name: "data.json with a metric without timestep",
      kind: "job-data",
      doc: data,
      at: "mem_bw.node.timestep",
      message: /"mem_bw\.node\.timestep" is missing/,
    },
    {
      name: "cluster.json with a subcluster without topology",
      kind: "cluster",
      doc: cluster,
      at: "subClusters.0.topology",
      message: /"subClusters\.0\.topology" is missing/,
    },
  ];
}

describe("job-archive schemas", () => {
  it.each(fixtures)("accept $file", ({ kind, file }) => {
    const doc = readFixture(file);
    expect(validators[kind](doc, file)).toBe(doc);
  });

  it.each(brokenDocuments())("reject $name, naming the path", ({ kind, doc, message }) => {
    expect(() => validators[kind](doc, "broken.json")).toThrow(ArchiveValidationError);
    expect(() => validators[kind](doc, "broken.json")).toThrow(message);
  });

  it("report the source and the problems on one line, the first few only", () => {
    const cluster = readFixture("job-archive/emmy/cluster.json") as { subClusters: Record<string, unknown>[] };
    cluster.subClusters[0]!.coresPerSocket = "4";
    expect(() => validateClusterConfig(cluster, "emmy/cluster.json")).toThrow(
      /^emmy\/cluster\.json: "subClusters\.0\.coresPerSocket" must be integer$/,
    );
    // 13 problems: four required keys missing, nine wrong values.
    const meta = { jobId: "1", user: 1, project: 2, cluster: 3, subCluster: 4, numNodes: 0, exclusive: 7, jobState: 8 };
    expect(() => validateJobMeta(meta, "request body")).toThrow(/^request body: ("[\w.]+" [^;\n]+; ){5}and 8 more$/);
    // null samples are fine, so only the series itself is blamed, not each of its items.
    const data = readFixture("importer/data-fritzMinimal.json") as Record<string, Record<string, { series: { data: unknown[] }[] }>>;
    data.mem_bw!.node!.series[0]!.data = [null, null];
    expect(() => validateJobData(data, "data.json")).toThrow(
      /^data\.json: "mem_bw\.node\.series\.0\.data" must contain at least 1 valid item\(s\)$/,
    );
  });
});

/**
 * Where ours deliberately accepts what cc-backend's schemas reject: each rule is broken by cc-backend's
 * own test archives (the fixtures), which its Go code reads fine (it validates only with validate: true).
 */
const relaxations: { why: string; matches: (error: ErrorObject, kind: Kind) => boolean }[] = [
  {
    why: "unit.base is a free string (fixtures use load, %, packets/s)",
    matches: (e) => e.keyword === "enum" && e.instancePath.endsWith("/unit/base"),
  },
  {
    why: "statistics need not include cpu_user (emmy meta.json)",
    matches: (e, kind) => kind === "job-meta" && required(e) === "statistics.cpu_user",
  },
  {
    why: "data.json need not have cpu_user (emmy), net_bw or filesystems (all fixtures)",
    matches: (e, kind) => kind === "job-data" && ["cpu_user", "net_bw", "filesystems"].includes(required(e) ?? ""),
  },
  {
    why: "series need not have statistics (emmy ipc)",
    matches: (e, kind) => kind === "job-data" && /^[^.]+\.[^.]+\.series\.\d+\.statistics$/.test(required(e) ?? ""),
  },
];

function required(error: ErrorObject): string | undefined {
  if (error.keyword !== "required") return undefined;
  return location(error);
}

/** The dotted path an error is about; for a missing key, the key's own path. */
function location(error: ErrorObject): string {
  const parts = error.instancePath.split("/").slice(1);
  if (error.keyword === "required") parts.push((error.params as { missingProperty: string }).missingProperty);
  return parts.join(".");
}

describe("cc-backend v1.0's own schemas", () => {
  const referenceDir = path.resolve(fixturesDir, "..", "reference", "cc-backend-v1.0.0", "pkg", "schema", "schemas");
  // Not strict: the reference has keywords in places they do nothing (ic_* beside "properties").
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  for (const file of readdirSync(referenceDir).filter((f) => f !== "config.schema.json")) {
    const schema = JSON.parse(readFileSync(path.join(referenceDir, file), "utf8")) as Record<string, unknown>;
    // They name the 2020-12 meta-schema by its http:// address, which ajv does not know.
    delete schema.$schema;
    ajv.addSchema(schema);
  }
  const reference = (kind: Kind, doc: unknown): ErrorObject[] => {
    const validate = ajv.getSchema(`embedfs://${kind}.schema.json`)!;
    return validate(doc) ? [] : validate.errors!;
  };

  it.each(fixtures)("agree on $file, but for the documented relaxations", ({ kind, file }) => {
    const unexplained = reference(kind, readFixture(file)).filter((e) => !relaxations.some((r) => r.matches(e, kind)));
    expect(unexplained).toEqual([]);
  });

  it("accept the fixtures that need none of the relaxations", () => {
    for (const file of ["job-archive/emmy/cluster.json", "importer/cluster-fritz.json", "importer/meta-fritzMinimal.input"]) {
      expect(reference(file.includes("cluster") ? "cluster" : "job-meta", readFixture(file)), file).toEqual([]);
    }
  });

  it.each(brokenDocuments())("also reject $name, at the same path", ({ kind, doc, at }) => {
    expect(reference(kind, doc).map(location)).toContain(at);
    expect(() => validators[kind](doc, "broken.json")).toThrow(`"${at}"`);
  });

  it("both reject meta-fritzError.input, whose numAcc is 0", () => {
    const doc = readFixture("importer/meta-fritzError.input");
    expect(reference("job-meta", doc).map(location)).toEqual(["numAcc"]);
    expect(() => validateJobMeta(doc, "meta-fritzError.input")).toThrow(/^meta-fritzError\.input: "numAcc" must be > 0$/);
  });
});
