package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.RawStream;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Streams whose readers stop reading: they never hold up anyone else's stream, they are dropped
 * with a reason, and a dropped reader resumes exactly where it stopped. Also the open streams a
 * user may have. On a service of the class's own: it counts the streams the service dropped. (What
 * streams cost in threads is {@link StreamThreadsIT}: it counts the threads of the whole JVM.)
 */
class SlowReadersIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /**
   * What "promptly" means for the victim: generous, and with its two waits well under the write
   * timeout below.
   */
  private static final Duration PROMPTLY = Duration.ofSeconds(8);

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own(
          // Long enough that the stalled readers are still stalled while the victim is served,
          // and no longer: the test waits it out once.
          "--jobkit.api.stream-write-timeout=20s",
          "--jobkit.api.stream-buffer=64KB",
          "--jobkit.api.stream-keep-alive=1s",
          "--jobkit.executor.slots=4");

  static JobkitServer server;
  static Api admin;
  static Gates gates;

  @BeforeAll
  static void connect() {
    server = service.server();
    admin = service.admin();
    gates = service.gates();
  }

  private static String newKey(String prefix) {
    return service.newUser(prefix, "parallel").key();
  }

  private static double metric(String name) {
    String metrics = server.anonymous().get("/metrics").expect(200).body();
    Matcher m =
        Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static void await(String what, BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static String logText(List<SseStream.Event> events) {
    return events.stream()
        .filter(e -> e.name().equals("log"))
        .map(e -> e.json().get("text").asString())
        .collect(Collectors.joining());
  }

  /** The data of the {@code dropped} event in a raw stream's body, or null if none. */
  private static JsonNode dropped(String body) {
    Matcher m = Pattern.compile("event:dropped\ndata:(.*)\n").matcher(body);
    return m.find() ? Api.JSON.readTree(m.group(1)) : null;
  }

  private static String lastId(String body) {
    Matcher m = Pattern.compile("(?m)^id:(.*)$").matcher(body);
    String last = null;
    while (m.find()) {
      last = m.group(1);
    }
    return last;
  }

  @Test
  void readers_that_never_read_hold_up_no_one_else_and_are_dropped_and_resume_exactly() {
    Job big =
        admin.submitShell(
            "yes jobkit-slow-reader-0123456789 | head -c 100000000; "
                + gates.script("big")
                + "; echo done");
    admin.awaitStatus(big.id(), RUNNING, TIMEOUT);
    List<RawStream> stalledLogs = new ArrayList<>();
    List<RawStream> stalledEvents = new ArrayList<>();
    Job victim = null;
    try {
      for (int i = 0; i < 4; i++) {
        stalledEvents.add(RawStream.open(server, JobkitServer.ADMIN_KEY, "/api/v1/events/stream"));
      }
      assertThat(stalledEvents).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
      // Events for the event streams that do not read, until their sockets are full and more
      // than their buffer waits: renames with long names (about 1.7 KB an event).
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      for (int i = 0; metric("jobkit_streams_dropped_total") < 4; i++) {
        assertThat(System.nanoTime()).as("event streams dropped in time").isLessThan(deadline);
        for (int j = 0; j < 100; j++) {
          String name = i + "-" + j + "-";
          admin
              .patch(
                  "/api/v1/jobs/" + big.id(),
                  "{\"display_name\":\"" + name + "\u20ac".repeat(256 - name.length()) + "\"}")
              .expect(200);
        }
      }
      // Then readers of the big job's log (100 MB) that never read.
      for (int i = 0; i < 4; i++) {
        stalledLogs.add(
            RawStream.open(
                server, JobkitServer.ADMIN_KEY, "/api/v1/jobs/" + big.id() + "/log/stream"));
      }
      assertThat(stalledLogs).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
      await("4 stalled log streams", () -> metric("jobkit_streams_stalled") >= 4, TIMEOUT);

      // The victim, another user, follows a job of theirs meanwhile.
      Api carol = server.withKey(newKey("carol"));
      try (SseStream events = carol.stream("/api/v1/events/stream")) {
        victim = carol.submitShell("echo tick-1; sleep 1; echo tick-2; sleep 1; echo tick-3");
        String victimId = victim.id();
        try (SseStream log = carol.stream("/api/v1/jobs/" + victimId + "/log/stream")) {
          List<SseStream.Event> first =
              log.until(e -> logText(List.of(e)).contains("tick-1"), PROMPTLY);
          assertThat(logText(first)).startsWith("tick-1\n");
          events.until(
              e -> e.data().contains(victimId) && e.data().contains("\"RUNNING\""), PROMPTLY);
          // Served while the log readers still held their streams, not once they were dropped.
          assertThat(metric("jobkit_streams_dropped_total")).isEqualTo(4);
          assertThat(logText(first) + logText(log.until(e -> e.name().equals("end"), TIMEOUT)))
              .isEqualTo("tick-1\ntick-2\ntick-3\n");
          events.until(
              e -> e.data().contains(victimId) && e.data().contains("\"SUCCEEDED\""), TIMEOUT);
        }
      }

      // A socket's send buffer may still grow by a little now and then (the kernel's tuning),
      // which restarts the write timeout: generous.
      await(
          "8 dropped streams",
          () -> metric("jobkit_streams_dropped_total") >= 8,
          Duration.ofSeconds(180));

      String logBody = stalledLogs.get(0).readToEnd(TIMEOUT);
      JsonNode logDrop = dropped(logBody);
      assertThat(logDrop).as("the dropped event at the end of the log stream").isNotNull();
      assertThat(logDrop.get("reason").asString())
          .contains("read nothing for 20 s", "jobkit.api.stream-write-timeout", "Last-Event-ID");
      String resumeAt = logDrop.get("last_event_id").asString();
      assertThat(resumeAt).isEqualTo(lastId(logBody));
      assertThat(logBody).endsWith("\n\n");
      try (SseStream resumed =
          admin.stream("/api/v1/jobs/" + big.id() + "/log/stream", "Last-Event-ID", resumeAt)) {
        SseStream.Event next = resumed.until(e -> e.name().equals("log"), TIMEOUT).get(0);
        assertThat(next.json().get("offset").asLong()).isEqualTo(Long.parseLong(resumeAt));
      }

      String eventBody = stalledEvents.get(0).readToEnd(TIMEOUT);
      JsonNode eventDrop = dropped(eventBody);
      assertThat(eventDrop).as("the dropped event at the end of the event stream").isNotNull();
      assertThat(eventDrop.get("reason").asString())
          .contains(
              "did not keep up: more than 64 KB", "jobkit.api.stream-buffer", "Last-Event-ID");
      long lastEvent = Long.parseLong(eventDrop.get("last_event_id").asString());
      assertThat(Long.toString(lastEvent)).isEqualTo(lastId(eventBody));
      long expected =
          java.util.stream.Stream.concat(
                  admin.events(big.id()).stream(), admin.events(victim.id()).stream())
              .mapToLong(JobEvent::id)
              .filter(id -> id > lastEvent)
              .min()
              .orElseThrow();
      try (SseStream resumed =
          admin.stream("/api/v1/events/stream", "Last-Event-ID", Long.toString(lastEvent))) {
        assertThat(resumed.next(TIMEOUT).id()).isEqualTo(Long.toString(expected));
      }
    } finally {
      stalledLogs.forEach(RawStream::close);
      stalledEvents.forEach(RawStream::close);
      admin.stopAndAwaitCanceled(big.id());
    }
  }

  @Test
  void an_idle_log_stream_gets_keep_alive_comments() {
    Job quiet = admin.submitShell(gates.script("quiet"));
    admin.awaitStatus(quiet.id(), RUNNING, TIMEOUT);
    try (RawStream stream =
        RawStream.open(
            server, JobkitServer.ADMIN_KEY, "/api/v1/jobs/" + quiet.id() + "/log/stream")) {
      assertThat(stream.readUntil(":keepalive", TIMEOUT)).contains(":keepalive");
    } finally {
      gates.open("quiet");
      admin.awaitStatus(quiet.id(), SUCCEEDED, TIMEOUT);
    }
  }

  @Test
  void a_user_has_at_most_32_streams_open_and_closing_one_frees_its_place() {
    String dan = newKey("dan");
    Api asDan = server.withKey(dan);
    Job running = asDan.submitShell(gates.script("dan"));
    asDan.awaitStatus(running.id(), RUNNING, TIMEOUT);
    String log = "/api/v1/jobs/" + running.id() + "/log/stream";
    List<RawStream> open = new ArrayList<>();
    try {
      for (int i = 0; i < 32; i++) {
        RawStream s = RawStream.open(server, dan, i % 2 == 0 ? "/api/v1/events/stream" : log);
        open.add(s);
        assertThat(s.status()).as("stream %d", i + 1).isEqualTo(200);
      }

      Api.Response refused = asDan.get("/api/v1/events/stream", "Accept", "text/event-stream");
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.contentType()).startsWith("application/problem+json");
      assertThat(refused.json().get("code").asString()).isEqualTo("rate_limited");
      assertThat(refused.json().get("detail").asString())
          .contains("32", "jobkit.api.max-streams-per-user");
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(asDan.get(log, "Accept", "text/event-stream").status()).isEqualTo(429);
      try (RawStream other = RawStream.open(server, newKey("erin"), "/api/v1/events/stream")) {
        assertThat(other.status()).as("another user's stream").isEqualTo(200);
      }

      open.remove(0).close();
      // The service notices a closed stream at its next keep-alive (every second here).
      await(
          "a stream once one of the 32 was closed",
          () -> {
            RawStream again = RawStream.open(server, dan, "/api/v1/events/stream");
            if (again.status() == 200) {
              open.add(again);
              return true;
            }
            again.close();
            return false;
          },
          TIMEOUT);
    } finally {
      open.forEach(RawStream::close);
      gates.open("dan");
    }
  }
}
