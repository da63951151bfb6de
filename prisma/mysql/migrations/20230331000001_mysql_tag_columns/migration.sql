-- MySQL only: where cc-backend's MySQL schema departs from its SQLite one and from the Prisma model.
-- tag.id lacks AUTO_INCREMENT there (creating a tag without an id fails in strict mode), and the tag
-- insert times are named insert_time instead of insert_ts. cc-backend v1.0 reads neither column name,
-- so an adopted database stays usable by it. The times stay TIMESTAMP: instants, whatever the session
-- time zone. MySQL (unlike MariaDB) refuses to change a column a foreign key refers to (jobtag.tag_id
-- refers to tag.id) while foreign key checks are on, and the type does not change.
SET FOREIGN_KEY_CHECKS = 0;

ALTER TABLE tag
    MODIFY id INT NOT NULL AUTO_INCREMENT,
    CHANGE insert_time insert_ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP;

SET FOREIGN_KEY_CHECKS = 1;

ALTER TABLE jobtag
    CHANGE insert_time insert_ts TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP;
