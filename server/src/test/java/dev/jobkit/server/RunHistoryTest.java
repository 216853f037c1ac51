package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RESTART_READY;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.RunHistory.AttemptRow;
import dev.jobkit.server.RunHistory.EventRow;
import dev.jobkit.server.RunHistory.JobRow;
import dev.jobkit.server.RunHistory.Marker;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The checks of {@link MultiServiceIT} catch what they are there to catch: each test plants one
 * defect (a double claim, a double run, a run the database does not know, a broken chain, an owner
 * over its limit, a lost job) in an otherwise clean history and finds exactly that one.
 */
class RunHistoryTest {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private final List<JobRow> jobs = new ArrayList<>();
  private final List<EventRow> events = new ArrayList<>();
  private final List<AttemptRow> attempts = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private long nextEvent = 1;

  private void event(String job, JobStatus from, JobStatus to, String actor, String reason) {
    long id = nextEvent++;
    events.add(
        new EventRow(id, job, "transition", from, to, T0.plusMillis(id), actor, "SYSTEM", reason));
  }

  /** A job that ran once and succeeded, every row and marker as a correct service leaves them. */
  private void succeeded(String job, String owner) {
    jobs.add(new JobRow(job, owner, SUCCEEDED, 1, null));
    event(job, null, QUEUED, "alice", null);
    event(job, QUEUED, CLAIMED, "scheduler", null);
    event(job, CLAIMED, RUNNING, "local-executor", null);
    event(job, RUNNING, SUCCEEDED, "local-executor", null);
    attempts.add(new AttemptRow(job, 1, "SUCCEEDED", null));
    markers.add(new Marker(job, 1, 100 + markers.size()));
  }

  /** A job whose first attempt was lost with its service and whose second succeeded. */
  private void recovered(String job, String owner) {
    jobs.add(new JobRow(job, owner, SUCCEEDED, 2, null));
    event(job, null, QUEUED, "alice", null);
    event(job, QUEUED, CLAIMED, "scheduler", null);
    event(job, CLAIMED, RUNNING, "local-executor", null);
    event(job, RUNNING, RUN_TIMEOUT, "recovery", "lost: its service died");
    event(job, RUN_TIMEOUT, RESTART_READY, "recovery", "retry 2 of 3 after lost");
    event(job, RESTART_READY, CLAIMED, "scheduler", null);
    event(job, CLAIMED, RUNNING, "local-executor", null);
    event(job, RUNNING, SUCCEEDED, "local-executor", null);
    attempts.add(new AttemptRow(job, 1, "RUN_TIMEOUT", "lost"));
    attempts.add(new AttemptRow(job, 2, "SUCCEEDED", null));
    markers.add(new Marker(job, 1, 100 + markers.size()));
    markers.add(new Marker(job, 2, 100 + markers.size()));
  }

  private RunHistory history() {
    return new RunHistory(jobs, events, attempts, markers);
  }

  private List<String> overLimit(int limit) {
    return history().ownersOverLimit(owner -> limit, new HashMap<>());
  }

  @Test
  void a_clean_run_with_a_recovered_job_passes_every_check() {
    succeeded("job_a", "alice");
    recovered("job_b", "alice");
    RunHistory history = history();

    assertThat(history.notSucceeded(Set.of("job_a", "job_b"))).isEmpty();
    assertThat(history.brokenChains()).isEmpty();
    assertThat(history.doubleClaims()).isEmpty();
    assertThat(history.unaccountedRuns()).isEmpty();
    assertThat(overLimit(1)).isEmpty();
    assertThat(history.recoveries()).hasSize(2);
    assertThat(history.retries()).isEqualTo(1);
  }

  @Test
  void a_second_claim_while_the_first_holds_is_a_double_claim_and_a_broken_chain() {
    jobs.add(new JobRow("job_a", "alice", SUCCEEDED, 1, null));
    event("job_a", null, QUEUED, "alice", null);
    event("job_a", QUEUED, CLAIMED, "scheduler", null);
    // Another service claims it from the status it read before the first claim committed.
    event("job_a", QUEUED, CLAIMED, "scheduler", null);
    event("job_a", CLAIMED, RUNNING, "local-executor", null);
    event("job_a", RUNNING, SUCCEEDED, "local-executor", null);

    assertThat(history().doubleClaims())
        .singleElement()
        .asString()
        .startsWith("job_a: claimed again by event 3 ");
    assertThat(history().brokenChains())
        .singleElement()
        .asString()
        .contains("which left the job CLAIMED");
  }

  @Test
  void a_second_run_of_the_same_attempt_is_found() {
    succeeded("job_a", "alice");
    markers.add(new Marker("job_a", 1, 999));

    assertThat(history().unaccountedRuns())
        .singleElement()
        .asString()
        .startsWith(
            "job_a: attempt 1 ran 2 times (pids [100, 999]); its events: 1 (null -> QUEUED");
  }

  @Test
  void a_run_of_an_attempt_the_database_does_not_know_is_found() {
    succeeded("job_a", "alice");
    markers.add(new Marker("job_a", 2, 999));

    assertThat(history().unaccountedRuns())
        .containsExactly("job_a: attempt 2 ran, but the database knows only attempts [1]");
  }

  @Test
  void an_attempt_that_succeeded_without_its_pod_running_is_found_but_a_lost_one_may() {
    succeeded("job_a", "alice");
    recovered("job_b", "alice");
    markers.removeIf(m -> m.jobId().equals("job_b") && m.attempt() == 1); // lost before it ran
    assertThat(history().unaccountedRuns()).isEmpty();

    markers.removeIf(m -> m.jobId().equals("job_a"));
    assertThat(history().unaccountedRuns())
        .containsExactly("job_a: attempt 1 ended SUCCEEDED but its pod never ran");
  }

  @Test
  void a_launch_lost_before_running_was_recorded_is_a_counted_attempt_with_or_without_its_run() {
    // The service died after starting the pod, before recording RUNNING: the attempt is lost.
    jobs.add(new JobRow("job_a", "alice", SUCCEEDED, 2, null));
    event("job_a", null, QUEUED, "alice", null);
    event("job_a", QUEUED, CLAIMED, "scheduler", null);
    event("job_a", CLAIMED, RUN_TIMEOUT, "recovery", "lost: while attempt 1 was starting");
    event("job_a", RUN_TIMEOUT, RESTART_READY, "recovery", "retry 2 of 3");
    event("job_a", RESTART_READY, CLAIMED, "scheduler", null);
    event("job_a", CLAIMED, RUNNING, "local-executor", null);
    event("job_a", RUNNING, SUCCEEDED, "local-executor", null);
    attempts.add(new AttemptRow("job_a", 1, "RUN_TIMEOUT", "lost"));
    attempts.add(new AttemptRow("job_a", 2, "SUCCEEDED", null));
    markers.add(new Marker("job_a", 2, 101));
    assertThat(history().unaccountedRuns()).isEmpty();

    markers.add(new Marker("job_a", 1, 100));
    assertThat(history().unaccountedRuns()).isEmpty();
    assertThat(history().brokenChains()).isEmpty();
  }

  @Test
  void an_event_that_does_not_follow_the_one_before_breaks_the_chain() {
    jobs.add(new JobRow("job_a", "alice", SUCCEEDED, 1, null));
    event("job_a", null, QUEUED, "alice", null);
    event("job_a", QUEUED, CLAIMED, "scheduler", null);
    event("job_a", QUEUED, RUNNING, "local-executor", null);

    assertThat(history().brokenChains())
        .singleElement()
        .asString()
        .contains("which left the job CLAIMED");
  }

  @Test
  void a_move_the_lifecycle_forbids_breaks_the_chain() {
    jobs.add(new JobRow("job_a", "alice", SUCCEEDED, 1, null));
    event("job_a", null, QUEUED, "alice", null);
    event("job_a", QUEUED, RUNNING, "local-executor", null);

    assertThat(history().brokenChains())
        .singleElement()
        .asString()
        .endsWith("is a move the lifecycle forbids");
  }

  @Test
  void an_owner_with_more_jobs_in_flight_than_its_limit_is_found() {
    jobs.add(new JobRow("job_a", "alice", SUCCEEDED, 1, null));
    jobs.add(new JobRow("job_b", "alice", SUCCEEDED, 1, null));
    event("job_a", null, QUEUED, "alice", null);
    event("job_b", null, QUEUED, "alice", null);
    event("job_a", QUEUED, CLAIMED, "scheduler", null);
    event("job_b", QUEUED, CLAIMED, "scheduler", null); // both in flight at once
    event("job_a", CLAIMED, RUNNING, "local-executor", null);
    event("job_a", RUNNING, SUCCEEDED, "local-executor", null);
    event("job_b", CLAIMED, RUNNING, "local-executor", null);
    event("job_b", RUNNING, SUCCEEDED, "local-executor", null);
    Map<String, Integer> most = new HashMap<>();

    assertThat(history().ownersOverLimit(owner -> 1, most))
        .singleElement()
        .asString()
        .startsWith("alice had 2 jobs in flight (limit 1) after event 4 ");
    assertThat(most).containsEntry("alice", 2);
    assertThat(overLimit(2)).isEmpty();
  }

  @Test
  void a_job_that_did_not_succeed_is_named_with_its_status_and_reason() {
    succeeded("job_a", "alice");
    jobs.add(new JobRow("job_b", "alice", JobStatus.FAILED, 3, "lost: attempt 3 ..."));

    assertThat(history().notSucceeded(Set.of("job_a", "job_b", "job_c")))
        .containsExactlyInAnyOrder(
            "job_b ended FAILED after 3 attempt(s): lost: attempt 3 ...",
            "job_c is not in the database");
  }
}
