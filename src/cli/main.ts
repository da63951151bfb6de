import { existsSync } from "node:fs";
import type http from "node:http";
import { generateKeyPair } from "../auth/keys.js";
import { loadConfig, type Config } from "../config/load.js";
import type { DatabaseLocation } from "../db/dsn.js";
import { createLogger, isLogLevel, type Logger } from "../log.js";
import type { ServiceContext } from "../services/context.js";
import { versionText } from "../version.js";
import { helpText, parseFlags, UsageError, type Flags } from "./flags.js";
import { logConnectionLost } from "../db/connection-lost.js";
import { assertDatabaseCurrent, databaseLocation, migrateDatabase } from "./database.js";
import { initDirectory } from "./init.js";

/** A step that failed for a reason the user can act on: printed as one line, exit code 1. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

function loadEnvFile(file: string): void {
  if (!existsSync(file)) return;
  try {
    process.loadEnvFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

function parseNewUser(spec: string): { username: string; roles: string[]; password: string } {
  const parts = spec.split(":");
  if (parts.length < 3 || parts[0] === "") {
    throw new UsageError("--add-user expects <username>:<role,role>:<password>");
  }
  const [username, roles, ...password] = parts;
  return { username: username!, roles: roles!.split(",").filter(Boolean), password: password.join(":") };
}

async function run(flags: Flags, logger: Logger): Promise<void> {
  if (flags.help) return void console.log(helpText());
  if (flags.version) return void console.log(versionText());
  if (flags["gen-keypair"]) {
    const keys = generateKeyPair();
    return void console.log(`JWT_PUBLIC_KEY="${keys.publicKey}"\nJWT_PRIVATE_KEY="${keys.privateKey}"`);
  }
  if (flags["generate-archive"]) return generateArchive(flags["generate-archive"], flags["meta-only"] ?? false);
  if (flags.init) {
    const result = initDirectory(process.cwd());
    for (const name of result.created) console.log(`created ${name}`);
    for (const name of result.kept) console.log(`kept existing ${name}`);
  }

  loadEnvFile("./.env");
  const { config, warnings } = loadConfig(flags.config || "./config.json", flags.config !== undefined);
  for (const warning of warnings) logger.warn(warning);
  const location = databaseLocation(config);

  if (flags["migrate-db"] || flags.init) {
    if (flags.init && (location.driver !== "sqlite3" || existsSync(location.file))) {
      // --init alone never touches an existing database (nor a database server).
    } else {
      console.log((await migrateDatabase(location)).join("\n"));
    }
    if (flags["migrate-db"]) return;
  }

  const actions = ["add-user", "del-user", "sync-ldap", "jwt", "init-db", "import-job", "server"] as const;
  if (!actions.some((a) => flags[a])) {
    if (!flags.init) console.log(helpText());
    return;
  }

  // Loaded here, not at the top: --help, --version and --init should not pay for Prisma and the server.
  await assertDatabaseCurrent(location);
  const { openPrismaClient } = await import("../db/client.js");
  const { addUser, deleteUser } = await import("../services/users.js");
  const prisma = openPrismaClient(location, logConnectionLost(logger));
  const services: ServiceContext = { prisma, config, logger };
  let server: http.Server | undefined;
  const stopTasks: (() => unknown)[] = [];
  try {
    if (flags["add-user"] || flags["del-user"]) {
      if (config["disable-authentication"]) {
        throw new CliError("--add-user and --del-user need authentication enabled (disable-authentication is true)");
      }
    }
    if (flags["add-user"]) {
      const user = parseNewUser(flags["add-user"]);
      await addUser(prisma, user);
      console.log(`added user ${user.username}`);
    }
    if (flags["del-user"]) {
      await deleteUser(prisma, flags["del-user"]);
      console.log(`deleted user ${flags["del-user"]}`);
    }
    const ldap = config.ldap ? new (await import("../auth/ldap.js")).LdapDirectory(config.ldap, process.env.LDAP_ADMIN_PASSWORD) : undefined;
    if (flags["sync-ldap"]) {
      if (!ldap) throw new CliError("--sync-ldap: no ldap section in config.json");
      const result = await ldap.sync(prisma);
      console.log(`LDAP sync: ${result.added.length} added, ${result.removed.length} removed, ${result.skipped.length} skipped`);
    }
    if (flags.jwt) {
      const { Authenticator } = await import("../auth/auth.js");
      console.log(await new Authenticator(prisma, config).tokenFor(flags.jwt));
    }
    if (flags["init-db"]) await runInitDb(config, location, logger);
    if (flags["import-job"]) await runImportJob(config, location, logger, flags["import-job"]);
    if (flags.server) {
      const { createApp } = await import("../server/app.js");
      const { listen } = await import("../server/listen.js");
      const { Authenticator } = await import("../auth/auth.js");
      const auth = new Authenticator(prisma, config, undefined, ldap);
      if (ldap && ldap.syncIntervalSeconds > 0) {
        const { startPeriodicSync } = await import("../auth/ldap.js");
        stopTasks.push(startPeriodicSync(ldap, prisma, ldap.syncIntervalSeconds, logger));
      }
      // As cc-backend: no server without a readable job archive and valid cluster.json files.
      const { openArchive } = await import("../archive/open.js");
      const { ClusterRegistry } = await import("../archive/clusters.js");
      services.archive = await openArchive(config);
      services.clusters = await ClusterRegistry.load(services.archive);
      const { connectJobWriter } = await import("../db/open-job-writer.js");
      const jobWriter = await connectJobWriter(location, logger);
      services.jobWriter = jobWriter;
      stopTasks.push(() => jobWriter.close());
      const { openReadPool } = await import("../db/read-pool/open.js");
      const reader = await openReadPool(location, { logger });
      services.reader = reader;
      stopTasks.push(() => reader.close());
      // The embedded metric store of clusters with metricDataRepository kind "internal" (the default).
      const { internalStoreConfig, openMetricStore } = await import("../metricdata/internal/index.js");
      const storeConfig = internalStoreConfig(config.clusters, services.clusters.clusters, "./var/checkpoints");
      for (const warning of storeConfig.warnings) logger.warn(warning);
      const { store: metricStore } = await openMetricStore({ ...storeConfig.options, logger });
      stopTasks.push(() => metricStore.close());
      const { openMetricDataRepositories } = await import("../metricdata/open.js");
      const metricData = await openMetricDataRepositories({ clusters: config.clusters, registry: services.clusters, store: metricStore, logger });
      services.metricData = metricData;
      stopTasks.push(() => metricData.close());
      // Archives stopped jobs, first those a previous run left waiting. Stopped before everything
      // else: it reads the metric store and writes through the writer.
      const { ArchivingWorker } = await import("../services/archiving/worker.js");
      const archiving = new ArchivingWorker({ jobWriter, archive: services.archive, clusters: services.clusters, metricData, logger });
      services.archiving = archiving;
      archiving.start();
      stopTasks.unshift(() => archiving.close());
      // Walltime stopping, archive retention and compression (as config.json asks): stopped first of all.
      const { startBackgroundTasks } = await import("../services/tasks/index.js");
      const tasks = startBackgroundTasks(config, { jobWriter, archive: services.archive, archiving, logger });
      stopTasks.unshift(() => tasks.stop());
      const secure = Boolean(config["https-cert-file"] && config["https-key-file"]);
      const app = createApp(services, auth, { dev: flags.dev ?? false, sessionKey: process.env.SESSION_KEY?.trim() || undefined, secure, metricStore });
      server = await listen(app, config);
      // Signal handlers first: whoever reads the "listening" line may stop the server right away.
      const stopped = shutdownOnSignal(server, logger);
      const bound = server.address();
      const where = typeof bound === "object" && bound ? `${bound.address.includes(":") ? `[${bound.address}]` : bound.address}:${bound.port}` : config.addr;
      logger.info(`listening on ${where}`);
      console.error(`cc-backend listening on ${where}`);
      await stopped;
    }
  } finally {
    // Background work ends first (final metric checkpoint, LDAP sync timer, writer connection).
    for (const stop of stopTasks) await stop();
    await prisma.$disconnect();
  }
}

async function generateArchive(spec: string, metaOnly: boolean): Promise<void> {
  const match = /^(.+?)(?::(\d+))?$/.exec(spec);
  const jobs = Number(match?.[2] ?? 5000);
  if (!match || jobs < 1) throw new UsageError("--generate-archive expects <dir>[:<jobs>]");
  const { generateDemoArchive } = await import("../demo/index.js");
  const started = Date.now();
  const result = await generateDemoArchive({ root: match[1]!, jobs, metaOnly });
  console.log(`generated ${result.jobs} jobs on ${result.clusters.join(", ")} in ${match[1]} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

async function runInitDb(config: Config, location: DatabaseLocation, logger: Logger): Promise<void> {
  const { openArchive } = await import("../archive/open.js");
  const { rebuildJobTablesAt, InitDbInterrupted } = await import("../services/archive/init-db.js");
  const { createProgress } = await import("../services/archive/progress.js");
  const archive = await openArchive(config);
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const options = { archive, logger, validate: config.validate, progress: createProgress(), signal: abort.signal };
    const result = await rebuildJobTablesAt(location, options);
    console.log(
      `imported ${result.imported} jobs, skipped ${result.skipped}, in ${result.seconds.toFixed(1)} s (${Math.round(result.imported / Math.max(result.seconds, 0.001))} jobs/s)`,
    );
  } catch (error) {
    if (error instanceof InitDbInterrupted) throw new CliError(`--init-db interrupted; the database is unchanged`, 130);
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

async function runImportJob(config: Config, location: DatabaseLocation, logger: Logger, spec: string): Promise<void> {
  const { openArchive } = await import("../archive/open.js");
  const { ClusterRegistry } = await import("../archive/clusters.js");
  const { importJobFiles } = await import("../services/archive/import-job.js");
  const archive = await openArchive(config);
  const { connectJobWriter } = await import("../db/open-job-writer.js");
  const jobWriter = await connectJobWriter(location, logger);
  try {
    const jobs = await importJobFiles({ archive, clusters: await ClusterRegistry.load(archive), jobWriter, validate: config.validate }, spec);
    for (const job of jobs) {
      const units = job.unitChanges.map((c) => `${c.metric} ${c.from}->${c.to}`).join(", ");
      console.log(`imported job ${job.jobId} on ${job.cluster} (database id ${job.id})${units ? `; units: ${units}` : ""}`);
    }
  } finally {
    await jobWriter.close();
  }
}

/** Stops accepting connections on SIGINT/SIGTERM and resolves once open requests have finished. */
function shutdownOnSignal(server: http.Server, logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      logger.info(`${signal}: shutting down`);
      server.close(() => resolve());
      server.closeIdleConnections();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}

export async function main(argv: string[]): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(argv);
  } catch (error) {
    console.error(`cc-backend: ${(error as Error).message}`);
    return 2;
  }
  const envLevel = process.env.LOGLEVEL;
  const logger = createLogger({
    level: flags.loglevel ?? (envLevel && isLogLevel(envLevel) ? envLevel : "warn"),
    withDate: flags.logdate,
  });
  try {
    await run(flags, logger);
    return 0;
  } catch (error) {
    const exitCode = error instanceof CliError ? error.exitCode : error instanceof UsageError ? 2 : 1;
    const message = (error as Error).message.split("\n")[0];
    console.error(`cc-backend: ${message}`);
    if (!(error instanceof CliError || error instanceof UsageError)) logger.debug({ err: error }, "command failed");
    return exitCode;
  }
}
