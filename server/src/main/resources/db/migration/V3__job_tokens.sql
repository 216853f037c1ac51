-- The token a running job's pods get as JOBKIT_TOKEN: it acts as the job's owner (never as an
-- admin) with actor kind 'job'. Only its SHA-256 is kept, like an API key's. One attempt's token
-- is removed when the attempt ends (and every token at the service's start, since no pod of a
-- previous run survives it); authentication also refuses the token of a job that has ended.
-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE job_tokens (
  token_hash VARCHAR(64) PRIMARY KEY,
  job_id     VARCHAR(40) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt    INT         NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX job_tokens_job ON job_tokens (job_id, attempt);
