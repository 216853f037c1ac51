-- Workers: processes outside the service that claim jobs, run them and report back through
-- /api/v1/internal/... (docs/workers.md). A worker lives until it deregisters or misses its
-- heartbeats for jobkit.workers.claim-ttl (expires_at); then ended_at and why say how it ended, and
-- its claims are released. Rows are kept: a job's events and worker_id still name the worker.
-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE workers (
  id                VARCHAR(64)   NOT NULL PRIMARY KEY,
  name              VARCHAR(128)  NOT NULL,
  -- The account (user name, role worker or admin) whose key registered it: only that account
  -- (or an admin) may act as the worker.
  registered_by     VARCHAR(64)   NOT NULL,
  slots             INT           NOT NULL,
  -- A JSON array of app names; empty: any job.
  apps              VARCHAR(8000) NOT NULL,
  host              VARCHAR(255),
  registered_at     TIMESTAMP WITH TIME ZONE NOT NULL,
  last_heartbeat_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at          TIMESTAMP WITH TIME ZONE,
  ended_why         VARCHAR(1000)
);
CREATE INDEX workers_live ON workers (ended_at, expires_at);
CREATE INDEX workers_registered_by ON workers (registered_by, registered_at);

-- The worker that claimed the job's current (or last) attempt; NULL: the service's own local
-- executor (or never claimed).
ALTER TABLE jobs ADD COLUMN worker_id VARCHAR(64);
CREATE INDEX jobs_worker ON jobs (worker_id, status);
