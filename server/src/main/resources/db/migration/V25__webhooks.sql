-- Webhooks: a user's URL that is told of their jobs' transitions, and one row per transition to
-- tell it of (a delivery), so that nothing waits in memory only. The secret signs every delivery
-- (HMAC-SHA-256), so it is kept as given, not hashed: the database file is private to the
-- service's account (mode 0600, its directory 0700), as the service's other credentials are.
-- Written to run unchanged on H2 and PostgreSQL.

CREATE TABLE webhooks (
  id            VARCHAR(64)   NOT NULL PRIMARY KEY,
  owner         VARCHAR(64)   NOT NULL,
  url           VARCHAR(2048) NOT NULL,
  -- The filters, each a JSON array; an empty one matches everything. A user's webhook has its
  -- owner as its one owner; only an admin's may name others, or none (everyone's jobs).
  statuses      VARCHAR(1000) NOT NULL,
  apps          VARCHAR(8000) NOT NULL,
  owners        VARCHAR(8000) NOT NULL,
  secret        VARCHAR(200)  NOT NULL,
  -- Only events after this one are delivered: a new webhook is not told of the past.
  after_event   BIGINT        NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks (owner, created_at);

-- How far the events were matched against the webhooks: the deliveries of every event up to
-- last_event were written in the same transaction that moved it, so a crash loses none and makes
-- none twice. One row.
CREATE TABLE webhook_cursor (
  name       VARCHAR(16) NOT NULL PRIMARY KEY,
  last_event BIGINT      NOT NULL
);
INSERT INTO webhook_cursor (name, last_event)
  SELECT 'events', COALESCE(MAX(id), 0) FROM job_events;

CREATE TABLE webhook_deliveries (
  id              VARCHAR(64)    NOT NULL PRIMARY KEY,
  webhook_id      VARCHAR(64)    NOT NULL,
  job_id          VARCHAR(64)    NOT NULL,
  event_id        BIGINT         NOT NULL,
  payload         VARCHAR(65536) NOT NULL,
  -- pending, delivered or failed (given up)
  state           VARCHAR(16)    NOT NULL,
  attempts        INT            NOT NULL,
  next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
  -- When the event committed (its own time), to measure from and to give up a day after.
  event_at        TIMESTAMP WITH TIME ZONE NOT NULL,
  last_status     INT,
  last_error      VARCHAR(1000),
  last_attempt_at TIMESTAMP WITH TIME ZONE,
  created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT webhook_deliveries_once UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_order ON webhook_deliveries (webhook_id, job_id, state, event_id);
CREATE INDEX webhook_deliveries_list ON webhook_deliveries (webhook_id, event_id);
