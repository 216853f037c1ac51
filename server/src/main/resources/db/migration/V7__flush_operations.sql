-- A flush runs in the background as an operation that its caller follows
-- (GET /api/v1/operations/{id}). Its row says how far it got: the counts move
-- as it works, skipped names (as JSON, the first 1,000) the jobs it could not
-- remove, preview the first jobs it hit. A service that starts finds the rows a
-- previous run left 'running' and marks them 'interrupted'; finished rows are
-- removed a day after they end (jobkit.flush.keep-finished). Written to run
-- unchanged on H2 and PostgreSQL.

CREATE TABLE flush_operations (
  id              VARCHAR(40)  PRIMARY KEY,
  status          VARCHAR(16)  NOT NULL,
  status_reason   VARCHAR(1000),
  requested_by    VARCHAR(64)  NOT NULL,
  scope           VARCHAR(16)  NOT NULL,
  owner           VARCHAR(64),
  purge_artifacts BOOLEAN      NOT NULL,
  force_stop      BOOLEAN      NOT NULL,
  snapshot        VARCHAR(64),
  matched         INT          NOT NULL,
  stopped         INT          NOT NULL,
  deleted         INT          NOT NULL,
  skipped_count   INT          NOT NULL,
  skipped         VARCHAR(1000000),
  preview         VARCHAR(65536),
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  finished_at     TIMESTAMP WITH TIME ZONE
);
CREATE INDEX flush_operations_requester ON flush_operations (requested_by, status);
CREATE INDEX flush_operations_finished ON flush_operations (finished_at);
