-- Datasets, models and results. A dataset is a file a user uploaded (kept under the data dir,
-- source 'upload') or registered in place under a configured root (source 'path'); its size and
-- SHA-256 are taken when it is added, its rows and columns when it reads as CSV. A model or a
-- result is what a job of the shipped train or predict app produced: its files (path, size,
-- sha256, as JSON) and metrics (JSON), recorded when the job succeeded. Deleting a job deletes
-- its models and results (the service does it, in the same transaction as the job). Written to
-- run unchanged on H2 and PostgreSQL.

CREATE TABLE datasets (
  id           VARCHAR(64)   NOT NULL PRIMARY KEY,
  owner        VARCHAR(64)   NOT NULL,
  name         VARCHAR(200)  NOT NULL,
  source       VARCHAR(16)   NOT NULL,
  path         VARCHAR(4096) NOT NULL,
  size_bytes   BIGINT        NOT NULL,
  sha256       VARCHAR(64)   NOT NULL,
  row_count    BIGINT,
  column_count INT,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX datasets_owner ON datasets (owner, created_at);

CREATE TABLE models (
  id         VARCHAR(64)     NOT NULL PRIMARY KEY,
  job_id     VARCHAR(64)     NOT NULL,
  owner      VARCHAR(64)     NOT NULL,
  app        VARCHAR(64)     NOT NULL,
  files      VARCHAR(65536)  NOT NULL,
  metrics    VARCHAR(65536)  NOT NULL,
  parameters VARCHAR(65536),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX models_job ON models (job_id);
CREATE INDEX models_owner ON models (owner, created_at);

CREATE TABLE results (
  id         VARCHAR(64)     NOT NULL PRIMARY KEY,
  job_id     VARCHAR(64)     NOT NULL,
  owner      VARCHAR(64)     NOT NULL,
  app        VARCHAR(64)     NOT NULL,
  model_id   VARCHAR(64),
  files      VARCHAR(65536)  NOT NULL,
  metrics    VARCHAR(65536)  NOT NULL,
  parameters VARCHAR(65536),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX results_job ON results (job_id);
CREATE INDEX results_owner ON results (owner, created_at);
