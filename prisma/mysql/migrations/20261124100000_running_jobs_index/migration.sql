-- Running jobs (see prisma/migrations/20261124100000_running_jobs_index). MySQL and MariaDB have no
-- partial indexes: this plain index leads with job_state, so the running jobs are one range of it.
-- project and cluster are left out of the partial index's columns: with them the key would exceed
-- InnoDB's 3072 bytes (VARCHAR(255) takes 1020 bytes in utf8mb4).
ALTER TABLE job
    ADD INDEX job_running (job_state, `user`, start_time, duration, num_nodes, num_hwthreads, num_acc);
