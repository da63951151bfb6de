import type Database from "better-sqlite3";

/**
 * Databases created by cc-backend (Go) carry golang-migrate's `schema_migrations (version, dirty)`
 * instead of Prisma's history. This module brings such a database from any version 1–5 to version 6,
 * the schema our baseline migration describes, in one transaction. The steps follow cc-backend's
 * own migrations, rewritten where this SQLite refuses them: no double-quoted strings, and table
 * rebuilds instead of `PRAGMA writable_schema` (which better-sqlite3's defensive mode forbids).
 */

export const LEGACY_TARGET_VERSION = 6;

export class LegacyDatabaseError extends Error {}

export interface LegacyVersion {
  version: number;
  dirty: boolean;
}

export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

export function readLegacyVersion(db: Database.Database): LegacyVersion | undefined {
  if (!hasTable(db, "schema_migrations")) return undefined;
  const row = db.prepare("SELECT version, dirty FROM schema_migrations ORDER BY version DESC LIMIT 1").get() as
    | { version: number | bigint; dirty: number | bigint | boolean }
    | undefined;
  if (!row) return { version: 0, dirty: false };
  return { version: Number(row.version), dirty: Boolean(Number(row.dirty)) };
}

const V1_JOB_INDEXES = `
CREATE INDEX IF NOT EXISTS job_stats            ON job (cluster, subcluster, user);
CREATE INDEX IF NOT EXISTS job_by_user          ON job (user);
CREATE INDEX IF NOT EXISTS job_by_starttime     ON job (start_time);
CREATE INDEX IF NOT EXISTS job_by_job_id        ON job (job_id, cluster, start_time);
CREATE INDEX IF NOT EXISTS job_list             ON job (cluster, job_state);
CREATE INDEX IF NOT EXISTS job_list_user        ON job (user, cluster, job_state);
CREATE INDEX IF NOT EXISTS job_list_users       ON job (user, job_state);
CREATE INDEX IF NOT EXISTS job_list_users_start ON job (start_time, user, job_state);`;

const jobTable = (name: string, states: string, unique: string) => `
CREATE TABLE ${name} (
id                INTEGER PRIMARY KEY,
job_id            BIGINT NOT NULL,
cluster           VARCHAR(255) NOT NULL,
subcluster        VARCHAR(255) NOT NULL,
start_time        BIGINT NOT NULL,
user              VARCHAR(255) NOT NULL,
project           VARCHAR(255) NOT NULL,
partition         VARCHAR(255),
array_job_id      BIGINT,
duration          INT NOT NULL,
walltime          INT NOT NULL,
job_state         VARCHAR(255) NOT NULL CHECK(job_state IN (${states})),
meta_data         TEXT,
resources         TEXT NOT NULL,
num_nodes         INT NOT NULL,
num_hwthreads     INT,
num_acc           INT,
smt               TINYINT NOT NULL DEFAULT 1 CHECK(smt IN (0, 1)),
exclusive         TINYINT NOT NULL DEFAULT 1 CHECK(exclusive IN (0, 1, 2)),
monitoring_status TINYINT NOT NULL DEFAULT 1 CHECK(monitoring_status IN (0, 1, 2, 3)),
mem_used_max        REAL NOT NULL DEFAULT 0.0,
flops_any_avg       REAL NOT NULL DEFAULT 0.0,
mem_bw_avg          REAL NOT NULL DEFAULT 0.0,
load_avg            REAL NOT NULL DEFAULT 0.0,
net_bw_avg          REAL NOT NULL DEFAULT 0.0,
net_data_vol_total  REAL NOT NULL DEFAULT 0.0,
file_bw_avg         REAL NOT NULL DEFAULT 0.0,
file_data_vol_total REAL NOT NULL DEFAULT 0.0${unique});`;

/** Step N takes a database at version N-1 to version N. */
const STEPS: Record<number, string> = {
  // IF NOT EXISTS: cc-backend databases from before versioning have the tables but no version table.
  1: (
    jobTable("job", "'running', 'completed', 'failed', 'canceled', 'stopped', 'timeout'", "") +
    `
CREATE TABLE tag (id INTEGER PRIMARY KEY, tag_type VARCHAR(255) NOT NULL, tag_name VARCHAR(255) NOT NULL, UNIQUE (tag_type, tag_name));
CREATE TABLE jobtag (job_id INTEGER, tag_id INTEGER, PRIMARY KEY (job_id, tag_id),
  FOREIGN KEY (job_id) REFERENCES job (id) ON DELETE CASCADE, FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE);
CREATE TABLE user (username varchar(255) PRIMARY KEY NOT NULL, password varchar(255) DEFAULT NULL,
  ldap tinyint NOT NULL DEFAULT 0, name varchar(255) DEFAULT NULL, roles varchar(255) NOT NULL DEFAULT '[]', email varchar(255) DEFAULT NULL);
CREATE TABLE configuration (username varchar(255), confkey varchar(255), value varchar(255), PRIMARY KEY (username, confkey),
  FOREIGN KEY (username) REFERENCES user (username) ON DELETE CASCADE ON UPDATE NO ACTION);`
  ).replaceAll("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS "),
  2: V1_JOB_INDEXES,
  3: `ALTER TABLE user ADD COLUMN projects varchar(255) NOT NULL DEFAULT '[]';`,
  4:
    jobTable(
      "job_new",
      "'running', 'completed', 'failed', 'cancelled', 'stopped', 'timeout', 'preempted', 'out_of_memory'",
      ",\nUNIQUE (job_id, cluster, start_time)",
    ) +
    `
UPDATE job SET job_state = 'cancelled' WHERE job_state = 'canceled';
INSERT INTO job_new SELECT * FROM job;
DROP TABLE job;
ALTER TABLE job_new RENAME TO job;` +
    V1_JOB_INDEXES,
  // cc-backend adds the columns with a NULL default, fills them, then patches the default to
  // CURRENT_TIMESTAMP in sqlite_master; a rebuild reaches the same table without writable_schema.
  5: `
CREATE TABLE tag_new (id INTEGER PRIMARY KEY, tag_type VARCHAR(255) NOT NULL, tag_name VARCHAR(255) NOT NULL,
  insert_ts TEXT DEFAULT CURRENT_TIMESTAMP, UNIQUE (tag_type, tag_name));
INSERT INTO tag_new (id, tag_type, tag_name, insert_ts) SELECT id, tag_type, tag_name, CURRENT_TIMESTAMP FROM tag;
DROP TABLE tag;
ALTER TABLE tag_new RENAME TO tag;
CREATE TABLE jobtag_new (job_id INTEGER, tag_id INTEGER, insert_ts TEXT DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (job_id, tag_id),
  FOREIGN KEY (job_id) REFERENCES job (id) ON DELETE CASCADE, FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE);
INSERT INTO jobtag_new (job_id, tag_id, insert_ts) SELECT job_id, tag_id, CURRENT_TIMESTAMP FROM jobtag;
DROP TABLE jobtag;
ALTER TABLE jobtag_new RENAME TO jobtag;`,
  6: `
CREATE TABLE configuration_new (username varchar(255), confkey varchar(255), value text, PRIMARY KEY (username, confkey),
  FOREIGN KEY (username) REFERENCES user (username) ON DELETE CASCADE ON UPDATE NO ACTION);
INSERT INTO configuration_new SELECT * FROM configuration;
DROP TABLE configuration;
ALTER TABLE configuration_new RENAME TO configuration;`,
};

/**
 * Adopts a cc-backend database: upgrades it to version 6, converts its JSON BLOBs to text, and creates
 * Prisma's (empty) history table, all in one transaction, so any error leaves it unchanged.
 * Returns the cc-backend versions applied.
 */
export function adoptLegacyDatabase(db: Database.Database, from: LegacyVersion, historyTableDdl: string): number[] {
  if (from.dirty) {
    throw new LegacyDatabaseError(
      `cc-backend database is marked dirty at version ${from.version} (a previous migration failed half-way); restore it from a backup`,
    );
  }
  if (from.version > LEGACY_TARGET_VERSION) {
    throw new LegacyDatabaseError(
      `cc-backend database is at version ${from.version}, newer than the supported version ${LEGACY_TARGET_VERSION}`,
    );
  }
  const pending: number[] = [];
  for (let v = from.version + 1; v <= LEGACY_TARGET_VERSION; v++) pending.push(v);

  // Table rebuilds must not cascade deletes, and this pragma is ignored inside a transaction.
  const fkWasOn = db.pragma("foreign_keys", { simple: true }) === 1;
  db.pragma("foreign_keys = OFF");
  try {
    db.transaction(() => {
      for (const v of pending) db.exec(STEPS[v]!);
      const violations = db.pragma("foreign_key_check") as unknown[];
      if (violations.length > 0) {
        throw new LegacyDatabaseError(`upgrade would leave ${violations.length} dangling foreign key(s); database unchanged`);
      }
      writeLegacyVersionMarker(db);
      convertJsonBlobsToText(db);
      db.exec(historyTableDdl);
    })();
  } finally {
    if (fkWasOn) db.pragma("foreign_keys = ON");
  }
  return pending;
}

/**
 * cc-backend (Go) stores the JSON columns as BLOBs. Prisma maps them to strings and refuses BLOB
 * values, so an adopted database gets them converted to TEXT once; the bytes stay the same.
 */
function convertJsonBlobsToText(db: Database.Database): number {
  const { changes } = db
    .prepare(
      `UPDATE job SET meta_data = CAST(meta_data AS TEXT), resources = CAST(resources AS TEXT)
       WHERE typeof(meta_data) = 'blob' OR typeof(resources) = 'blob'`,
    )
    .run();
  return changes;
}

/** Lets a database we create stay readable by cc-backend v1.0, which checks this table on start. */
export function writeLegacyVersionMarker(db: Database.Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version uint64, dirty bool)");
  db.exec("CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version)");
  db.exec("DELETE FROM schema_migrations");
  db.prepare("INSERT INTO schema_migrations (version, dirty) VALUES (?, 0)").run(LEGACY_TARGET_VERSION);
}
