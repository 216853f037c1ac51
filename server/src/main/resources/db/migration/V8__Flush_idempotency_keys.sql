-- A flush sent again with the Idempotency-Key of an earlier one (a client whose
-- answer was lost) gets that flush's operation back instead of starting
-- another. The key is kept with the operation, so as long as the operation is
-- (jobkit.flush.keep-finished after it ends); request_hash tells a repeat of
-- the same request from a different one under the same key. Written to run
-- unchanged on H2 and PostgreSQL.

ALTER TABLE flush_operations ADD COLUMN idempotency_key VARCHAR(255);
ALTER TABLE flush_operations ADD COLUMN request_hash VARCHAR(64);
CREATE UNIQUE INDEX flush_operations_idempotency
  ON flush_operations (requested_by, idempotency_key);
