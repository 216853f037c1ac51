-- Results of a job: the manifest of the files it wrote under its output dir, computed once when
-- the job ended (path relative with '/', size, SHA-256, modified time, media type), one row per
-- file plus one row saying the manifest is complete (a job that wrote nothing has that row and no
-- file rows). Retention removes a job's results and logs and records when on the job
-- (results_expired_at), dropping its manifest. Deleting a job deletes its manifest. Written to
-- run unchanged on H2 and PostgreSQL.

ALTER TABLE jobs ADD COLUMN results_expired_at TIMESTAMP WITH TIME ZONE;

CREATE TABLE job_result_manifests (
  job_id      VARCHAR(40) NOT NULL PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  computed_at TIMESTAMP WITH TIME ZONE NOT NULL,
  file_count  BIGINT      NOT NULL,
  total_bytes BIGINT      NOT NULL
);

CREATE TABLE job_result_files (
  job_id      VARCHAR(40)   NOT NULL REFERENCES job_result_manifests (job_id) ON DELETE CASCADE,
  path        VARCHAR(4096) NOT NULL,
  size_bytes  BIGINT        NOT NULL,
  sha256      VARCHAR(64)   NOT NULL,
  modified_at TIMESTAMP WITH TIME ZONE NOT NULL,
  media_type  VARCHAR(200)  NOT NULL,
  PRIMARY KEY (job_id, path)
);
