-- Share tokens: a read-only token of one job (its log, events and results), made by the job's
-- owner or an admin, valid until expires_at (at most 30 days after its creation) or until it is
-- revoked, which deletes its row. Only the token's SHA-256 is kept, like an API key's. Deleting the
-- job deletes its shares. Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE shares (
  id         VARCHAR(64) NOT NULL PRIMARY KEY,
  job_id     VARCHAR(40) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  token_hash VARCHAR(64) NOT NULL UNIQUE,
  created_by VARCHAR(64) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX shares_job ON shares (job_id, expires_at);
