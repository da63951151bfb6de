-- Covering indexes for the job list and statistics queries (measured in shared/floor/REPORT.md:
-- 51x faster running-jobs list, 860x heavy-user list, 23-34x per-user statistics at 1M jobs),
-- and removal of the v1.0 indexes they make redundant: job_by_job_id duplicates the UNIQUE index,
-- the other three are strict prefixes of a covering index. Fewer indexes keep start_job fast.
CREATE INDEX job_cluster_state_start ON job (cluster, job_state, start_time, duration, num_nodes, num_hwthreads, num_acc);
CREATE INDEX job_user_start          ON job (user, start_time, duration, num_nodes, num_hwthreads, num_acc, job_state);
CREATE INDEX job_duration_nodes      ON job (duration, num_nodes, job_state, start_time);
DROP INDEX IF EXISTS job_by_job_id;
DROP INDEX IF EXISTS job_by_user;
DROP INDEX IF EXISTS job_by_starttime;
DROP INDEX IF EXISTS job_list;
