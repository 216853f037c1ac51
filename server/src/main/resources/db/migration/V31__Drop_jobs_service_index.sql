-- jobs_service (service_id, status) served no query: the recovery of a dead service's jobs looks
-- them up by status (jobs_status) and reads service_id from the rows it finds. Every status change
-- rewrote the job's entry in it (its key holds the status), on the embedded H2 database as a
-- delete and an insert. docs/server.md, "Commits per job on PostgreSQL".
-- Written to run unchanged on H2 and PostgreSQL.

DROP INDEX IF EXISTS jobs_service;
