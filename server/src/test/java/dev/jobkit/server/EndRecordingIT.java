package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.ActorKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.store.StoredText;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job never stays active because recording its end failed: a report too large for its column is
 * cut, a failure while writing the end leaves the job {@code FAILED} with the reason, and a job in
 * flight that nobody follows any more is found by the sweep while the service runs (not only at the
 * next start) and ended. Failures are injected into the real database with a constraint the test
 * adds and removes.
 *
 * <p>The class has a service of its own: it changes the database's tables under the service (DDL
 * that would lock out, or fail, other classes' writes on a shared one) and waits for the service's
 * slots in use to fall to zero, which other classes' jobs on a shared service never let happen.
 */
class EndRecordingIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.own();

  static JobkitServer server;
  static Api api;

  @BeforeAll
  static void start() {
    server = service.server();
    api = service.user();
  }

  @Test
  void a_job_whose_metrics_grow_past_their_column_as_doubles_still_succeeds_with_those_that_fit()
      throws Exception {
    // The file: 5,900 integers in 64,901 bytes, within the 64 KiB read limit; as doubles
    // ("7" becomes "7.0") they take 76,701 characters, over the 65,536 of the column.
    String metrics =
        "awk 'BEGIN { printf \"{\"; for (i = 0; i < 5900; i++) printf \"%s\\\"ab%d\\\":%d\","
            + " (i ? \",\" : \"\"), i, (i < 1110 ? 10 + i % 90 : i % 10); printf \"}\" }'"
            + " > \"$JOBKIT_METRICS_FILE\"";
    Job job = api.submit("{\"shell\":" + Api.JSON.writeValueAsString(metrics) + "}");

    Job done = api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    Path file = server.jobDir(job.id()).resolve("metrics.json");
    assertThat(Files.size(file)).isEqualTo(64_901);
    assertThat(done.metrics()).isNotEmpty().hasSizeLessThan(5_900).containsEntry("ab0", 10.0);
    assertThat(StoredText.json(done.metrics()).length()).isLessThanOrEqualTo(65_536);
    assertThat(done.metrics().keySet().stream().toList())
        .as("the first members of the file, in its order")
        .startsWith("ab0", "ab1", "ab2");
  }

  @Test
  void a_failure_while_recording_the_end_leaves_the_job_failed_with_the_reason() throws Exception {
    Job job = api.submitShell(service.gates().script("unrecorded-end"));
    api.awaitStatus(job.id(), RUNNING);
    // The end of an attempt closes its attempt row; this job's cannot be closed.
    sql(
        "ALTER TABLE job_attempts ADD CONSTRAINT no_end_for_this_job"
            + " CHECK (job_id <> '"
            + job.id()
            + "' OR finished_at IS NULL)");
    try {
      service.gates().open("unrecorded-end");

      Job ended = api.awaitStatus(job.id(), FAILED, TIMEOUT);

      assertThat(ended.statusReason())
          .startsWith("the service could not record the end of attempt 1");
      assertThat(ended.lastError()).isEqualTo(ended.statusReason());
      assertThat(ended.finishedAt()).isNotNull();
      assertThat(transitions(job.id()))
          .extracting(e -> e.fromStatus() + ">" + e.toStatus())
          .endsWith("RUNNING>FAILED");
    } finally {
      sql("ALTER TABLE job_attempts DROP CONSTRAINT no_end_for_this_job");
    }
  }

  @Test
  void a_job_left_running_with_no_process_is_ended_by_the_sweep_while_the_service_runs()
      throws Exception {
    Job job = api.submitShell(service.gates().script("no-process"));
    api.awaitStatus(job.id(), RUNNING);
    // Nothing may move this job from RUNNING: neither the end nor the fallback to FAILED lands.
    sql(
        "ALTER TABLE jobs ADD CONSTRAINT stays_running"
            + " CHECK (id <> '"
            + job.id()
            + "' OR status = 'RUNNING')");
    boolean dropped = false;
    double unrecorded = metric("jobkit_ends_unrecorded_total");
    try {
      service.gates().open("no-process");
      // Its process is gone and its slot given back, yet it is recorded as running: the end and
      // the failure after it were both refused. (The slot is given back as soon as the end is
      // queued, before the write is tried: only the counter says both were.)
      await()
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> metric("jobkit_ends_unrecorded_total") == unrecorded + 1);
      assertThat(metric("jobkit_executor_slots_used")).isZero();
      assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

      sql("ALTER TABLE jobs DROP CONSTRAINT stays_running");
      dropped = true;

      Job ended = api.awaitStatus(job.id(), FAILED, TIMEOUT);
      assertThat(ended.lastError())
          .isEqualTo(
              "lost: attempt 1 has no process the service follows (its end could not be"
                  + " recorded)");
      List<JobEvent> transitions = transitions(job.id());
      assertThat(transitions)
          .extracting(e -> e.fromStatus() + ">" + e.toStatus())
          .endsWith("RUNNING>RUN_TIMEOUT", "RUN_TIMEOUT>FAILED");
      assertThat(transitions.stream().filter(e -> e.toStatus() == RUN_TIMEOUT))
          .allMatch(e -> e.actor().equals("recovery") && e.actorKind() == ActorKind.SYSTEM);
    } finally {
      if (!dropped) {
        sql("ALTER TABLE jobs DROP CONSTRAINT stays_running");
      }
    }
  }

  @Test
  void the_sweep_leaves_jobs_that_run_normally_alone() {
    Job job = api.submitShell(service.gates().script("normal"));
    api.awaitStatus(job.id(), RUNNING);
    // Two sweeps' worth of time, measured by the sweep's own work: the job is still running,
    // untouched, and ends as it should once let go.
    long before = sweeps();
    await().atMost(TIMEOUT).until(() -> sweeps() >= before + 2);

    assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
    service.gates().open("normal");
    assertThat(api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT).attempts()).hasSize(1);
  }

  private static List<JobEvent> transitions(String jobId) {
    return api.events(jobId).stream().filter(JobEvent::isTransition).toList();
  }

  /** The value of the service's metric {@code name}, which has no tags. */
  private static double metric(String name) {
    String metrics = server.admin().get("/metrics").expect(200).body();
    return metrics
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  private static long sweeps() {
    return server.bean(dev.jobkit.server.engine.Dispatcher.class).lostJobChecks();
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = server.bean(DataSource.class).getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
