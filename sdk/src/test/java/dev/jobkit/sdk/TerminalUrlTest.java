package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.jobs.TerminalUrl;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code jobs().terminal}: what it sends, what it reads, and that it is never sent twice. */
class TerminalUrlTest {

  private static final String ANSWER =
      "{\"url\":\"http://127.0.0.1:8080/terminal#t1\","
          + "\"socket_url\":\"ws://127.0.0.1:8080/api/v1/terminal/socket?ticket=t1\","
          + "\"expires_at\":\"2026-12-03T18:00:00Z\",\"job_id\":\"job_1\",\"pod\":1}";

  private static JobkitClient client(ScriptedServer server) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_test")
        .retry(RetryPolicy.defaults().withMaxAttempts(4).withBackoff(Duration.ZERO, Duration.ZERO))
        .sleeper(wait -> {})
        .build();
  }

  @Test
  void terminal_posts_to_the_pod_and_reads_both_addresses_and_the_expiry() {
    try (ScriptedServer server = new ScriptedServer(Answer.json(201, ANSWER));
        JobkitClient client = client(server)) {
      TerminalUrl terminal = client.jobs().terminal("job_1", 1);

      assertThat(terminal)
          .isEqualTo(
              new TerminalUrl(
                  "http://127.0.0.1:8080/terminal#t1",
                  "ws://127.0.0.1:8080/api/v1/terminal/socket?ticket=t1",
                  Instant.parse("2026-12-03T18:00:00Z"),
                  "job_1",
                  1));
      assertThat(server.received()).hasSize(1);
      assertThat(server.received().get(0).method()).isEqualTo("POST");
      assertThat(server.received().get(0).path()).isEqualTo("/api/v1/jobs/job_1/pods/1/terminal");
    }
  }

  @Test
  void a_terminal_request_that_failed_with_a_gateway_error_is_not_sent_again() {
    try (ScriptedServer server =
            new ScriptedServer(Answer.problem(503, "internal"), Answer.json(201, ANSWER));
        JobkitClient client = client(server)) {
      assertThatThrownBy(() -> client.jobs().terminal("job_1", 0))
          .isInstanceOf(JobkitApiException.class);
      assertThat(server.received()).hasSize(1);
    }
  }
}
