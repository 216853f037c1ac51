-- The services running on this database, one row each (docs/server.md, "Several services on one
-- PostgreSQL"). A service adds its row when it starts and renews it every third of
-- jobkit.datasource.lease-ttl; it ends the row when it stops. A row not renewed past expires_at
-- belongs to a dead service: the first other service to notice ends it (ended_at, ended_why) and
-- recovers the jobs it ran. On the embedded H2 database only one service runs at a time, so every
-- other row is a previous run's. Rows are kept: a job's service_id still names the service.
-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE services (
  id                 VARCHAR(64)   NOT NULL PRIMARY KEY,
  pid                BIGINT,
  host               VARCHAR(255),
  process_started_at TIMESTAMP WITH TIME ZONE,
  data_dir           VARCHAR(4000),
  started_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  renewed_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at           TIMESTAMP WITH TIME ZONE,
  ended_why          VARCHAR(1000)
);
CREATE INDEX services_live ON services (ended_at, expires_at);

-- The service whose local executor claimed the job's current (or last) attempt; NULL for a job an
-- external worker claimed (worker_id), or never claimed.
ALTER TABLE jobs ADD COLUMN service_id VARCHAR(64);
CREATE INDEX jobs_service ON jobs (service_id, status);

-- Where services share the database they share one data dir too (logs and results are files
-- there): a random mark kept here and in <data-dir>/database.id tells a service started on another
-- data dir, which is refused while a service of the shared one runs.
ALTER TABLE service_lease ADD COLUMN data_mark VARCHAR(64);
