package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reading a job's log: tails of any size and encoding, and following it live over SSE. */
class LogsIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int MAX_TAIL = 20_000;

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static Api api;
  static Gates gates;

  @BeforeAll
  static void start() {
    api = service.user();
    gates = service.gates();
  }

  private static LogTail tail(String jobId, String query) {
    return api.get("/api/v1/jobs/" + jobId + "/log" + query).expect(200).as(LogTail.class);
  }

  private static String text(List<SseStream.Event> events) {
    return events.stream()
        .filter(e -> e.name().equals("log"))
        .map(e -> e.json().get("text").asString())
        .collect(Collectors.joining());
  }

  private static boolean isEnd(SseStream.Event e) {
    return e.name().equals("end");
  }

  @Test
  void the_tail_of_a_job_that_has_written_nothing_yet_is_empty_not_an_error() {
    Job silent = api.submitShell(gates.script("silent") + "; echo late");
    api.awaitStatus(silent.id(), RUNNING, TIMEOUT);
    Job neverLaunched =
        api.submit("{\"shell\":\"echo child\",\"parents\":[\"" + silent.id() + "\"]}");
    assertThat(api.job(neverLaunched.id()).status()).isEqualTo(AWAITING_PARENTS);

    LogTail running = tail(silent.id(), "");
    LogTail waiting = tail(neverLaunched.id(), "");

    assertThat(running.content()).isEmpty();
    assertThat(running.sizeBytes()).isZero();
    assertThat(running.truncated()).isFalse();
    assertThat(waiting.content()).isEmpty();
    assertThat(waiting.truncated()).isFalse();
    gates.open("silent");
    api.awaitStatus(neverLaunched.id(), SUCCEEDED, TIMEOUT);
    assertThat(tail(silent.id(), "").content()).isEqualTo("late\n");
  }

  @Test
  void the_tail_is_20000_characters_by_default_and_at_most() {
    Job job = api.submitShell("head -c 25000 /dev/zero | tr '\\0' a; echo; echo last");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    LogTail byDefault = tail(job.id(), "");
    LogTail atMost = tail(job.id(), "?tail_chars=20000");
    LogTail small = tail(job.id(), "?tail_chars=7");
    Api.Response tooMany = api.get("/api/v1/jobs/" + job.id() + "/log?tail_chars=20001");
    Api.Response zero = api.get("/api/v1/jobs/" + job.id() + "/log?tail_chars=0");

    assertThat(byDefault.content()).hasSize(MAX_TAIL).endsWith("a\nlast\n");
    assertThat(byDefault.truncated()).isTrue();
    assertThat(byDefault.sizeBytes()).isEqualTo(25000 + 1 + 5);
    assertThat(atMost.content()).isEqualTo(byDefault.content());
    assertThat(small.content()).isEqualTo("a\nlast\n");
    assertThat(small.truncated()).isTrue();
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().get("code").asString()).isEqualTo("validation_failed");
    assertThat(tooMany.json().get("errors").get(0).get("field").asString()).isEqualTo("tail_chars");
    assertThat(zero.status()).isEqualTo(400);
    assertThat(api.get("/api/v1/jobs/" + job.id() + "/log?tail_chars=lots").status())
        .isEqualTo(400);
    assertThat(api.get("/api/v1/jobs/" + job.id() + "/log?tail_chars=-5").status()).isEqualTo(400);
  }

  @Test
  void a_short_log_is_returned_whole_and_not_truncated() {
    Job job = api.submitShell("echo one; echo two >&2; echo three");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    LogTail whole = tail(job.id(), "");

    assertThat(whole.content()).isEqualTo("one\ntwo\nthree\n");
    assertThat(whole.truncated()).isFalse();
    assertThat(whole.sizeBytes()).isEqualTo(14);
  }

  @Test
  void the_tail_of_a_50_mb_log_is_its_last_20000_characters() {
    Job job = api.submitShell("head -c 50000000 /dev/zero | tr '\\0' 'x'; echo END");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    LogTail end = tail(job.id(), "");

    assertThat(end.content()).hasSize(MAX_TAIL).endsWith("xEND\n");
    assertThat(end.content().substring(0, MAX_TAIL - 4)).matches("x+");
    assertThat(end.truncated()).isTrue();
    assertThat(end.sizeBytes()).isEqualTo(50_000_004L);
    api.delete("/api/v1/jobs/" + job.id()).expect(200); // give the disk back
  }

  @Test
  void a_multi_byte_character_cut_by_the_tail_is_dropped_not_garbled() {
    // 30,000 euro signs (3 bytes each) then END: the byte window of the tail starts inside one.
    Job job =
        api.submitShell(
            "yes \"$(printf '\\342\\202\\254')\" | head -n 30000 | tr -d '\\n'; echo END");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    LogTail tail = tail(job.id(), "");

    assertThat(tail.sizeBytes()).isEqualTo(30000L * 3 + 4);
    assertThat(tail.content()).hasSize(MAX_TAIL).endsWith("€END\n").doesNotContain("\uFFFD");
    assertThat(tail.content().substring(0, MAX_TAIL - 4)).matches("€+");
    assertThat(tail.truncated()).isTrue();
  }

  @Test
  void a_character_outside_the_basic_plane_is_never_split_into_half_a_surrogate_pair() {
    // 30,000 grinning faces: 4 bytes and two UTF-16 chars each.
    Job job =
        api.submitShell(
            "yes \"$(printf '\\360\\237\\230\\200')\" | head -n 30000 | tr -d '\\n'; echo END");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    String content = tail(job.id(), "").content();

    assertThat(content).doesNotContain("\uFFFD").endsWith("\uD83D\uDE00END\n");
    assertThat(Character.isLowSurrogate(content.charAt(0))).isFalse();
    assertThat(content.codePoints().filter(c -> c != 0x1F600).toArray())
        .containsExactly('E', 'N', 'D', '\n');
    assertThat(content.length()).isBetween(MAX_TAIL - 1, MAX_TAIL);
  }

  @Test
  void asking_for_text_plain_returns_the_raw_log_text() {
    Job job =
        api.submitShell(
            "echo plain; printf 'caf\\303\\251 \\342\\202\\254\\n'; echo '{\"not\": 1}'");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    Api.Response raw = api.get("/api/v1/jobs/" + job.id() + "/log", "Accept", "text/plain");

    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.contentType()).startsWith("text/plain");
    assertThat(raw.body()).isEqualTo("plain\ncafé €\n{\"not\": 1}\n");
    assertThat(raw.body()).isEqualTo(tail(job.id(), "").content());
  }

  @Test
  void the_log_of_a_pod_the_job_does_not_have_is_a_validation_error() {
    Job job = api.submit("{\"command\":[\"true\"]}");

    Api.Response bad = api.get("/api/v1/jobs/" + job.id() + "/log?pod=3");

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("pod");
    api.get("/api/v1/jobs/job_nosuchjob/log").expect(404);
  }

  @Test
  void following_a_log_delivers_lines_as_they_are_written_and_ends_with_the_final_status() {
    Job job = api.submitShell("echo line-1; " + gates.script("follow") + "; echo line-2");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);

    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      assertThat(stream.status()).isEqualTo(200);
      List<SseStream.Event> first =
          stream.until(e -> e.name().equals("log") && text(List.of(e)).contains("line-1"), TIMEOUT);
      // Seen while the job is still running: it cannot go on before the gate opens.
      assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);
      assertThat(text(first)).isEqualTo("line-1\n");
      assertThat(first.get(first.size() - 1).id()).isEqualTo("7");

      gates.open("follow");
      List<SseStream.Event> rest = stream.until(LogsIT::isEnd, TIMEOUT);

      assertThat(text(first) + text(rest)).isEqualTo("line-1\nline-2\n");
      SseStream.Event end = rest.get(rest.size() - 1);
      assertThat(end.json().get("status").asString()).isEqualTo("SUCCEEDED");
      assertThat(end.json().get("offset").asLong()).isEqualTo(14);
      assertThat(stream.awaitClosedByServer(TIMEOUT)).isTrue();
    }
  }

  @Test
  void following_a_job_that_has_written_nothing_yet_answers_at_once_and_then_delivers_its_lines() {
    Job job = api.submitShell(gates.script("nothing-yet") + "; echo finally");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);

    // Opening fails with a timeout if the service holds back its answer until the first byte.
    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(api.job(job.id()).status()).isEqualTo(RUNNING);

      gates.open("nothing-yet");
      List<SseStream.Event> events = stream.until(LogsIT::isEnd, TIMEOUT);

      assertThat(text(events)).isEqualTo("finally\n");
    }
  }

  @Test
  void following_from_an_offset_or_last_event_id_continues_without_repeating() {
    Job job =
        api.submitShell("echo line-1; " + gates.script("resume") + "; echo line-2; echo line-3");
    api.awaitStatus(job.id(), RUNNING, TIMEOUT);
    String resumeAt;
    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      List<SseStream.Event> seen = stream.until(e -> e.name().equals("log"), TIMEOUT);
      resumeAt = seen.get(seen.size() - 1).id();
      assertThat(text(seen)).isEqualTo("line-1\n");
    }
    gates.open("resume");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    List<SseStream.Event> byOffset;
    try (SseStream stream =
        api.stream("/api/v1/jobs/" + job.id() + "/log/stream?offset=" + resumeAt)) {
      byOffset = stream.until(LogsIT::isEnd, TIMEOUT);
    }
    List<SseStream.Event> byLastEventId;
    try (SseStream stream =
        api.stream("/api/v1/jobs/" + job.id() + "/log/stream", "Last-Event-ID", resumeAt)) {
      byLastEventId = stream.until(LogsIT::isEnd, TIMEOUT);
    }

    assertThat(text(byOffset)).isEqualTo("line-2\nline-3\n");
    assertThat(text(byLastEventId)).isEqualTo("line-2\nline-3\n");
    assertThat(byOffset.get(byOffset.size() - 1).json().get("status").asString())
        .isEqualTo("SUCCEEDED");
  }

  @Test
  void following_an_ended_job_replays_its_whole_log_then_ends_at_once() {
    Job job = api.submit("{\"shell\":\"echo a; echo b; exit 4\"}");
    api.awaitEnd(job.id());

    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      List<SseStream.Event> events = stream.until(LogsIT::isEnd, TIMEOUT);

      assertThat(text(events)).isEqualTo("a\nb\n");
      assertThat(events.get(events.size() - 1).json().get("status").asString()).isEqualTo("FAILED");
    }
  }

  @Test
  void following_a_large_log_delivers_every_byte_exactly_once() {
    Job job = api.submitShell("i=0; while [ $i -lt 20000 ]; do echo \"line $i\"; i=$((i+1)); done");
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream")) {
      String text = text(stream.until(LogsIT::isEnd, TIMEOUT));

      String[] lines = text.split("\n");
      assertThat(lines).hasSize(20000);
      for (int i = 0; i < lines.length; i++) {
        assertThat(lines[i]).isEqualTo("line " + i);
      }
    }
  }

  @Test
  void a_log_stream_offset_or_last_event_id_of_anything_but_digits_is_a_validation_error() {
    Job job = api.submit("{\"shell\":\"echo a\"}");
    api.awaitEnd(job.id());
    String path = "/api/v1/jobs/" + job.id() + "/log/stream";

    for (String offset : List.of("%2B5", "-1", "5x", "%205", "%EF%BC%95", "99999999999999999999")) {
      Api.Response bad = api.get(path + "?offset=" + offset, "Accept", "text/event-stream");
      assertThat(bad.status()).as(offset).isEqualTo(400);
      assertThat(bad.json().at("/errors/0/field").asString()).isEqualTo("offset");
    }
    for (String id : List.of("+5", "-1", "1.5", "5 5")) {
      Api.Response bad = api.get(path, "Accept", "text/event-stream", "Last-Event-ID", id);
      assertThat(bad.status()).as(id).isEqualTo(400);
      assertThat(bad.json().at("/errors/0/field").asString()).isEqualTo("Last-Event-ID");
    }
  }

  @Test
  void following_an_ended_job_from_past_the_end_of_its_log_is_refused_not_a_wait() {
    Job job = api.submit("{\"shell\":\"echo a\"}");
    api.awaitEnd(job.id());
    String path = "/api/v1/jobs/" + job.id() + "/log/stream";

    Api.Response past = api.get(path + "?offset=3", "Accept", "text/event-stream");
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.json().get("detail").asString()).contains("past the end of the log", "2 bytes");
    assertThat(
            api.get(path, "Accept", "text/event-stream", "Last-Event-ID", "3")
                .json()
                .at("/errors/0/field")
                .asString())
        .isEqualTo("Last-Event-ID");

    // At the very end: nothing more to send, and the end at once.
    try (SseStream stream = api.stream(path + "?offset=2")) {
      List<SseStream.Event> events = stream.until(LogsIT::isEnd, TIMEOUT);
      assertThat(events).hasSize(1);
      assertThat(events.get(0).json().get("offset").asLong()).isEqualTo(2);
    }
  }
}
