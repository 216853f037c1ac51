package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.CLAIMED;
import static dev.jobkit.sdk.lifecycle.JobStatus.QUEUED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.api.JobList;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /api/v1/events/stream}: live transitions, resumable, filtered, and only visible ones. The
 * service is shared, so a stream also carries other classes' public jobs: a test looks at its own
 * jobs' events, and at the order of all.
 */
class EventStreamIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private final Api api = service.user();
  private final Gates gates = service.gates();

  private static JobEvent event(SseStream.Event e) {
    assertThat(e.name()).isEqualTo("transition");
    JobEvent event = Api.JSON.readValue(e.data(), JobEvent.class);
    assertThat(e.id()).isEqualTo(Long.toString(event.id()));
    return event;
  }

  private static List<JobEvent> events(List<SseStream.Event> raw) {
    return raw.stream().map(EventStreamIT::event).toList();
  }

  private static boolean reached(SseStream.Event e, String jobId, JobStatus status) {
    JobEvent event = event(e);
    return event.jobId().equals(jobId) && event.toStatus() == status;
  }

  private static List<JobEvent> of(List<JobEvent> events, String jobId) {
    return events.stream().filter(e -> e.jobId().equals(jobId)).toList();
  }

  @Test
  void a_subscriber_sees_the_transitions_of_a_job_submitted_after_it_subscribed() {
    try (SseStream stream = api.stream("/api/v1/events/stream")) {
      assertThat(stream.status()).isEqualTo(200);
      Job job = api.submit("{\"command\":[\"true\"]}");

      List<JobEvent> seen = events(stream.until(e -> reached(e, job.id(), SUCCEEDED), TIMEOUT));

      List<JobEvent> mine = of(seen, job.id());
      assertThat(mine)
          .extracting(JobEvent::toStatus)
          .containsExactly(QUEUED, CLAIMED, RUNNING, SUCCEEDED);
      assertThat(mine).isEqualTo(api.events(job.id()));
      for (int i = 1; i < seen.size(); i++) {
        assertThat(seen.get(i).id()).isGreaterThan(seen.get(i - 1).id());
      }
    }
  }

  @Test
  void reconnecting_with_last_event_id_delivers_exactly_the_events_after_it() {
    Job job = api.submitShell(gates.script("resumed"));
    List<JobEvent> before;
    try (SseStream stream =
        api.stream("/api/v1/events/stream?job_id=" + job.id(), "Last-Event-ID", "0")) {
      before = events(stream.until(e -> reached(e, job.id(), RUNNING), TIMEOUT));
    }
    assertThat(before).extracting(JobEvent::toStatus).containsExactly(QUEUED, CLAIMED, RUNNING);
    // What happens while nobody listens must not be lost.
    gates.open("resumed");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    List<JobEvent> all = api.events(job.id());
    long resumeAfter = before.get(0).id();

    List<JobEvent> resumed;
    try (SseStream stream =
        api.stream(
            "/api/v1/events/stream?job_id=" + job.id(),
            "Last-Event-ID",
            Long.toString(resumeAfter))) {
      resumed = events(stream.until(e -> reached(e, job.id(), SUCCEEDED), TIMEOUT));
    }
    List<JobEvent> unfiltered;
    try (SseStream stream =
        api.stream("/api/v1/events/stream", "Last-Event-ID", Long.toString(resumeAfter))) {
      unfiltered = events(stream.until(e -> reached(e, job.id(), SUCCEEDED), TIMEOUT));
    }

    assertThat(resumed).isEqualTo(all.subList(1, all.size()));
    assertThat(resumed).extracting(JobEvent::toStatus).containsExactly(CLAIMED, RUNNING, SUCCEEDED);
    assertThat(of(unfiltered, job.id())).isEqualTo(resumed);
    assertThat(unfiltered).allSatisfy(e -> assertThat(e.id()).isGreaterThan(resumeAfter));
    for (int i = 1; i < unfiltered.size(); i++) {
      assertThat(unfiltered.get(i).id()).isGreaterThan(unfiltered.get(i - 1).id());
    }
  }

  @Test
  void reconnecting_after_more_than_a_page_of_events_replays_every_one_in_order_then_goes_live() {
    Job parent = api.submitShell(gates.script("parent"));
    api.awaitStatus(parent.id(), RUNNING, TIMEOUT);
    List<JobEvent> parentEvents = api.events(parent.id());
    long resumeAfter = parentEvents.get(parentEvents.size() - 1).id();
    // 1,200 children waiting for the parent, one event each: the catch-up reads the store a page
    // (1,000 events) at a time, the next once the reader has taken the last.
    Set<String> children = new HashSet<>();
    for (int size : List.of(1000, 200)) {
      StringBuilder batch = new StringBuilder("{\"jobs\":[");
      for (int i = 0; i < size; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"shell\":\"true\",\"parents\":[\"");
        batch.append(parent.id()).append("\"]}");
      }
      api.post("/api/v1/jobs/batch", batch.append("]}").toString())
          .expect(201)
          .as(JobList.class)
          .items()
          .forEach(j -> children.add(j.id()));
    }

    try (SseStream stream =
        api.stream("/api/v1/events/stream", "Last-Event-ID", Long.toString(resumeAfter))) {
      Set<String> waiting = new HashSet<>(children);
      List<JobEvent> replayed =
          events(
              stream.until(
                  e -> {
                    waiting.remove(event(e).jobId());
                    return waiting.isEmpty();
                  },
                  TIMEOUT));
      assertThat(replayed.stream().map(JobEvent::jobId).distinct()).containsAll(children);
      assertThat(replayed.get(0).id()).isGreaterThan(resumeAfter);
      for (int i = 1; i < replayed.size(); i++) {
        assertThat(replayed.get(i).id()).isGreaterThan(replayed.get(i - 1).id());
      }

      // Then live: the parent's stop, committed after the replay.
      api.stopAndAwaitCanceled(parent.id());
      stream.until(e -> reached(e, parent.id(), JobStatus.CANCELED), TIMEOUT);
    }
  }

  @Test
  void a_stream_filtered_by_job_id_carries_only_that_job() {
    Job watched = api.submitShell(gates.script("watched"));
    api.awaitStatus(watched.id(), RUNNING, TIMEOUT);

    try (SseStream stream = api.stream("/api/v1/events/stream?job_id=" + watched.id())) {
      Job other = api.submit("{\"command\":[\"true\"]}");
      api.awaitStatus(other.id(), SUCCEEDED, TIMEOUT);
      // The other job's events were committed before the watched job ends, so a leak would show
      // up before the end.
      gates.open("watched");

      List<JobEvent> seen = events(stream.until(e -> reached(e, watched.id(), SUCCEEDED), TIMEOUT));

      assertThat(seen).extracting(JobEvent::jobId).containsOnly(watched.id());
      // A transition committed just before the subscription may still be on its way to the
      // subscribers, so RUNNING may come first; nothing else may.
      assertThat(seen)
          .extracting(JobEvent::toStatus)
          .containsAnyOf(SUCCEEDED)
          .isSubsetOf(RUNNING, SUCCEEDED);
    }
  }

  @Test
  void a_user_never_sees_the_events_of_another_users_private_job() {
    Api alice = service.newUser("alice", "parallel");
    Api bob = service.newUser("bob", "parallel");

    try (SseStream live = alice.stream("/api/v1/events/stream")) {
      Job secret = bob.submit("{\"command\":[\"true\"],\"accessibility\":\"PRIVATE\"}");
      Job open = bob.submit("{\"command\":[\"true\"],\"accessibility\":\"PUBLIC\"}");
      bob.awaitStatus(secret.id(), SUCCEEDED, TIMEOUT);
      bob.awaitStatus(open.id(), SUCCEEDED, TIMEOUT);
      Job marker = alice.submit("{\"command\":[\"true\"]}");

      List<JobEvent> seenLive =
          events(live.until(e -> reached(e, marker.id(), SUCCEEDED), TIMEOUT));
      List<JobEvent> caughtUp;
      try (SseStream replay = alice.stream("/api/v1/events/stream", "Last-Event-ID", "0")) {
        caughtUp = events(replay.until(e -> reached(e, marker.id(), SUCCEEDED), TIMEOUT));
      }

      assertThat(seenLive).extracting(JobEvent::jobId).doesNotContain(secret.id());
      assertThat(caughtUp).extracting(JobEvent::jobId).doesNotContain(secret.id());
      assertThat(of(seenLive, open.id())).hasSize(4);
      assertThat(of(caughtUp, open.id())).hasSize(4);
      assertThat(alice.get("/api/v1/events/stream?job_id=" + secret.id()).status()).isEqualTo(404);
      // The owner does see it.
      assertThat(bob.events(secret.id())).hasSize(4);
    }
  }

  @Test
  void stopping_the_service_ends_the_streams_still_open_instead_of_waiting_for_them() {
    // With a shutdown grace of ten minutes, a stop that waited for open streams would hang; the
    // limit below is a liveness bound, not a measurement.
    JobkitServer own = JobkitServer.start("--spring.lifecycle.timeout-per-shutdown-phase=10m");
    try {
      Api admin = own.admin();
      Job sleeper = admin.submit("{\"command\":[\"sleep\",\"300\"]}");
      admin.awaitStatus(sleeper.id(), RUNNING, TIMEOUT);
      SseStream events = admin.stream("/api/v1/events/stream");
      SseStream log = admin.stream("/api/v1/jobs/" + sleeper.id() + "/log/stream");
      SseStream abandoned = admin.stream("/api/v1/events/stream");
      abandoned.close();

      assertTimeoutPreemptively(Duration.ofSeconds(60), own::close);

      assertThat(events.awaitClosedByServer(TIMEOUT)).isTrue();
      assertThat(log.awaitClosedByServer(TIMEOUT)).isTrue();
    } finally {
      own.close();
    }
  }

  @Test
  void a_last_event_id_that_is_not_a_number_is_a_validation_error() {
    Api.Response bad =
        api.get("/api/v1/events/stream", "Accept", "text/event-stream", "Last-Event-ID", "abc");

    assertThat(bad.status()).isEqualTo(400);
  }
}
