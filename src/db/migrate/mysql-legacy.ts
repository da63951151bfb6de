import type { Connection } from "mariadb";
import { LEGACY_TARGET_VERSION, LegacyDatabaseError, type LegacyVersion } from "./legacy.js";

/**
 * cc-backend (Go) databases on MySQL/MariaDB: golang-migrate's `schema_migrations (version, dirty)`,
 * and the schema of cc-backend's MySQL migrations. Versions 1–5 are brought to 6 here, the schema our
 * MySQL baseline describes. golang-migrate's bookkeeping is kept: each step first records its version
 * as dirty and clears the flag when done, so a step that fails half-way (MySQL cannot roll back DDL)
 * leaves the database marked dirty, as cc-backend itself would.
 */

export async function readMysqlLegacyVersion(conn: Connection): Promise<LegacyVersion | undefined> {
  const rows = (await conn.query("SELECT version, dirty FROM schema_migrations ORDER BY version DESC LIMIT 1")) as {
    version: number | bigint;
    dirty: number | bigint | boolean;
  }[];
  const row = rows[0];
  return row ? { version: Number(row.version), dirty: Boolean(Number(row.dirty)) } : undefined;
}

/** Step N takes a database at version N-1 to version N (cc-backend's MySQL migrations 2–6). */
const STEPS: Record<number, string[]> = {
  2: [
    `ALTER TABLE job
       ADD INDEX job_stats (cluster, subcluster, \`user\`),
       ADD INDEX job_by_user (\`user\`),
       ADD INDEX job_by_starttime (start_time),
       ADD INDEX job_by_job_id (job_id),
       ADD INDEX job_list (cluster, job_state),
       ADD INDEX job_list_user (\`user\`, cluster, job_state),
       ADD INDEX job_list_users (\`user\`, job_state),
       ADD INDEX job_list_users_start (start_time, \`user\`, job_state)`,
  ],
  3: ["ALTER TABLE `user` ADD COLUMN projects VARCHAR(255) NOT NULL DEFAULT '[]'"],
  4: ["ALTER TABLE job MODIFY `partition` VARCHAR(255), MODIFY array_job_id BIGINT, MODIFY num_hwthreads INT, MODIFY num_acc INT"],
  5: [
    "ALTER TABLE tag ADD COLUMN insert_time TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP",
    "ALTER TABLE jobtag ADD COLUMN insert_time TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP",
  ],
  6: ["ALTER TABLE configuration MODIFY value TEXT"],
};

/**
 * The columns of version 6, which the baseline migration is recorded for without running it. A
 * database claiming version 6 without them was changed by hand, and the later migrations would fail
 * on it half-way; it is refused before anything is changed.
 */
const V6_COLUMNS: Record<string, string[]> = {
  job: [
    "id", "job_id", "cluster", "subcluster", "start_time", "user", "project", "partition", "array_job_id", "duration", "walltime",
    "job_state", "meta_data", "resources", "num_nodes", "num_hwthreads", "num_acc", "smt", "exclusive", "monitoring_status",
    "mem_used_max", "flops_any_avg", "mem_bw_avg", "load_avg", "net_bw_avg", "net_data_vol_total", "file_bw_avg", "file_data_vol_total",
  ],
  tag: ["id", "tag_type", "tag_name", "insert_time"],
  jobtag: ["job_id", "tag_id", "insert_time"],
  user: ["username", "password", "ldap", "name", "roles", "email", "projects"],
  configuration: ["username", "confkey", "value"],
};

/** Upgrades a cc-backend database to version 6 and returns the versions applied. */
export async function upgradeMysqlLegacyDatabase(conn: Connection, from: LegacyVersion | undefined): Promise<number[]> {
  if (!from) {
    throw new LegacyDatabaseError("cc-backend's schema_migrations table is empty, so the schema version is unknown; upgrade the database with cc-backend v1.0 first");
  }
  if (from.dirty) {
    throw new LegacyDatabaseError(
      `cc-backend database is marked dirty at version ${from.version} (a previous migration failed half-way); restore it from a backup`,
    );
  }
  if (from.version > LEGACY_TARGET_VERSION) {
    throw new LegacyDatabaseError(`cc-backend database is at version ${from.version}, newer than the supported version ${LEGACY_TARGET_VERSION}`);
  }
  if (from.version < 1) throw new LegacyDatabaseError(`cc-backend database is at version ${from.version}; upgrade it with cc-backend v1.0 first`);
  const applied: number[] = [];
  for (let version = from.version + 1; version <= LEGACY_TARGET_VERSION; version++) {
    await setLegacyVersion(conn, version, true);
    for (const statement of STEPS[version]!) {
      try {
        await conn.query(statement);
      } catch (error) {
        throw new LegacyDatabaseError(
          `cc-backend migration ${version} failed (${(error as Error).message}); the database is marked dirty at version ${version}, restore it from a backup`,
        );
      }
    }
    await setLegacyVersion(conn, version, false);
    applied.push(version);
  }
  return applied;
}

/** golang-migrate keeps one row: the current version and whether its migration is still under way. */
export async function setLegacyVersion(conn: Connection, version: number, dirty: boolean): Promise<void> {
  await conn.query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, dirty BOOLEAN NOT NULL)");
  await conn.query("DELETE FROM schema_migrations");
  await conn.query("INSERT INTO schema_migrations (version, dirty) VALUES (?, ?)", [version, dirty]);
}

/** Throws unless the tables have every column of cc-backend's version-6 schema. */
export async function assertMysqlVersion6Shape(conn: Connection): Promise<void> {
  const rows = (await conn.query(
    "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE()",
  )) as { t: string; c: string }[];
  const present = new Set(rows.map((r) => `${r.t}.${r.c}`));
  const missing = Object.entries(V6_COLUMNS).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`).filter((tc) => !present.has(tc)));
  if (missing.length > 0) {
    throw new LegacyDatabaseError(
      `the database says cc-backend schema version ${LEGACY_TARGET_VERSION} but lacks ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}; refusing to adopt it`,
    );
  }
}
