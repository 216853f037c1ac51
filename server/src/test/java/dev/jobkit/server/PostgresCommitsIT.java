package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.PostgresService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * How many transactions a plain job's life writes in on PostgreSQL, read from the rows themselves:
 * every row keeps the id of the transaction that wrote it ({@code xmin}), so the count is exact,
 * not a time. A no-op job writes in three durable ones: its submission; its claim and start ({@code
 * CLAIMED} and {@code RUNNING}, with its token, its log starts, its attempt and pods); its end
 * (with its token revoked and its empty result manifest). Its pods' pids follow the start in a
 * commit that does not wait for the WAL flush. Nothing else writes meanwhile: the webhook matcher,
 * without a webhook, leaves its cursor alone.
 *
 * <p>Isolated: the WAL flushes it counts ({@code pg_stat_wal}) are the whole PostgreSQL server's,
 * and the other classes' services on it commit at any moment (CI once counted 66 flushes for 50
 * writes that wait for none).
 */
@Isolated
class PostgresCommitsIT {

  @RegisterExtension static final PostgresService postgres = PostgresService.create();

  static Api user;

  @BeforeAll
  static void start() {
    user = postgres.server().newUser("pg-commits", "parallel");
  }

  @Test
  void a_plain_job_is_written_in_three_durable_transactions() throws SQLException {
    String cursorBefore = cursorTransaction();
    Job job = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(job.id(), JobStatus.SUCCEEDED);
    // The manifest is the last row written (by the end's transaction, or else after it).
    Map<String, String> events = eventTransactions(job.id());
    assertThat(events.keySet()).containsExactly("QUEUED", "CLAIMED", "RUNNING", "SUCCEEDED");
    assertThat(List.copyOf(events.values()).stream().distinct()).hasSize(3);
    assertThat(events.get("RUNNING")).isEqualTo(events.get("CLAIMED"));
    String end = events.get("SUCCEEDED");
    assertThat(transactionOf("SELECT xmin::text FROM jobs WHERE id = ?", job.id())).isEqualTo(end);
    assertThat(
            transactionOf("SELECT xmin::text FROM job_result_manifests WHERE job_id = ?", job.id()))
        .isEqualTo(end);
    assertThat(transactionOf("SELECT xmin::text FROM job_attempts WHERE job_id = ?", job.id()))
        .isEqualTo(end);
    assertThat(
            transactionOf(
                "SELECT xmin::text FROM job_log_starts WHERE job_id = ? AND pod_index = 0",
                job.id()))
        .isEqualTo(events.get("CLAIMED"));
    assertThat(transactionOf("SELECT COUNT(*)::text FROM job_tokens WHERE job_id = ?", job.id()))
        .isEqualTo("0");
    assertThat(cursorTransaction()).isEqualTo(cursorBefore);
  }

  @Test
  void a_batch_is_one_transaction_and_each_job_two_more() throws SQLException {
    List<Map<String, Object>> specs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      specs.add(Map.of("command", List.of("true")));
    }
    List<String> ids = new ArrayList<>();
    user.post("/api/v1/jobs/batch", Api.JSON.writeValueAsString(Map.of("jobs", specs)))
        .expect(201)
        .json()
        .get("items")
        .forEach(j -> ids.add(j.get("id").asString()));
    List<String> submissions = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (String id : ids) {
      user.awaitStatus(id, JobStatus.SUCCEEDED);
    }
    for (String id : ids) {
      Map<String, String> events = eventTransactions(id);
      submissions.add(events.get("QUEUED"));
      others.add(events.get("CLAIMED"));
      others.add(events.get("RUNNING"));
      others.add(events.get("SUCCEEDED"));
    }
    assertThat(submissions.stream().distinct()).hasSize(1);
    // Jobs that moved at the same moment may share a commit: at most two of their own each.
    assertThat(others.stream().distinct().count()).isLessThanOrEqualTo(2L * ids.size());
    assertThat(others).doesNotContainAnyElementsOf(submissions);
  }

  @Test
  void a_running_jobs_pids_are_written_after_its_start_without_waiting_for_the_flush()
      throws SQLException {
    Job job = user.submit("{\"command\":[\"sleep\",\"60\"]}");
    user.awaitStatus(job.id(), JobStatus.RUNNING);
    Job running = user.awaitPids(job.id());
    assertThat(ProcessHandle.of(running.pods().get(0).pid())).isPresent();
    assertThat(transactionOf("SELECT xmin::text FROM job_pods WHERE job_id = ?", job.id()))
        .isNotEqualTo(eventTransactions(job.id()).get("RUNNING"));
    user.stopAndAwaitCanceled(job.id());

    // Such writes alone: each would be a WAL flush if it waited for one.
    JobStore store = postgres.server().bean(JobStore.class);
    long before = walSyncs();
    for (int i = 0; i < 50; i++) {
      store.recordPids(List.of(new JobStore.StartedPids(job.id(), 1, List.of(4242L + i))));
    }
    assertThat(walSyncs() - before).isLessThan(25);
  }

  private static long walSyncs() throws SQLException {
    try (Connection c = connect();
        ResultSet r = c.createStatement().executeQuery("SELECT wal_sync FROM pg_stat_wal")) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The transaction that wrote each of the job's transition events, by the status it entered. */
  private static Map<String, String> eventTransactions(String jobId) throws SQLException {
    Map<String, String> byStatus = new LinkedHashMap<>();
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT to_status, xmin::text FROM job_events"
                    + " WHERE job_id = ? AND kind = 'transition' ORDER BY id")) {
      s.setString(1, jobId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          byStatus.put(r.getString(1), r.getString(2));
        }
      }
    }
    return byStatus;
  }

  private static String cursorTransaction() throws SQLException {
    try (Connection c = connect();
        ResultSet r =
            c.createStatement().executeQuery("SELECT xmin::text, last_event FROM webhook_cursor")) {
      r.next();
      return r.getString(1) + "/" + r.getLong(2);
    }
  }

  private static String transactionOf(String sql, String jobId) throws SQLException {
    try (Connection c = connect();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, jobId);
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).as(sql).isTrue();
        return r.getString(1);
      }
    }
  }

  private static Connection connect() throws SQLException {
    return postgres.database().connect();
  }
}
