package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Calls and waiters keep their deadlines: a call's {@code callTimeout} bounds its attempts and
 * retries together, and a waiter retries failed reads until its own deadline, never past it.
 */
class DeadlinesTest {

  private static final String JOB =
      "{\"id\":\"job_1\",\"display_name\":\"x\",\"owner\":\"u\",\"status\":\"%s\","
          + "\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
          + "\"attempt\":1}";

  private static Answer job(String status) {
    return Answer.json(200, String.format(JOB, status));
  }

  @Test
  void a_call_timeout_bounds_every_attempt_and_retry_of_a_call_to_a_silent_service() {
    try (ScriptedServer server = new ScriptedServer(Answer.silence());
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .apiKey("jk_test")
                .readTimeout(Duration.ofSeconds(1))
                .callTimeout(Duration.ofMillis(1500))
                .sleeper(wait -> {})
                .build()) {
      assertThatThrownBy(() -> client.users().me())
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("no answer in time");
      // Without the call timeout, four attempts of 1 s each.
      assertThat(server.received()).hasSizeBetween(1, 2);
    }
  }

  @Test
  void a_waiter_tries_failed_reads_again_until_the_job_is_read_in_the_awaited_state() {
    String succeeded =
        "{\"id\":2,\"job_id\":\"job_1\",\"kind\":\"transition\",\"from_status\":\"RUNNING\","
            + "\"to_status\":\"SUCCEEDED\",\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"u\","
            + "\"actor_kind\":\"user\"}";
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.openStream(
                    ":subscribed\nid:1\n\nid:2\nevent:transition\ndata:" + succeeded + "\n\n"),
                job("RUNNING"),
                Answer.problem(503, "unavailable"),
                Answer.problem(503, "unavailable"),
                Answer.problem(503, "unavailable"),
                Answer.problem(503, "unavailable"),
                Answer.problem(503, "unavailable"),
                Answer.problem(503, "unavailable"),
                job("SUCCEEDED"));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .apiKey("jk_test")
                .sleeper(wait -> {})
                .build()) {
      Job done = client.jobs().await("job_1", JobStatus::isTerminal, Duration.ofMinutes(2));

      // Four attempts of one read used up the retries; the waiter read again all the same.
      assertThat(done.status()).isEqualTo(JobStatus.SUCCEEDED);
    }
  }

  @Test
  void a_waiter_on_a_service_that_cannot_be_reached_ends_at_its_deadline_saying_why()
      throws Exception {
    int port = ScriptedServer.unusedPort();
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .retry(RetryPolicy.none())
            .build()) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> client.jobs().await("job_1", JobStatus::isTerminal, Duration.ofSeconds(1)))
          .isInstanceOfSatisfying(
              WaitTimeoutException.class, e -> assertThat(e.lastSeen()).isNull())
          .hasMessageStartingWith(
              "job job_1 did not reach the awaited state within PT1S; it could not be read:"
                  + " cannot reach the Jobkit service")
          .hasCauseInstanceOf(TransportException.class);
      // It took 10 s before: the stream's first connection was awaited for its own 10 s.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    }
  }
}
