package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The life of the SDK's live streams: where they resume from, what a throwing callback does, what
 * silence does, and what closing the client does to them — against a scripted server, which can be
 * silent or hold a stream open in ways the real service is not.
 */
class StreamLifecycleTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** What the client's stream listener was told, in order. */
  private final List<String> told = new CopyOnWriteArrayList<>();

  private final StreamListener recording =
      new StreamListener() {
        @Override
        public void onOpen(URI stream) {
          told.add("open");
        }

        @Override
        public void onFailure(URI stream, JobkitException failure, boolean willRetry) {
          told.add("failure " + (willRetry ? "retrying" : "giving up"));
        }

        @Override
        public void onCallbackFailure(URI stream, RuntimeException failure) {
          told.add("callback " + failure.getMessage());
        }

        @Override
        public void onClosed(URI stream) {
          told.add("closed");
        }
      };

  private static Answer sse(String body) {
    return new Answer(200, Map.of("Content-Type", "text/event-stream"), body);
  }

  private JobkitClient.Builder client(ScriptedServer server) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_test")
        .streamListener(recording)
        .sleeper(wait -> {});
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + PATIENCE + ": " + what);
      }
      Thread.sleep(20);
    }
  }

  @Test
  void a_stream_dropped_before_its_first_event_resumes_from_where_it_subscribed() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                sse(":subscribed\nid:41\n\n"), Answer.openStream(":subscribed\n\n"));
        JobkitClient client = client(server).build();
        EventStream events = client.jobs().watchAll()) {
      awaitTrue("a second connection, open", () -> told.size() >= 3);

      assertThat(server.received().get(0).header("Last-Event-ID")).isNull();
      assertThat(server.received().get(1).header("Last-Event-ID")).isEqualTo("41");
      assertThat(events.lastEventId()).hasValue(41L);
      assertThat(told).startsWith("open", "failure retrying", "open");
    }
  }

  @Test
  void a_job_watch_starts_from_the_job_and_says_when_it_has_ended() {
    String job =
        "{\"id\":\"job_1\",\"display_name\":\"x\",\"owner\":\"u\",\"status\":\"RUNNING\","
            + "\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
            + "\"attempt\":1}";
    String event =
        "{\"id\":%d,\"job_id\":\"job_1\",\"kind\":\"transition\",\"from_status\":\"%s\","
            + "\"to_status\":\"%s\",\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"u\","
            + "\"actor_kind\":\"user\"}";
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.openStream(
                    ":subscribed\nid:4\n\nid:5\nevent:transition\ndata:"
                        + String.format(event, 5, "RUNNING", "RUN_ERROR")
                        + "\n\nid:6\nevent:transition\ndata:"
                        + String.format(event, 6, "RUN_ERROR", "FAILED")
                        + "\n\n"),
                Answer.json(200, job));
        JobkitClient client = client(server).build();
        EventStream events = client.jobs().watch("job_1")) {
      assertThat(events.initialState())
          .hasValueSatisfying(j -> assertThat(j.status()).isEqualTo(JobStatus.RUNNING));
      List<JobStatus> seen = new CopyOnWriteArrayList<>();
      while (!events.ended()) {
        events.next(PATIENCE).ifPresent(e -> seen.add(e.toStatus()));
      }

      assertThat(seen).containsExactly(JobStatus.RUN_ERROR, JobStatus.FAILED);
      assertThat(events.next(PATIENCE)).isEmpty(); // at once: nothing more will come
    }
  }

  @Test
  void a_callback_that_throws_neither_ends_a_follow_nor_turns_into_a_timeout() throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                sse(
                    "id:1\nevent:log\ndata:{\"offset\":0,\"text\":\"a\"}\n\n"
                        + "id:2\nevent:log\ndata:{\"offset\":1,\"text\":\"b\"}\n\n"
                        + "event:end\ndata:{\"status\":\"SUCCEEDED\",\"offset\":2}\n\n"));
        JobkitClient client = client(server).build()) {
      List<String> texts = new CopyOnWriteArrayList<>();
      try (Logs.Follow follow =
          client
              .jobs()
              .logs("job_1")
              .follow(
                  text -> {
                    texts.add(text);
                    if (text.equals("a")) {
                      throw new IllegalStateException("the caller's bug");
                    }
                  })) {
        assertThat(follow.awaitEnd(PATIENCE)).hasValue(JobStatus.SUCCEEDED);
      }
      assertThat(texts).containsExactly("a", "b");
      awaitTrue("the stream's end", () -> told.contains("closed"));
      assertThat(told).containsExactly("open", "callback the caller's bug", "closed");
    }
  }

  @Test
  void a_stream_silent_for_longer_than_its_idle_limit_reconnects_from_its_last_event()
      throws Exception {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.openStream(":subscribed\nid:7\n\n"),
                Answer.openStream(":subscribed\nid:7\n\n"));
        JobkitClient client = client(server).streamIdleLimit(Duration.ofMillis(300)).build();
        EventStream events = client.jobs().watchAll()) {
      awaitTrue("a reconnect after silence", () -> told.size() >= 3);

      assertThat(server.received().get(1).header("Last-Event-ID")).isEqualTo("7");
      assertThat(told).startsWith("open", "failure retrying", "open");
    }
  }

  @Test
  void closing_the_client_ends_its_streams_and_later_calls_fail_at_once() throws Exception {
    try (ScriptedServer server = new ScriptedServer(Answer.openStream(":subscribed\nid:3\n\n"))) {
      JobkitClient client = client(server).build();
      EventStream events = client.jobs().watchAll();
      Logs.Follow follow = client.jobs().logs("job_1").follow(text -> {});

      client.close();

      assertThatThrownBy(() -> events.next(PATIENCE))
          .hasMessageContaining("JobkitClient is closed");
      assertThatThrownBy(() -> follow.awaitEnd(PATIENCE))
          .hasMessageContaining("JobkitClient is closed");
      assertThatThrownBy(() -> client.jobs().get("job_1"))
          .isInstanceOf(JobkitException.class)
          .hasMessage("this JobkitClient is closed; build a new one to call the service");
      assertThatThrownBy(() -> client.jobs().watchAll().next(PATIENCE))
          .hasMessageContaining("JobkitClient is closed");
      awaitTrue(
          "no stream thread left",
          () ->
              Thread.getAllStackTraces().keySet().stream()
                  .noneMatch(t -> t.getName().startsWith("jobkit-sse") && t.isAlive()));
      client.close(); // a second close does nothing
    }
  }
}
