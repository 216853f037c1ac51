-- Apps: named, versioned job templates. Every PUT of a name adds a row with the next version;
-- old versions stay readable. A DELETE marks every version of the name deleted instead of removing
-- the rows, so a name put again later goes on from the next number and a job's app_version never
-- comes to mean another definition. definition is the app's spec as JSON (command or shell
-- template, parameter schema, defaults, env, hooks, transfers). Written to run unchanged on H2 and
-- PostgreSQL.

CREATE TABLE app_versions (
  name        VARCHAR(64)     NOT NULL,
  version     INT             NOT NULL,
  definition  VARCHAR(1000000) NOT NULL,
  created_by  VARCHAR(64)     NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
  deleted_at  TIMESTAMP WITH TIME ZONE,
  PRIMARY KEY (name, version)
);

-- A job submitted by an app records which one, which version and the parameters it validated
-- (JSON); a job of a command or shell has none. No foreign key: deleting an app keeps its jobs.
ALTER TABLE jobs ADD COLUMN app VARCHAR(64);
ALTER TABLE jobs ADD COLUMN app_version INT;
ALTER TABLE jobs ADD COLUMN parameters VARCHAR(65536);
CREATE INDEX jobs_app ON jobs (app, seq);
