package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.RetryPolicy;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.RecordingProxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A submit whose answer is lost on the way back: the job was created, the client retries, and the
 * service replays the same job for the same {@code Idempotency-Key}. Exactly one job exists.
 */
class SdkRetryIT {

  static JobkitServer server;
  static RecordingProxy proxy;

  @BeforeAll
  static void start() {
    server = JobkitServer.start();
    proxy = new RecordingProxy(server.baseUrl());
  }

  @AfterAll
  static void stop() {
    proxy.close();
    server.close();
  }

  @Test
  void a_retried_submit_creates_exactly_one_job() {
    AtomicInteger submits = new AtomicInteger();
    proxy.loseAnswersOf(r -> r.equals("POST /api/v1/jobs") && submits.incrementAndGet() == 1);
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl(proxy.baseUrl())
            .apiKey(JobkitServer.ADMIN_KEY)
            .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
            .build()) {
      Job job =
          client.jobs().submit(JobSpec.builder().command("true").tag("case", "retried").build());

      List<Job> all =
          client.jobs().listAll(JobQuery.builder().tag("case", "retried").build()).toList();
      assertThat(proxy.count("POST", "/api/v1/jobs")).isEqualTo(2);
      assertThat(all).extracting(Job::id).containsExactly(job.id());
    }
  }
}
