-- The schema of cc-backend v1.0 (golang-migrate version 6), as its six SQLite migrations leave it.
-- An existing cc-backend database is brought to this state by src/db/migrate/legacy.ts and this
-- migration is then recorded as applied, so both paths end in the same schema.
-- Differences from the upstream SQL: string literals in single quotes (this SQLite rejects "..."),
-- insert_ts defaults written directly instead of through PRAGMA writable_schema, and the shape
-- Prisma's differ expects (AUTOINCREMENT ids, named unique indexes, NOT NULL key columns, no
-- DEFAULT NULL), so that `npm run db:migration` diffs cleanly against prisma/schema.prisma.

CREATE TABLE job (
id                INTEGER PRIMARY KEY AUTOINCREMENT,
job_id            BIGINT NOT NULL,
cluster           VARCHAR(255) NOT NULL,
subcluster        VARCHAR(255) NOT NULL,
start_time        BIGINT NOT NULL, -- Unix timestamp
user              VARCHAR(255) NOT NULL,
project           VARCHAR(255) NOT NULL,
partition         VARCHAR(255),
array_job_id      BIGINT,
duration          INT NOT NULL,
walltime          INT NOT NULL,
job_state         VARCHAR(255) NOT NULL
CHECK(job_state IN ('running', 'completed', 'failed', 'cancelled', 'stopped', 'timeout', 'preempted', 'out_of_memory')),
meta_data         TEXT,          -- JSON
resources         TEXT NOT NULL, -- JSON
num_nodes         INT NOT NULL,
num_hwthreads     INT,
num_acc           INT,
smt               INTEGER NOT NULL DEFAULT 1 CHECK(smt               IN (0, 1   )),
exclusive         INTEGER NOT NULL DEFAULT 1 CHECK(exclusive         IN (0, 1, 2)),
monitoring_status INTEGER NOT NULL DEFAULT 1 CHECK(monitoring_status IN (0, 1, 2, 3)),
mem_used_max        REAL NOT NULL DEFAULT 0.0,
flops_any_avg       REAL NOT NULL DEFAULT 0.0,
mem_bw_avg          REAL NOT NULL DEFAULT 0.0,
load_avg            REAL NOT NULL DEFAULT 0.0,
net_bw_avg          REAL NOT NULL DEFAULT 0.0,
net_data_vol_total  REAL NOT NULL DEFAULT 0.0,
file_bw_avg         REAL NOT NULL DEFAULT 0.0,
file_data_vol_total REAL NOT NULL DEFAULT 0.0);

CREATE UNIQUE INDEX job_job_id_cluster_start_time_key ON job (job_id, cluster, start_time);

CREATE INDEX job_stats            ON job (cluster, subcluster, user);
CREATE INDEX job_by_user          ON job (user);
CREATE INDEX job_by_starttime     ON job (start_time);
CREATE INDEX job_by_job_id        ON job (job_id, cluster, start_time);
CREATE INDEX job_list             ON job (cluster, job_state);
CREATE INDEX job_list_user        ON job (user, cluster, job_state);
CREATE INDEX job_list_users       ON job (user, job_state);
CREATE INDEX job_list_users_start ON job (start_time, user, job_state);

CREATE TABLE tag (
id        INTEGER PRIMARY KEY AUTOINCREMENT,
tag_type  VARCHAR(255) NOT NULL,
tag_name  VARCHAR(255) NOT NULL,
insert_ts DATETIME DEFAULT CURRENT_TIMESTAMP);

CREATE UNIQUE INDEX tag_tag_type_tag_name_key ON tag (tag_type, tag_name);

CREATE TABLE jobtag (
job_id    INTEGER NOT NULL,
tag_id    INTEGER NOT NULL,
insert_ts DATETIME DEFAULT CURRENT_TIMESTAMP,
PRIMARY KEY (job_id, tag_id),
FOREIGN KEY (job_id) REFERENCES job (id) ON DELETE CASCADE ON UPDATE NO ACTION,
FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE ON UPDATE NO ACTION);

CREATE TABLE "user" (
    "username" TEXT NOT NULL PRIMARY KEY,
    "password" TEXT,
    "ldap" INTEGER NOT NULL DEFAULT 0, -- called "ldap" for historic reasons: the account's source (0 local, 1 LDAP)
    "name" TEXT,
    "roles" TEXT NOT NULL DEFAULT '[]',
    "email" TEXT,
    "projects" TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE configuration (
username varchar(255) NOT NULL,
confkey  varchar(255) NOT NULL,
value    text,
PRIMARY KEY (username, confkey),
FOREIGN KEY (username) REFERENCES user (username) ON DELETE CASCADE ON UPDATE NO ACTION);
