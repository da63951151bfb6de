-- MySQL only. The names a job is seen and grouped by compare exactly, as on SQLite and PostgreSQL:
-- with the table's case- and accent-insensitive collation the user "alice" would see the jobs of
-- "Alice", and statistics would merge their groups. LIKE filters stay case-insensitive (the queries
-- give them a collation of their own, see src/db/sql/dialect.ts).
ALTER TABLE job
    MODIFY cluster     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY subcluster  VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY `user`      VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY project     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    MODIFY `partition` VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL;
