package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.EventStream;
import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.RetryPolicy;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.RecordingProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A submit whose answer is lost on the way back: the job was created, the client retries, and the
 * service replays the same job for the same {@code Idempotency-Key}. Exactly one job exists.
 */
class SdkRetryIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static RecordingProxy proxy;

  @BeforeAll
  static void start() {
    proxy = service.closeAfterAll(new RecordingProxy(service.server().baseUrl()));
  }

  @Test
  void a_retried_submit_creates_exactly_one_job() {
    AtomicInteger submits = new AtomicInteger();
    proxy.loseAnswersOf(r -> r.equals("POST /api/v1/jobs") && submits.incrementAndGet() == 1);
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl(proxy.baseUrl())
            .apiKey(service.userKey())
            .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
            .build()) {
      Job job =
          client.jobs().submit(JobSpec.builder().command("true").tag("case", "retried").build());

      List<Job> all =
          client
              .jobs()
              .listAll(JobQuery.builder().owner(service.userName()).tag("case", "retried").build())
              .toList();
      assertThat(proxy.count("POST", "/api/v1/jobs")).isEqualTo(2);
      assertThat(all).extracting(Job::id).containsExactly(job.id());
    }
  }

  @Test
  void a_watch_whose_connection_is_cut_resumes_after_the_last_event_and_misses_nothing() {
    try (JobkitClient client =
            JobkitClient.builder()
                .baseUrl(proxy.baseUrl())
                .apiKey(service.userKey())
                .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
                .build();
        EventStream events = client.jobs().watchAll()) {
      Job first = client.jobs().submit(JobSpec.builder().command("true").build());
      List<JobEvent> seen = new ArrayList<>();
      collectUntilEnded(events, first.id(), seen);

      proxy.cutStreams();
      Job second = client.jobs().submit(JobSpec.builder().command("true").build());
      client.jobs().await(second.id(), JobStatus::isTerminal, Duration.ofSeconds(30));
      collectUntilEnded(events, second.id(), seen);

      List<JobEvent> expected = new ArrayList<>(client.jobs().events(first.id()));
      expected.addAll(client.jobs().events(second.id()));
      assertThat(seen).extracting(JobEvent::id).doesNotHaveDuplicates();
      assertThat(
              seen.stream()
                  .filter(e -> e.jobId().equals(first.id()) || e.jobId().equals(second.id())))
          .extracting(JobEvent::id)
          .containsExactlyElementsOf(expected.stream().map(JobEvent::id).toList());
      assertThat(proxy.count("GET", "/api/v1/events/stream")).isGreaterThanOrEqualTo(2);
    }
  }

  private static void collectUntilEnded(EventStream events, String jobId, List<JobEvent> seen) {
    while (true) {
      JobEvent e =
          events
              .next(Duration.ofSeconds(30))
              .orElseThrow(() -> new AssertionError("no event for " + jobId + " in 30 s"));
      seen.add(e);
      if (e.jobId().equals(jobId) && e.toStatus().isTerminal()) {
        return;
      }
    }
  }
}
