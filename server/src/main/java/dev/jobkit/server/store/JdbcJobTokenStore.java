package dev.jobkit.server.store;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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
  public void revokeAllBut(Set<String> keptJobs) {
    // An external worker's pods outlive a restart of the service: their tokens stay valid (they
    // end with the attempt, and authentication refuses the token of an ended job).
    String externalKept =
        "NOT EXISTS (SELECT 1 FROM jobs j"
            + " WHERE j.id = job_tokens.job_id AND j.worker_id IS NOT NULL)";
    if (keptJobs.isEmpty()) {
      jdbc.sql("DELETE FROM job_tokens WHERE " + externalKept).update();
      return;
    }
    jdbc.sql(
            "DELETE FROM job_tokens WHERE "
                + externalKept
                + " AND job_id NOT IN ("
                + String.join(", ", Collections.nCopies(keptJobs.size(), "?"))
                + ")")
        .params(List.copyOf(keptJobs))
        .update();
  }
}
