package dev.jobkit.server.store;

import static dev.jobkit.server.store.SqlValues.utc;

import dev.jobkit.sdk.jobs.PodStatus;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The writes a transition may carry ({@code job_attempts}, {@code job_pods}, {@code
 * job_log_starts}, {@code job_tokens}, an empty {@code job_result_manifests}), bound to the
 * transition's transaction. None returns anything its caller reads, so on PostgreSQL they are held
 * ({@link PendingStatements}, the write's {@link EventRows.Batch#held}) and go ahead of the
 * transaction's next statement, in the same round trip; on H2, in the same JVM, each runs at once.
 */
final class AttemptRows implements JobStore.Tx {

  private final JdbcClient jdbc;
  private final EventRows.Batch batch;

  /**
   * Rows written in {@code batch}'s transaction: at once on H2, held in its {@link
   * EventRows.Batch#held} on PostgreSQL.
   */
  AttemptRows(JdbcClient jdbc, EventRows.Batch batch) {
    this.jdbc = jdbc;
    this.batch = batch;
  }

  private void update(String sql, Object... params) {
    PendingStatements pending = batch.held();
    if (pending != null) {
      pending.add(sql, Arrays.asList(params));
    } else {
      jdbc.sql(sql).params(params).update();
    }
  }

  @Override
  public void issueToken(String jobId, int number, String tokenHash) {
    if (number > 1) {
      // Each attempt's end revokes its token; this only catches one whose end was never recorded.
      update("DELETE FROM job_tokens WHERE job_id = ? AND attempt < ?", jobId, number);
    }
    update(
        "INSERT INTO job_tokens (token_hash, job_id, attempt, created_at) VALUES (?, ?, ?, ?)",
        tokenHash,
        jobId,
        number,
        utc(Instant.now()));
  }

  @Override
  public void revokeToken(String jobId, int number) {
    update("DELETE FROM job_tokens WHERE job_id = ? AND attempt = ?", jobId, number);
  }

  @Override
  public void emptyResultManifest(String jobId, Instant at) {
    update(
        "INSERT INTO job_result_manifests (job_id, computed_at, file_count, total_bytes)"
            + " VALUES (?, ?, 0, 0)",
        jobId,
        utc(at));
    batch.resultsFinal(jobId);
  }

  @Override
  public void startAttempt(String jobId, int number, Instant startedAt, int podCount) {
    update(
        "INSERT INTO job_attempts (job_id, number, started_at) VALUES (?, ?, ?)",
        jobId,
        number,
        utc(startedAt));
    // The pods' rows are the current attempt's: a retry's replace the ones before. A first
    // attempt has none to replace: pods are only written with their attempt's start, and the
    // insert above (its key is the job and the number) succeeds once per number.
    if (number > 1) {
      update("DELETE FROM job_pods WHERE job_id = ?", jobId);
    }
  }

  @Override
  public void podStarted(String jobId, int podIndex, Long pid, Instant at) {
    update(
        "INSERT INTO job_pods (job_id, pod_index, status, pid, started_at) VALUES (?, ?, ?, ?, ?)",
        jobId,
        podIndex,
        PodStatus.RUNNING.name(),
        pid,
        utc(at));
  }

  @Override
  public void podFinished(
      String jobId, int podIndex, PodStatus status, Integer exitCode, Long pid, Instant at) {
    update(
        "UPDATE job_pods SET status = ?, exit_code = ?, finished_at = ?, pid = COALESCE(?, pid)"
            + " WHERE job_id = ? AND pod_index = ?",
        status.name(),
        exitCode,
        utc(at),
        pid,
        jobId,
        podIndex);
  }

  @Override
  public void finishAttempt(
      String jobId, int number, JobStatus outcome, Integer exitCode, String error, Instant at) {
    update(
        "UPDATE job_attempts SET finished_at = ?, outcome = ?, exit_code = ?, error = ?"
            + " WHERE job_id = ? AND number = ?",
        utc(at),
        outcome.name(),
        exitCode,
        StoredText.cut(error, 4000),
        jobId,
        number);
  }

  @Override
  public void logStarts(String jobId, int number, List<Long> offsets) {
    update("DELETE FROM job_log_starts WHERE job_id = ? AND attempt = ?", jobId, number);
    if (offsets.isEmpty()) {
      return;
    }
    List<Object> params = new ArrayList<>(offsets.size() * 4);
    for (int pod = 0; pod < offsets.size(); pod++) {
      params.addAll(List.of(jobId, number, pod, offsets.get(pod)));
    }
    update(
        "INSERT INTO job_log_starts (job_id, attempt, pod_index, start_offset) VALUES "
            + String.join(", ", Collections.nCopies(offsets.size(), "(?, ?, ?, ?)")),
        params.toArray());
  }
}
