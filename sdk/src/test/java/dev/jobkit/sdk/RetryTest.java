package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the client retries, and how, against a local server that fails on purpose. */
class RetryTest {

  private static final String JOB =
      "{\"id\":\"job_1\",\"display_name\":\"x\",\"owner\":\"u\",\"status\":\"QUEUED\","
          + "\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
          + "\"attempt\":0}";

  private final List<Integer> retries = new CopyOnWriteArrayList<>();
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final List<Duration> slept = new CopyOnWriteArrayList<>();

  private JobkitClient client(ScriptedServer server, int attempts) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_test")
        .retry(
            RetryPolicy.defaults()
                .withMaxAttempts(attempts)
                .withBackoff(Duration.ZERO, Duration.ZERO)
                .withListener(
                    (attempt, failure, wait) -> {
                      retries.add(attempt);
                      waits.add(wait);
                    }))
        // No test waits on the real clock: the client's waits are recorded instead.
        .sleeper(slept::add)
        .build();
  }

  @ParameterizedTest(name = "HTTP {0} is retried")
  @CsvSource({"502", "503", "504"})
  void a_submit_that_fails_with_a_gateway_error_is_retried_with_the_same_idempotency_key(
      int status) {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.problem(status, "internal"),
                Answer.problem(status, "internal"),
                Answer.json(201, JOB));
        JobkitClient client = client(server, 4)) {
      Job job = client.jobs().submit(JobSpec.builder().command("true").build());

      assertThat(job.id()).isEqualTo("job_1");
      assertThat(server.received()).hasSize(3);
      assertThat(server.received())
          .extracting(r -> r.header("Idempotency-Key"))
          .doesNotContainNull()
          .containsOnly(server.received().get(0).header("Idempotency-Key"));
      assertThat(retries).containsExactly(1, 2);
    }
  }

  @ParameterizedTest(name = "HTTP {0} ({1}) is not retried")
  @CsvSource({
    "400, validation_failed, dev.jobkit.sdk.ValidationException",
    "401, unauthorized, dev.jobkit.sdk.AuthenticationException",
    "403, forbidden, dev.jobkit.sdk.ForbiddenException",
    "404, not_found, dev.jobkit.sdk.NotFoundException",
    "409, conflict, dev.jobkit.sdk.ConflictException",
    "409, invalid_state, dev.jobkit.sdk.InvalidStateException",
    "500, internal, dev.jobkit.sdk.ServerException"
  })
  void other_errors_are_not_retried_and_arrive_typed(int status, String code, String type)
      throws ClassNotFoundException {
    try (ScriptedServer server = new ScriptedServer(Answer.problem(status, code));
        JobkitClient client = client(server, 4)) {
      assertThatThrownBy(() -> client.jobs().get("job_1"))
          .isInstanceOf(Class.forName(type))
          .isInstanceOfSatisfying(
              JobkitApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.code()).contains(code);
                assertThat(e.requestId()).contains("req_test");
                assertThat(e.getMessage()).contains("scripted " + code);
              });
      assertThat(server.received()).hasSize(1);
      assertThat(retries).isEmpty();
    }
  }

  private static Answer rateLimited(String retryAfter) {
    return new Answer(
        429,
        java.util.Map.of("Retry-After", retryAfter, "Content-Type", "application/problem+json"),
        "{\"status\":429,\"code\":\"rate_limited\"}");
  }

  private JobkitClient waitingUpTo(ScriptedServer server, Duration maxBackoff) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_test")
        .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, maxBackoff))
        .sleeper(slept::add)
        .build();
  }

  @Test
  void a_429_waits_as_long_as_retry_after_says() {
    try (ScriptedServer server = new ScriptedServer(rateLimited("1"), Answer.json(200, JOB));
        JobkitClient client = waitingUpTo(server, Duration.ofSeconds(10))) {
      assertThat(client.jobs().get("job_1").id()).isEqualTo("job_1");
      assertThat(slept).containsExactly(Duration.ofSeconds(1));
      assertThat(server.received()).hasSize(2);
    }
  }

  @Test
  void a_retry_after_longer_than_the_longest_backoff_fails_at_once_and_says_how_long() {
    try (ScriptedServer server = new ScriptedServer(rateLimited("3600"), Answer.json(200, JOB));
        JobkitClient client = waitingUpTo(server, Duration.ofSeconds(10))) {
      assertThatThrownBy(() -> client.jobs().get("job_1"))
          .isInstanceOfSatisfying(
              RateLimitedException.class,
              e -> assertThat(e.retryAfter()).hasValue(Duration.ofHours(1)));
      assertThat(slept).isEmpty();
      assertThat(server.received()).hasSize(1);
    }
  }

  @Test
  void an_interrupt_while_waiting_to_try_again_ends_the_call_with_the_last_failure()
      throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(Answer.problem(503, "internal"), Answer.json(200, JOB));
        JobkitClient client =
            JobkitClient.builder()
                .baseUrl(server.url())
                .apiKey("jk_test")
                .sleeper(
                    wait -> {
                      throw new InterruptedException();
                    })
                .build()) {
      assertThatThrownBy(() -> client.jobs().get("job_1"))
          .isInstanceOf(ServerException.class)
          .satisfies(e -> assertThat(Thread.interrupted()).isTrue());
      assertThat(server.received()).hasSize(1);
    }
  }

  @Test
  void a_refused_connection_is_retried_then_reported_as_a_transport_failure() throws Exception {
    int port = ScriptedServer.unusedPort();
    try (JobkitClient client =
        JobkitClient.builder()
            .baseUrl("http://127.0.0.1:" + port)
            .retry(
                RetryPolicy.defaults()
                    .withMaxAttempts(3)
                    .withBackoff(Duration.ZERO, Duration.ZERO)
                    .withListener((attempt, failure, wait) -> retries.add(attempt)))
            .build()) {
      assertThatThrownBy(() -> client.jobs().get("job_1"))
          .isInstanceOf(TransportException.class)
          .hasMessage(
              "cannot reach the Jobkit service at http://127.0.0.1:"
                  + port
                  + ": connection refused (GET /api/v1/jobs/job_1)")
          .hasCauseInstanceOf(java.net.ConnectException.class);
      assertThat(retries).containsExactly(1, 2);
    }
  }

  @Test
  void the_backoff_grows_exponentially_within_its_bounds() {
    RetryPolicy policy =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(100), Duration.ofMillis(1000))
            .withJitter(0);
    assertThat(Backoffs.of(policy, 1)).isEqualTo(Duration.ofMillis(100));
    assertThat(Backoffs.of(policy, 2)).isEqualTo(Duration.ofMillis(200));
    assertThat(Backoffs.of(policy, 4)).isEqualTo(Duration.ofMillis(800));
    assertThat(Backoffs.of(policy, 9)).isEqualTo(Duration.ofMillis(1000));
    RetryPolicy jittered = policy.withJitter(0.5);
    for (int i = 0; i < 100; i++) {
      assertThat(Backoffs.of(jittered, 2))
          .isBetween(Duration.ofMillis(100), Duration.ofMillis(300));
    }
  }
}
