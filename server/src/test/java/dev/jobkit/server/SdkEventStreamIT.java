package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SDK's event streams across a restart of the service: a stream resumes from the last event it
 * saw, or from the point it subscribed at when it saw none, so the events committed while it was
 * away arrive all the same.
 */
class SdkEventStreamIT {

  /** Restarted by the tests: a service of the class's own. */
  @RegisterExtension static final JobkitService service = JobkitService.own();

  private static final Duration PATIENCE = Duration.ofSeconds(60);

  /** The transitions of {@code jobId} that {@code events} delivers until the job has ended. */
  private static List<JobStatus> transitionsUntilEnd(EventStream events, String jobId) {
    List<JobStatus> seen = new ArrayList<>();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (seen.isEmpty() || !seen.get(seen.size() - 1).isTerminal()) {
      Optional<JobEvent> next = events.next(Duration.ofSeconds(1));
      next.filter(e -> e.jobId().equals(jobId) && e.kind() == EventKind.TRANSITION)
          .ifPresent(e -> seen.add(e.toStatus()));
      assertThat(System.nanoTime())
          .as("the end of " + jobId + " within " + PATIENCE)
          .isLessThan(deadline);
    }
    return seen;
  }

  /** Submits a job and waits until it has ended. */
  private static Job runToEnd(Api user) {
    Job job = user.submit("{\"command\":[\"true\"]}");
    return user.awaitEnd(job.id());
  }

  @Test
  void a_stream_that_saw_no_event_before_a_restart_gets_every_event_committed_while_it_was_away() {
    try (JobkitClient client = service.client(service.userKey());
        EventStream events = client.jobs().watchAll()) {
      service
          .server()
          .restartOnSamePort(
              () -> {
                // The stream's reconnects fail for a while: it backs off, as after any outage.
                try {
                  Thread.sleep(1500);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      // Submitted and ended right after the restart, most likely before the stream is back.
      Job job = runToEnd(service.user());

      assertThat(transitionsUntilEnd(events, job.id()))
          .containsExactlyElementsOf(
              service.user().events(job.id()).stream()
                  .filter(e -> e.kind() == EventKind.TRANSITION)
                  .map(JobEvent::toStatus)
                  .toList());
    }
  }

  @Test
  void a_stream_that_saw_events_before_a_restart_resumes_after_the_last_one() {
    try (JobkitClient client = service.client(service.userKey());
        EventStream events = client.jobs().watchAll()) {
      Job before = runToEnd(service.user());
      assertThat(transitionsUntilEnd(events, before.id())).last().isEqualTo(JobStatus.SUCCEEDED);

      service.server().restartOnSamePort(() -> {});
      Job after = runToEnd(service.user());

      assertThat(transitionsUntilEnd(events, after.id())).last().isEqualTo(JobStatus.SUCCEEDED);
    }
  }
}
