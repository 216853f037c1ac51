package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CANCELED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CANCEL_REQUESTED;
import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RESTART_READY;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_TIMEOUT;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.store.Actor;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.store.Transition;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What happens to jobs when the service restarts on the same data dir: a service of the class's
 * own, since it restarts it.
 */
class RecoveryIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.own();

  /** The class user's client of the service as it is now (a restart moves it to a new port). */
  private static Api user() {
    return service.user().at(service.server().baseUrl());
  }

  @Test
  void jobs_running_when_the_service_restarts_are_failed_as_lost_or_retried() {
    Api api = user();
    Job once = api.submit("{\"command\":[\"sleep\",\"300\"],\"max_attempts\":1}");
    Job twice = api.submit("{\"command\":[\"sleep\",\"300\"],\"max_attempts\":2}");
    api.awaitStatus(once.id(), RUNNING, TIMEOUT);
    api.awaitStatus(twice.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> !Processes.ofJob(once.id()).isEmpty());
    await().atMost(TIMEOUT).until(() -> !Processes.ofJob(twice.id()).isEmpty());

    service.server().restart();
    api = user();

    Job lost = api.awaitStatus(once.id(), FAILED, TIMEOUT);
    assertThat(lost.statusReason()).startsWith("lost");
    assertThat(lost.lastError()).startsWith("lost");
    assertThat(lost.finishedAt()).isNotNull();
    assertThat(lost.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.outcome()).isEqualTo(RUN_TIMEOUT);
              assertThat(a.error()).startsWith("lost");
            });
    assertThat(api.events(once.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(RUNNING, RUN_TIMEOUT, FAILED);
    assertThat(Processes.ofJob(once.id())).isEmpty();

    Api after = api;
    Job retried =
        await()
            .atMost(TIMEOUT)
            .until(() -> after.job(twice.id()), j -> j.status() == RUNNING && j.attempt() == 2);
    assertThat(retried.attempts()).extracting(Attempt::number).containsExactly(1, 2);
    assertThat(retried.attempts().get(0).outcome()).isEqualTo(RUN_TIMEOUT);
    assertThat(api.events(twice.id()))
        .extracting(JobEvent::toStatus)
        .containsSubsequence(RUNNING, RUN_TIMEOUT, RESTART_READY, RUNNING);
    assertThat(Processes.withEnvironment("JOBKIT_JOB_ID=" + twice.id(), "JOBKIT_ATTEMPT=1"))
        .isEmpty();
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                !Processes.withEnvironment("JOBKIT_JOB_ID=" + twice.id(), "JOBKIT_ATTEMPT=2")
                    .isEmpty());

    api.stopAndAwaitCanceled(twice.id());
  }

  /**
   * A claim that nobody launches any more (its service died between the claim and the move to
   * {@code RUNNING}): back to the queue if nothing of it started, else a lost attempt, counted, so
   * that the job never runs the same attempt twice. The job is claimed here by hand, behind its
   * serial owner's running job, so that no dispatcher claims it first.
   */
  @Test
  void a_claim_whose_launch_began_is_a_lost_attempt_and_one_that_did_not_goes_back_to_the_queue()
      throws Exception {
    Api serial = service.newUser("claimer", "serial").at(service.server().baseUrl());
    Job holding = serial.submit("{\"command\":[\"sleep\",\"300\"]}");
    serial.awaitStatus(holding.id(), RUNNING, TIMEOUT);
    Job untouched = serial.submit("{\"command\":[\"true\"],\"max_attempts\":2}");
    Job begun = serial.submit("{\"command\":[\"true\"],\"max_attempts\":2}");
    // The executor opens a pod's log just before it starts the pod's process.
    Path logs = service.server().jobDir(begun.id()).resolve("logs");
    Files.createDirectories(logs);
    Files.createFile(logs.resolve("pod-0.log"));
    JobStore store = service.server().bean(JobStore.class);
    for (Job job : new Job[] {untouched, begun}) {
      assertThat(store.transition(Transition.of(job.id(), QUEUED, CLAIMED, Actor.EXECUTOR, null)))
          .isPresent();
    }

    Job requeued = serial.awaitStatus(untouched.id(), s -> s == QUEUED, TIMEOUT);
    assertThat(requeued.attempts()).isEmpty();
    assertThat(requeued.statusReason()).startsWith("claim released");

    Job lost = serial.awaitStatus(begun.id(), s -> s == RESTART_READY, TIMEOUT);
    assertThat(lost.attempts())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.number()).isEqualTo(1);
              assertThat(a.error()).startsWith("lost").contains("attempt 1");
            });
    assertThat(serial.events(begun.id()))
        .extracting(JobEvent::toStatus)
        .containsSubsequence(CLAIMED, RESTART_READY);

    serial.stopAndAwaitCanceled(holding.id());
    serial.awaitStatus(untouched.id(), SUCCEEDED, TIMEOUT);
    Job retried = serial.awaitStatus(begun.id(), SUCCEEDED, TIMEOUT);
    assertThat(retried.attempts()).extracting(Attempt::number).containsExactly(1, 2);
  }

  @Test
  void a_job_queued_before_a_restart_still_runs_after_it() {
    Api user = service.newUser("recovering", "serial");
    Job blocker = user.submit("{\"command\":[\"sleep\",\"300\"]}");
    user.awaitStatus(blocker.id(), RUNNING, TIMEOUT);
    Job queued = user.submit("{\"shell\":\"echo ran after the restart\"}");
    assertThat(user.job(queued.id()).status()).isEqualTo(QUEUED);

    service.server().restart();
    user = user.at(service.server().baseUrl());

    Job done = user.awaitStatus(queued.id(), SUCCEEDED, TIMEOUT);
    assertThat(user.get("/api/v1/jobs/" + done.id() + "/log").json().get("content").asString())
        .isEqualTo("ran after the restart\n");
    assertThat(user.job(blocker.id()).status()).isEqualTo(FAILED);
    assertThat(Processes.ofJob(blocker.id())).isEmpty();
  }

  @Test
  void a_job_being_stopped_when_the_service_restarts_ends_canceled() {
    Api api = user();
    // Ignores TERM, so it is still being stopped (within its grace period) at the restart.
    Job job = api.submitShell("trap '' TERM; sleep 300 & wait");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await().atMost(TIMEOUT).until(() -> Processes.ofJob(job.id()).size() >= 2);
    api.post("/api/v1/jobs/" + job.id() + "/stop", "").expect(202);

    service.server().restart();
    api = user();

    api.awaitStatus(job.id(), CANCELED, TIMEOUT);
    assertThat(api.events(job.id()))
        .extracting(JobEvent::toStatus)
        .endsWith(CANCEL_REQUESTED, CANCELED);
    assertThat(Processes.ofJob(job.id())).isEmpty();
  }

  @Test
  void jobs_that_ended_before_a_restart_are_left_as_they_were() {
    Api api = user();
    Job ok = api.submit("{\"command\":[\"true\"]}");
    Job bad = api.submit("{\"command\":[\"false\"]}");
    api.awaitStatus(ok.id(), SUCCEEDED, TIMEOUT);
    api.awaitStatus(bad.id(), FAILED, TIMEOUT);
    int okEvents = api.events(ok.id()).size();

    service.server().restart();
    api = user();

    assertThat(api.job(ok.id()).status()).isEqualTo(SUCCEEDED);
    assertThat(api.job(bad.id()).status()).isEqualTo(FAILED);
    assertThat(api.events(ok.id())).hasSize(okEvents);
  }
}
