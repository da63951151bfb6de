-- Covering indexes for the job list and statistics queries, and removal of the v1.0 indexes they make
-- redundant (see prisma/migrations/20261124000000_job_covering_indexes). job_by_job_id is on job_id
-- alone in cc-backend's MySQL schema, a prefix of the unique key job_id. One ALTER TABLE, so it
-- applies entirely or not at all.
ALTER TABLE job
    ADD INDEX job_cluster_state_start (cluster, job_state, start_time, duration, num_nodes, num_hwthreads, num_acc),
    ADD INDEX job_user_start (`user`, start_time, duration, num_nodes, num_hwthreads, num_acc, job_state),
    ADD INDEX job_duration_nodes (duration, num_nodes, job_state, start_time),
    DROP INDEX job_by_job_id,
    DROP INDEX job_by_user,
    DROP INDEX job_by_starttime,
    DROP INDEX job_list;
