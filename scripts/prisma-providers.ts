// Derives prisma/postgresql/schema.prisma and prisma/mysql/schema.prisma from prisma/schema.prisma, the
// one description of the database. Models, fields and @maps stay the same, so all three generated
// clients have the same model API; what differs is the provider, the client's output directory and,
// for MySQL, native column types and the indexes MySQL can build.
// Usage: npm run prisma:providers (test/db/provider-schemas.test.ts fails while the files are stale).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export type DerivedProvider = "postgresql" | "mysql";
export const DERIVED_PROVIDERS: readonly DerivedProvider[] = ["postgresql", "mysql"];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const sourceSchemaPath = path.join(root, "prisma", "schema.prisma");
export const derivedSchemaPath = (provider: DerivedProvider): string => path.join(root, "prisma", provider, "schema.prisma");

/**
 * cc-backend's MySQL schema (which an existing database has, and our MySQL baseline recreates) stores
 * the JSON documents as TEXT and every other string as VARCHAR(255); Prisma's default, VARCHAR(191),
 * would not describe it. TEXT columns cannot be indexed, hence the check in mysqlKeyBytes.
 */
const MYSQL_TEXT_FIELDS = new Set(["Job.metaData", "Job.resources", "Configuration.value"]);
/** Flags and small enums are TINYINT in cc-backend's MySQL schema. */
const MYSQL_TINYINT_FIELDS = new Set(["Job.smt", "Job.exclusive", "Job.monitoringStatus", "User.ldap"]);
/** cc-backend's insert times are TIMESTAMP (seconds, stored in UTC whatever the session time zone). */
const MYSQL_DATETIME_TYPE = "@db.Timestamp(0)";

/** InnoDB's limit for one index key (DYNAMIC rows), at 4 bytes per character for utf8mb4. */
const MYSQL_MAX_KEY_BYTES = 3072;
const MYSQL_BYTES: Record<string, number> = { Int: 4, BigInt: 8, Float: 8, DateTime: 4, TinyInt: 1, VarChar: 255 * 4 };

/**
 * MySQL and MariaDB have no partial indexes. The usual stand-in is a plain index led by the condition's
 * column, so that the rows the partial index would hold are one contiguous range of it; the remaining
 * columns are the partial index's, minus what does not fit in MySQL's key length limit.
 */
const MYSQL_PARTIAL_INDEX_REPLACEMENTS: Record<string, { fields: string[]; why: string }> = {
  job_running: {
    fields: ["jobState", "user", "startTime", "duration", "numNodes", "numHWThreads", "numAcc"],
    why: "job_running: MySQL has no partial index; a plain one led by job_state ranges over the running jobs (project and cluster dropped: 3072-byte key limit)",
  },
};

interface Field {
  name: string;
  type: string;
  modifier: string;
  attributes: string;
}

const FIELD_LINE = /^\s+(\w+)\s+(\w+)(\[\]|\?)?(?:\s+(.*?))?\s*$/;
const BLOCK_INDEX = /^(\s*)@@(index|unique|id)\(\[([^\]]*)\](.*)\)\s*$/;

function parseField(line: string): Field | undefined {
  const trimmed = line.trim();
  if (trimmed === "" || trimmed.startsWith("//") || trimmed.startsWith("@@")) return undefined;
  const match = FIELD_LINE.exec(line);
  if (!match) throw new Error(`cannot read field line: ${line}`);
  return { name: match[1]!, type: match[2]!, modifier: match[3] ?? "", attributes: match[4] ?? "" };
}

/** Field lines aligned as `prisma format` does: name, type and attributes in columns. */
function renderFields(lines: (string | Field)[]): string[] {
  const fields = lines.filter((l): l is Field => typeof l !== "string");
  const nameWidth = Math.max(...fields.map((f) => f.name.length));
  const typeWidth = Math.max(...fields.map((f) => f.type.length + f.modifier.length));
  return lines.map((line) => {
    if (typeof line === "string") return line;
    const type = line.type + line.modifier;
    return `  ${line.name.padEnd(nameWidth)} ${line.attributes ? `${type.padEnd(typeWidth)} ${line.attributes}` : type}`;
  });
}

interface Block {
  kind: "generator" | "datasource" | "model" | "other";
  name: string;
  lines: string[];
}

/** Splits the schema into top-level blocks; comment lines before a block belong to it. */
function parseBlocks(source: string): { header: string[]; blocks: Block[] } {
  const header: string[] = [];
  const blocks: Block[] = [];
  let pending: string[] = [];
  let current: Block | undefined;
  let sawBlock = false;
  for (const line of source.split("\n")) {
    if (current) {
      current.lines.push(line);
      if (line.trim() === "}") {
        blocks.push(current);
        current = undefined;
      }
      continue;
    }
    const open = /^(generator|datasource|model|enum|view|type)\s+(\w+)\s*\{/.exec(line);
    if (open) {
      const kind = open[1] === "generator" || open[1] === "datasource" || open[1] === "model" ? open[1] : "other";
      current = { kind, name: open[2]!, lines: [...pending, line] };
      pending = [];
      sawBlock = true;
    } else if (!sawBlock && (line.startsWith("//") || (line.trim() === "" && header.length > 0 && pending.length === 0))) {
      header.push(line);
    } else if (line.trim() !== "") {
      pending.push(line);
    }
  }
  if (current) throw new Error(`unterminated block ${current.name}`);
  return { header, blocks };
}

function mysqlNativeType(model: string, field: Field): string | undefined {
  const key = `${model}.${field.name}`;
  switch (field.type) {
    case "String":
      return MYSQL_TEXT_FIELDS.has(key) ? "@db.Text" : "@db.VarChar(255)";
    case "Int":
      return MYSQL_TINYINT_FIELDS.has(key) ? "@db.TinyInt" : undefined;
    case "DateTime":
      return MYSQL_DATETIME_TYPE;
    default:
      return undefined;
  }
}

/** Bytes of one index key in MySQL (utf8mb4), or an error for what MySQL cannot index. */
function mysqlKeyBytes(model: string, names: string[], fields: Map<string, Field>): number {
  let bytes = 0;
  for (const name of names) {
    const field = fields.get(name);
    if (!field) throw new Error(`${model}: index names unknown field ${name}`);
    const native = field.attributes.match(/@db\.(\w+)/)?.[1];
    if (native === "Text") throw new Error(`${model}.${name} is TEXT in MySQL and cannot be part of an index; give it a VARCHAR type`);
    const size = MYSQL_BYTES[native ?? field.type];
    if (size === undefined) throw new Error(`${model}.${name}: no MySQL key size known for ${native ?? field.type}`);
    bytes += size;
  }
  return bytes;
}

function indexFieldNames(list: string): string[] {
  return list
    .split(",")
    .map((f) => f.trim().replace(/\(.*$/, ""))
    .filter(Boolean);
}

function deriveModel(block: Block, provider: DerivedProvider, notes: string[]): string[] {
  const model = block.name;
  const out: (string | Field)[] = [];
  const fields = new Map<string, Field>();
  for (const line of block.lines) {
    const field = /^\s+/.test(line) ? parseField(line) : undefined;
    if (!field) {
      out.push(line);
      continue;
    }
    if (provider === "mysql" && !field.attributes.includes("@db.")) {
      const native = mysqlNativeType(model, field);
      if (native) field.attributes = field.attributes ? `${field.attributes} ${native}` : native;
    }
    fields.set(field.name, field);
    out.push(field);
  }
  if (provider !== "mysql") return renderFields(out);

  for (const [i, line] of out.entries()) {
    if (typeof line !== "string") {
      if (/@id\b/.test(line.attributes)) checkMysqlKey(model, [line.name], fields);
      continue;
    }
    const index = BLOCK_INDEX.exec(line);
    if (!index) continue;
    let names = indexFieldNames(index[3]!);
    let rest = index[4]!;
    if (/\bwhere\s*:/.test(rest)) {
      const map = /map:\s*"([^"]+)"/.exec(rest)?.[1] ?? "";
      const replacement = MYSQL_PARTIAL_INDEX_REPLACEMENTS[map];
      if (!replacement) throw new Error(`${model}: partial index ${map || line.trim()} needs an entry in MYSQL_PARTIAL_INDEX_REPLACEMENTS (MySQL has no partial indexes)`);
      names = replacement.fields;
      rest = rest.replace(/,\s*where:\s*raw\("(?:[^"\\]|\\.)*"\)/, "");
      notes.push(replacement.why);
      out[i] = `${index[1]}@@${index[2]}([${names.join(", ")}]${rest})`;
    }
    checkMysqlKey(model, names, fields);
  }
  return renderFields(out);
}

function checkMysqlKey(model: string, names: string[], fields: Map<string, Field>): void {
  const bytes = mysqlKeyBytes(model, names, fields);
  if (bytes > MYSQL_MAX_KEY_BYTES) {
    throw new Error(`${model}: index on ${names.join(", ")} needs ${bytes} bytes, more than MySQL's ${MYSQL_MAX_KEY_BYTES}`);
  }
}

function deriveGenerator(block: Block, provider: DerivedProvider): string[] | undefined {
  if (!block.lines.some((l) => /provider\s*=\s*"prisma-client"/.test(l))) return undefined;
  return block.lines.flatMap((line) => {
    if (/^\s*output\s*=/.test(line)) return [line.replace(/"[^"]*"/, `"../../src/db/generated/${provider}/prisma"`)];
    // Partial indexes are the only preview feature in use, and MySQL has none.
    if (provider === "mysql" && /^\s*previewFeatures\s*=/.test(line)) return [];
    return [line];
  });
}

const EXPLANATION: Record<DerivedProvider, string[]> = {
  postgresql: ["// PostgreSQL: no native types needed (strings are TEXT); job_running stays a partial index."],
  mysql: [
    "// MySQL/MariaDB: native types as in cc-backend's MySQL schema (VARCHAR(255), TEXT for JSON documents,",
    "// TINYINT flags, TIMESTAMP insert times), so that an existing cc-backend database is described exactly.",
  ],
};

/** The schema for `provider`, derived from the text of prisma/schema.prisma. */
export function deriveProviderSchema(source: string, provider: DerivedProvider): string {
  const { blocks } = parseBlocks(source);
  const notes: string[] = [];
  const parts: string[][] = [];
  for (const block of blocks) {
    if (block.kind === "generator") {
      const derived = deriveGenerator(block, provider);
      if (derived) parts.push(derived);
    } else if (block.kind === "datasource") {
      parts.push(block.lines.map((l) => l.replace(/(provider\s*=\s*)"[^"]*"/, `$1"${provider}"`)));
    } else if (block.kind === "model") {
      parts.push(deriveModel(block, provider, notes));
    } else {
      parts.push(block.lines);
    }
  }
  const header = [
    "// GENERATED from prisma/schema.prisma by scripts/prisma-providers.ts (npm run prisma:providers); do not edit.",
    ...EXPLANATION[provider],
    ...notes.map((n) => `// ${n}`),
  ];
  return `${header.join("\n")}\n\n${parts.map((p) => p.join("\n")).join("\n\n")}\n`;
}

/** A model as the database sees it: table, columns and keys, for tests that compare it with a real schema. */
export interface ModelShape {
  model: string;
  table: string;
  columns: { field: string; column: string; type: string; optional: boolean; nativeType?: string; attributes: string }[];
  /** Column names; `name` is the map: argument or undefined for Prisma's default name. */
  keys: { kind: "id" | "unique" | "index"; columns: string[]; name?: string; where?: string }[];
}

const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes"]);

export function readModels(schema: string): ModelShape[] {
  return parseBlocks(schema)
    .blocks.filter((b) => b.kind === "model")
    .map((block) => {
      const lines = block.lines.slice(block.lines.findIndex((l) => l.startsWith("model ")) + 1);
      const table = lines.map((l) => /^\s*@@map\("([^"]+)"\)/.exec(l)?.[1]).find(Boolean) ?? block.name;
      const fields = lines.map((l) => (/^\s+/.test(l) ? parseField(l) : undefined)).filter((f): f is Field => f !== undefined && SCALARS.has(f.type));
      const columnOf = new Map(fields.map((f) => [f.name, /@map\("([^"]+)"\)/.exec(f.attributes)?.[1] ?? f.name]));
      const columns = fields.map((f) => ({
        field: f.name,
        column: columnOf.get(f.name)!,
        type: f.type,
        optional: f.modifier === "?",
        ...(/@db\.(\w+(?:\([^)]*\))?)/.test(f.attributes) ? { nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(f.attributes)![1] } : {}),
        attributes: f.attributes,
      }));
      const keys: ModelShape["keys"] = fields.filter((f) => /@id\b/.test(f.attributes)).map((f) => ({ kind: "id" as const, columns: [columnOf.get(f.name)!] }));
      for (const line of lines) {
        const index = BLOCK_INDEX.exec(line);
        if (!index) continue;
        const name = /map:\s*"([^"]+)"/.exec(index[4]!)?.[1];
        const where = /where:\s*raw\("((?:[^"\\]|\\.)*)"\)/.exec(index[4]!)?.[1];
        keys.push({
          kind: index[2] as "id" | "unique" | "index",
          columns: indexFieldNames(index[3]!).map((f) => columnOf.get(f) ?? f),
          ...(name ? { name } : {}),
          ...(where ? { where } : {}),
        });
      }
      return { model: block.name, table, columns, keys };
    });
}

export function writeProviderSchemas(): string[] {
  const source = readFileSync(sourceSchemaPath, "utf8");
  return DERIVED_PROVIDERS.map((provider) => {
    const file = derivedSchemaPath(provider);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, deriveProviderSchema(source, provider));
    return file;
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    for (const file of writeProviderSchemas()) console.log(`wrote ${path.relative(root, file)}`);
  } catch (error) {
    console.error(`prisma:providers: ${(error as Error).message}`);
    process.exit(1);
  }
}
