-- Where each attempt's output starts in each pod's log (jobs/<id>/logs/pod-<i>.log):
-- every attempt appends to the same file, so its part is from its start to the
-- next attempt's. The offset is the log's size when the attempt is claimed,
-- before its "[jobkit] attempt N of M started" line is written. Jobs that ran
-- before this table have no rows: their attempts after the first cannot be told
-- apart (docs/server.md, "Logs per attempt"). Written to run unchanged on H2
-- and PostgreSQL.

CREATE TABLE job_log_starts (
  job_id       VARCHAR(40) NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  attempt      INT         NOT NULL,
  pod_index    INT         NOT NULL,
  start_offset BIGINT      NOT NULL,
  PRIMARY KEY (job_id, attempt, pod_index)
);
