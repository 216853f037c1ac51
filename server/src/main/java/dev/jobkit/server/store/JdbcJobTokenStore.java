package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@link JobTokenStore} on plain SQL. */
@Repository
class JdbcJobTokenStore implements JobTokenStore {

  private final JdbcClient jdbc;

  JdbcJobTokenStore(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void issue(String jobId, int attempt, String tokenHash) {
    if (attempt > 1) {
      // Each attempt's end revokes its token; this only catches one whose end was never recorded.
      jdbc.sql("DELETE FROM job_tokens WHERE job_id = ? AND attempt < ?")
          .params(jobId, attempt)
          .update();
    }
    jdbc.sql("INSERT INTO job_tokens (token_hash, job_id, attempt, created_at) VALUES (?, ?, ?, ?)")
        .params(tokenHash, jobId, attempt, SqlValues.utc(Instant.now()))
        .update();
  }

  @Override
  public Optional<Holder> find(String tokenHash) {
    return jdbc.sql(
            "SELECT j.id, j.owner, j.status FROM job_tokens t JOIN jobs j ON j.id = t.job_id"
                + " WHERE t.token_hash = ?")
        .param(tokenHash)
        .query(
            (rs, n) ->
                new Holder(
                    rs.getString("id"),
                    rs.getString("owner"),
                    JobStatus.valueOf(rs.getString("status"))))
        .optional();
  }

  @Override
  public void revoke(String jobId, int attempt) {
    jdbc.sql("DELETE FROM job_tokens WHERE job_id = ? AND attempt = ?")
        .params(jobId, attempt)
        .update();
  }

  @Override
  public void revokeOfEndedServices() {
    jdbc.sql(
            "DELETE FROM job_tokens WHERE job_id IN (SELECT j.id FROM jobs j"
                + " WHERE j.worker_id IS NULL AND (j.service_id IS NULL OR j.service_id IN"
                + " (SELECT s.id FROM services s WHERE s.ended_at IS NOT NULL)))")
        .update();
  }
}
