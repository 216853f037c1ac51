package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A stream the service drops ({@code dropped} event: its reader did not keep up) is resumed from
 * the last event the client got, with nothing missed or repeated.
 */
class StreamResumeTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static Answer sse(String body) {
    return new Answer(200, Map.of("Content-Type", "text/event-stream"), body);
  }

  private static final String DROPPED =
      "event:dropped\n"
          + "data:{\"reason\":\"the client read nothing for 10 s"
          + " (jobkit.api.stream-write-timeout); reconnect with Last-Event-ID: 6 to resume where"
          + " it stopped\",\"last_event_id\":\"6\"}\n\n";

  private static JobkitClient client(ScriptedServer server) {
    return JobkitClient.builder().baseUrl(server.url()).apiKey("jk_test").build();
  }

  @Test
  void a_log_follow_that_is_dropped_resumes_from_the_offset_it_got_to() {
    try (ScriptedServer server =
            new ScriptedServer(
                sse(
                    ":following job job_1 pod 0\n\n"
                        + "id:6\nevent:log\ndata:{\"offset\":0,\"text\":\"hello \"}\n\n"
                        + DROPPED),
                sse(
                    "id:11\nevent:log\ndata:{\"offset\":6,\"text\":\"world\"}\n\n"
                        + "event:end\ndata:{\"status\":\"SUCCEEDED\",\"offset\":11}\n\n"));
        JobkitClient client = client(server)) {
      StringBuilder text = new StringBuilder();
      Optional<JobStatus> end;
      try (var follow = client.jobs().logs("job_1").follow(text::append)) {
        end = follow.awaitEnd(TIMEOUT);
      }

      assertThat(end).hasValue(JobStatus.SUCCEEDED);
      assertThat(text).hasToString("hello world");
      assertThat(server.received()).hasSize(2);
      ScriptedServer.Received resumed = server.received().get(1);
      assertThat(resumed.header("Last-Event-ID")).isEqualTo("6");
      assertThat(resumed.path()).endsWith("offset=6");
    }
  }

  @Test
  void an_event_stream_that_is_dropped_resumes_after_the_last_event_it_got() {
    String event =
        "{\"id\":%d,\"job_id\":\"job_1\",\"kind\":\"transition\",\"from_status\":%s,"
            + "\"to_status\":\"%s\",\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"u\","
            + "\"actor_kind\":\"user\"}";
    try (ScriptedServer server =
            new ScriptedServer(
                sse(
                    ":subscribed\n\nid:6\nevent:transition\ndata:"
                        + String.format(event, 6, "null", "QUEUED")
                        + "\n\n"
                        + DROPPED),
                sse(
                    ":subscribed\n\nid:7\nevent:transition\ndata:"
                        + String.format(event, 7, "\"QUEUED\"", "CLAIMED")
                        + "\n\n"));
        JobkitClient client = client(server);
        // Every job's events: a one-job watch also reads the job, which the script would answer.
        EventStream events = client.jobs().watchAll()) {
      JobEvent first = events.next(TIMEOUT).orElseThrow();
      JobEvent second = events.next(TIMEOUT).orElseThrow();

      assertThat(first.id()).isEqualTo(6);
      assertThat(second.id()).isEqualTo(7);
      assertThat(server.received().get(1).header("Last-Event-ID")).isEqualTo("6");
    }
  }
}
