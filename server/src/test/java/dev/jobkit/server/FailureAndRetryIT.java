package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RESTART_READY;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_ERROR;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Jobs that fail: non-zero exits, commands that do not exist, timeouts, and their retries.
 *
 * <p>The class has a two-slot service of its own: {@link
 * #many_retries_leave_every_slot_free_for_the_next_jobs} proves that no retry kept a slot by
 * running a job that needs every slot of the service, which on the shared one other classes hold.
 */
class FailureAndRetryIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final JobkitService service = JobkitService.own("--jobkit.executor.slots=2");

  static Api api;

  @BeforeAll
  static void start() {
    api = service.user();
  }

  @Test
  void a_job_that_exits_1_is_retried_until_its_attempts_run_out_then_fails() {
    Job job = api.submit("{\"shell\":\"echo trying; exit 1\",\"max_attempts\":3}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(
            QUEUED,
            CLAIMED,
            RUNNING,
            RUN_ERROR,
            RESTART_READY,
            CLAIMED,
            RUNNING,
            RUN_ERROR,
            RESTART_READY,
            CLAIMED,
            RUNNING,
            RUN_ERROR,
            FAILED);
    assertThat(failed.attempt()).isEqualTo(3);
    assertThat(failed.attempts()).extracting(Attempt::number).containsExactly(1, 2, 3);
    assertThat(failed.attempts())
        .allSatisfy(
            a -> {
              assertThat(a.outcome()).isEqualTo(RUN_ERROR);
              assertThat(a.exitCode()).isEqualTo(1);
              assertThat(a.error()).contains("exited with code 1");
              assertThat(a.finishedAt()).isNotNull();
            });
    assertThat(failed.statusReason()).contains("exit code 1");
    assertThat(failed.lastError()).contains("exited with code 1");
    assertThat(failed.result().exitCode()).isEqualTo(1);
    assertThat(failed.finishedAt()).isNotNull();
  }

  @Test
  void a_retry_says_which_attempt_comes_next_and_why() {
    Job job = api.submit("{\"shell\":\"exit 7\",\"max_attempts\":2}");

    api.awaitStatus(job.id(), FAILED, TIMEOUT);

    List<JobEvent> events = api.events(job.id());
    assertThat(events)
        .filteredOn(e -> e.toStatus() == RESTART_READY)
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("retry 2 of 2 after exit code 7"));
    assertThat(api.get("/api/v1/jobs/" + job.id() + "/log").expect(200).body())
        .contains("[jobkit] attempt 2 of 2 started");
  }

  @Test
  void a_job_whose_retry_succeeds_ends_succeeded_with_both_attempts_recorded() {
    // The first attempt leaves a marker and fails; the second finds it and succeeds.
    Job job =
        api.submit(
            "{\"shell\":\"if [ -e marker ]; then exit 0; else touch marker; exit 2; fi\","
                + "\"max_attempts\":3}");

    Job done = api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(done.attempts())
        .extracting(Attempt::outcome, Attempt::exitCode)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RUN_ERROR, 2),
            org.assertj.core.groups.Tuple.tuple(JobStatus.SUCCEEDED, 0));
    assertThat(done.result().exitCode()).isZero();
  }

  @Test
  void a_missing_program_with_a_very_long_name_still_fails_cleanly() {
    String name = "no-such-program-" + "x".repeat(5000);
    Job job = api.submit("{\"command\":[\"" + name + "\"]}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(failed.statusReason())
        .startsWith("command not found: no-such-program-")
        .hasSize(1000);
    assertThat(failed.lastError()).startsWith("command not found: no-such-program-");
    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(QUEUED, CLAIMED, RUN_ERROR, FAILED);
  }

  @Test
  void a_command_that_is_not_on_the_path_fails_with_command_not_found() {
    Job job = api.submit("{\"command\":[\"no-such-command-jobkit-test\",\"--flag\"]}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(failed.lastError()).contains("command not found: no-such-command-jobkit-test");
    assertThat(failed.statusReason()).contains("command not found");
    assertThat(failed.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.outcome()).isEqualTo(RUN_ERROR);
              assertThat(a.error()).contains("command not found");
            });
    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(QUEUED, CLAIMED, RUN_ERROR, FAILED);
  }

  @Test
  void a_job_that_runs_past_its_timeout_is_killed_and_fails() {
    Job job = api.submit("{\"command\":[\"sleep\",\"30\"],\"timeout_seconds\":1}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(QUEUED, CLAIMED, RUNNING, RUN_TIMEOUT, FAILED);
    assertThat(failed.lastError()).contains("timed out after 1 s");
    assertThat(failed.statusReason()).contains("timed out");
    assertThat(failed.attempts())
        .singleElement()
        .satisfies(a -> assertThat(a.outcome()).isEqualTo(RUN_TIMEOUT));
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).isEmpty());
  }

  @Test
  void a_timed_out_job_with_attempts_left_is_retried_once_then_fails() {
    Job job =
        api.submit("{\"command\":[\"sleep\",\"30\"],\"timeout_seconds\":1,\"max_attempts\":2}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .containsExactly(
            QUEUED,
            CLAIMED,
            RUNNING,
            RUN_TIMEOUT,
            RESTART_READY,
            CLAIMED,
            RUNNING,
            RUN_TIMEOUT,
            FAILED);
    assertThat(failed.attempts())
        .extracting(Attempt::outcome)
        .containsExactly(RUN_TIMEOUT, RUN_TIMEOUT);
    assertThat(failed.attempt()).isEqualTo(2);
  }

  @Test
  void many_retries_leave_every_slot_free_for_the_next_jobs() {
    List<Job> failing = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      failing.add(api.submit("{\"shell\":\"exit 1\",\"max_attempts\":10}"));
    }
    for (Job job : failing) {
      assertThat(api.awaitStatus(job.id(), FAILED, TIMEOUT).attempts()).hasSize(10);
    }

    // Needs both slots of the service: it only starts if no retry kept a slot it no longer uses.
    Job wide = api.submit("{\"pod_count\":2,\"command\":[\"true\"]}");
    Job done = api.awaitStatus(wide.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(done.pods()).hasSize(2);
  }

  @Test
  void one_failing_pod_fails_the_attempt_and_its_sibling_pods_are_stopped() {
    Job job =
        api.submit(
            "{\"pod_count\":2,\"shell\":\"if [ $JOBKIT_POD_INDEX = 1 ]; then exit 5; fi;"
                + " sleep 300\"}");

    Job failed = api.awaitStatus(job.id(), FAILED, TIMEOUT);

    assertThat(failed.lastError()).isEqualTo("pod 1 exited with code 5");
    assertThat(failed.result().exitCode()).isEqualTo(5);
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }
}
