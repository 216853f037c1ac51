-- Jobs whose app has hooks (preprocess, postprocess, on_error, on_timeout) or transfers (stage_in,
-- stage_out) run on a service's own executor only: an external worker runs a job's command, not
-- its app's steps, and a job must run the same wherever it runs (docs/workers.md). Set at submit.
-- The app jobs waiting at the upgrade are taken as such: their steps were not looked at.
-- Written to run unchanged on H2 and PostgreSQL.

ALTER TABLE jobs ADD COLUMN service_only BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE jobs SET service_only = TRUE
  WHERE app IS NOT NULL AND status IN ('QUEUED', 'RESTART_READY', 'AWAITING_PARENTS');
