-- The schema cc-backend v1.0's six MySQL migrations leave behind (golang-migrate version 6). A
-- cc-backend database is adopted by recording this migration as applied, so it must stay equal to that
-- schema: same columns and types, and the index and foreign key names MySQL gave the unnamed ones
-- there (job_id, tag_type, jobtag_ibfk_1, ...). Its quirks (tag.id without AUTO_INCREMENT, insert_time
-- instead of insert_ts) are fixed by the next migration, for adopted and new databases alike.
-- Beyond upstream: utf8mb4 stated per table rather than left to the server's default (often latin1),
-- and DOUBLE for upstream's REAL, which is the same type unless sql_mode has REAL_AS_FLOAT.
-- Hand-written: Prisma's schema engine cannot run against MySQL here. MySQL cannot roll back DDL, so
-- every migration here is a few statements, each of which succeeds or fails as a whole.

CREATE TABLE job (
    id                  INT NOT NULL AUTO_INCREMENT,
    job_id              BIGINT NOT NULL,
    cluster             VARCHAR(255) NOT NULL,
    subcluster          VARCHAR(255) NOT NULL,
    start_time          BIGINT NOT NULL,
    `user`              VARCHAR(255) NOT NULL,
    project             VARCHAR(255) NOT NULL,
    `partition`         VARCHAR(255) NULL,
    array_job_id        BIGINT NULL,
    duration            INT NOT NULL DEFAULT 0,
    walltime            INT NOT NULL DEFAULT 0,
    job_state           VARCHAR(255) NOT NULL
        CHECK (job_state IN ('running', 'completed', 'failed', 'cancelled', 'stopped', 'timeout', 'preempted', 'out_of_memory')),
    meta_data           TEXT NULL,
    resources           TEXT NOT NULL,
    num_nodes           INT NOT NULL,
    num_hwthreads       INT NULL,
    num_acc             INT NULL,
    smt                 TINYINT NOT NULL DEFAULT 1 CHECK (smt IN (0, 1)),
    exclusive           TINYINT NOT NULL DEFAULT 1 CHECK (exclusive IN (0, 1, 2)),
    monitoring_status   TINYINT NOT NULL DEFAULT 1 CHECK (monitoring_status IN (0, 1, 2, 3)),
    mem_used_max        DOUBLE NOT NULL DEFAULT 0,
    flops_any_avg       DOUBLE NOT NULL DEFAULT 0,
    mem_bw_avg          DOUBLE NOT NULL DEFAULT 0,
    load_avg            DOUBLE NOT NULL DEFAULT 0,
    net_bw_avg          DOUBLE NOT NULL DEFAULT 0,
    net_data_vol_total  DOUBLE NOT NULL DEFAULT 0,
    file_bw_avg         DOUBLE NOT NULL DEFAULT 0,
    file_data_vol_total DOUBLE NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY job_id (job_id, cluster, start_time),
    KEY job_stats (cluster, subcluster, `user`),
    KEY job_by_user (`user`),
    KEY job_by_starttime (start_time),
    KEY job_by_job_id (job_id),
    KEY job_list (cluster, job_state),
    KEY job_list_user (`user`, cluster, job_state),
    KEY job_list_users (`user`, job_state),
    KEY job_list_users_start (start_time, `user`, job_state)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE tag (
    id          INT NOT NULL,
    tag_type    VARCHAR(255) NOT NULL,
    tag_name    VARCHAR(255) NOT NULL,
    insert_time TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY tag_type (tag_type, tag_name)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE jobtag (
    job_id      INT NOT NULL,
    tag_id      INT NOT NULL,
    insert_time TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (job_id, tag_id),
    FOREIGN KEY (job_id) REFERENCES job (id) ON DELETE CASCADE,
    FOREIGN KEY (tag_id) REFERENCES tag (id) ON DELETE CASCADE
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE `user` (
    username VARCHAR(255) NOT NULL,
    password VARCHAR(255) NULL DEFAULT NULL,
    ldap     TINYINT NOT NULL DEFAULT 0,
    name     VARCHAR(255) NULL DEFAULT NULL,
    roles    VARCHAR(255) NOT NULL DEFAULT '[]',
    email    VARCHAR(255) NULL DEFAULT NULL,
    projects VARCHAR(255) NOT NULL DEFAULT '[]',
    PRIMARY KEY (username)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE configuration (
    username VARCHAR(255) NOT NULL,
    confkey  VARCHAR(255) NOT NULL,
    value    TEXT NULL,
    PRIMARY KEY (username, confkey),
    FOREIGN KEY (username) REFERENCES `user` (username) ON DELETE CASCADE ON UPDATE NO ACTION
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
