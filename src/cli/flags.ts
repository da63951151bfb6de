import { parseArgs } from "node:util";
import { isLogLevel, type LogLevelName } from "../log.js";

/** The flags of cc-backend v1.0 (plus --help and --gen-keypair); `-flag` and `--flag` both work. */
export const FLAGS = {
  config: { type: "string", arg: "<path>", help: "config file (default ./config.json, used if present)" },
  init: { type: "boolean", help: "create ./var, a config.json and an .env with fresh keys (existing files are kept)" },
  "migrate-db": { type: "boolean", help: "create the database or migrate it to this version's schema, then exit" },
  "init-db": { type: "boolean", help: "rebuild the job, tag and jobtag tables from the job archive" },
  "add-user": { type: "string", arg: "<user>:<roles>:<password>", help: "add a local user; roles from admin,support,manager,api,user" },
  "del-user": { type: "string", arg: "<user>", help: "remove a user" },
  "sync-ldap": { type: "boolean", help: "synchronise the user table with LDAP" },
  jwt: { type: "string", arg: "<user>", help: "print a JWT for that user (the token only)" },
  "import-job": { type: "string", arg: "<meta.json>:<data.json>[,...]", help: "import finished jobs into archive and database" },
  "gen-keypair": { type: "boolean", help: "print a new Ed25519 key pair for .env (JWT_PUBLIC_KEY, JWT_PRIVATE_KEY)" },
  "generate-archive": { type: "string", arg: "<dir>[:<jobs>]", help: "write a generated demo job archive (default 5000 jobs) into an empty or new folder" },
  "meta-only": { type: "boolean", help: "with --generate-archive: only meta.json files (for import benchmarks)" },
  server: { type: "boolean", help: "serve HTTP(S); runs after the other flags" },
  dev: { type: "boolean", help: "also serve GraphQL Playground at /playground and Swagger UI at /swagger/" },
  gops: { type: "boolean", help: "accepted for compatibility with cc-backend; has no effect" },
  version: { type: "boolean", help: "print version information and exit" },
  loglevel: { type: "string", arg: "<level>", help: "debug, info, warn (default), err, fatal or crit" },
  logdate: { type: "boolean", help: "add date and time to log lines" },
  help: { type: "boolean", help: "print this help and exit" },
} as const satisfies Record<string, { type: "string" | "boolean"; arg?: string; help: string }>;

type FlagName = keyof typeof FLAGS;
export type Flags = {
  [K in FlagName]?: (typeof FLAGS)[K]["type"] extends "string" ? string : boolean;
} & { loglevel?: LogLevelName };

export class UsageError extends Error {}

/** Go's flag package accepts `-name`; Node's parser wants `--name`. */
function normalise(arg: string): string {
  return /^-[^-]/.test(arg) && arg.length > 2 ? `-${arg}` : arg;
}

export function parseFlags(argv: string[]): Flags {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.map(normalise),
      options: Object.fromEntries(Object.entries(FLAGS).map(([name, f]) => [name, { type: f.type }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    const message = (error as Error).message.split("\n")[0]!.replace(/\. To specify.*$/, "");
    throw new UsageError(`${message} (see --help)`);
  }
  const flags = parsed.values as Flags & { loglevel?: string };
  for (const [name, value] of Object.entries(flags)) {
    if (typeof value === "string" && value === "" && name !== "config") throw new UsageError(`flag --${name} needs a value`);
  }
  if (flags.loglevel !== undefined && !isLogLevel(flags.loglevel)) {
    throw new UsageError(`invalid --loglevel "${flags.loglevel}" (use debug, info, warn, err, fatal or crit)`);
  }
  return flags as Flags;
}

export function helpText(): string {
  const rows = Object.entries(FLAGS).map(([name, f]) => {
    const left = `  --${name}${"arg" in f ? ` ${f.arg}` : ""}`;
    return `${left.padEnd(48)} ${f.help}`;
  });
  return [
    "Usage: cc-backend [flags]",
    "",
    "Job-specific performance monitoring for HPC clusters (ClusterCockpit), compatible with cc-backend v1.0.",
    "",
    "Flags (-flag and --flag are the same):",
    ...rows,
    "",
    "Examples:",
    "  cc-backend --init",
    "  cc-backend --migrate-db",
    "  cc-backend --add-user demo:admin:secret --server --dev",
  ].join("\n");
}
