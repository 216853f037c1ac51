package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.AWAITING_PARENTS;
import static dev.jobkit.sdk.lifecycle.JobStatus.FAILED;
import static dev.jobkit.sdk.lifecycle.JobStatus.RUN_ERROR;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.ConflictException;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.Logs;
import dev.jobkit.sdk.ValidationException;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.SseStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The log of one attempt ({@code attempt=N}, as kubectl's {@code logs --previous}): every attempt
 * appends to the same pod log, and where each starts is recorded, so the tail and the stream of an
 * attempt hold what it wrote and nothing of the others. A service of its own: a test restarts it,
 * and its log limit is small enough for a test to reach.
 */
class LogsPerAttemptIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String MARKER = "\\[jobkit\\] attempt %d of 3 started at \\S+Z\n";

  /** Fails twice, then succeeds; each attempt writes two lines that name it. */
  private static final String FAILS_TWICE =
      "echo \"attempt $JOBKIT_ATTEMPT line one\"; echo \"attempt $JOBKIT_ATTEMPT line two\";"
          + " [ \"$JOBKIT_ATTEMPT\" -ge 3 ]";

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.executor.max-log-bytes-per-pod=1KB");

  static Api api;
  static Gates gates;

  @BeforeAll
  static void start() {
    api = service.user();
    gates = service.gates();
  }

  private static Job submit(String shell, int maxAttempts) {
    return api.submit(
        Api.JSON.writeValueAsString(Map.of("shell", shell, "max_attempts", maxAttempts)));
  }

  private static LogTail tail(String jobId, String query) {
    return api.get("/api/v1/jobs/" + jobId + "/log" + query).expect(200).as(LogTail.class);
  }

  private static String lines(int attempt) {
    return "attempt " + attempt + " line one\nattempt " + attempt + " line two\n";
  }

  private static String text(List<SseStream.Event> events) {
    return events.stream()
        .filter(e -> e.name().equals("log"))
        .map(e -> e.json().get("text").asString())
        .collect(Collectors.joining());
  }

  private static List<SseStream.Event> follow(String jobId, String query) {
    try (SseStream stream = api.stream("/api/v1/jobs/" + jobId + "/log/stream" + query)) {
      assertThat(stream.status()).isEqualTo(200);
      List<SseStream.Event> events = stream.until(e -> e.name().equals("end"), TIMEOUT);
      assertThat(stream.awaitClosedByServer(TIMEOUT)).isTrue();
      return events;
    }
  }

  private static SseStream.Event last(List<SseStream.Event> events) {
    return events.get(events.size() - 1);
  }

  /** What the migration leaves for a job that ran before it: no recorded starts. */
  private static void forgetLogStarts(String jobId) {
    service
        .server()
        .bean(JdbcClient.class)
        .sql("DELETE FROM job_log_starts WHERE job_id = ?")
        .param(jobId)
        .update();
  }

  @Test
  void each_attempt_s_tail_holds_what_that_attempt_wrote_and_nothing_else() {
    Job job = submit(FAILS_TWICE, 3);
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

    LogTail whole = tail(job.id(), "");
    LogTail first = tail(job.id(), "?attempt=1");
    LogTail second = tail(job.id(), "?attempt=2");
    LogTail third = tail(job.id(), "?attempt=3&pod=0");
    LogTail endOfSecond = tail(job.id(), "?attempt=2&tail_chars=19");

    assertThat(first.content()).isEqualTo(lines(1));
    assertThat(first.attempt()).isEqualTo(1);
    assertThat(first.truncated()).isFalse();
    assertThat(first.sizeBytes()).isEqualTo(lines(1).length());
    assertThat(second.content()).matches(MARKER.formatted(2) + lines(2));
    assertThat(second.truncated()).isFalse();
    assertThat(third.content()).matches(MARKER.formatted(3) + lines(3));
    // The parts are the whole log, in order, each ending where the next starts.
    assertThat(first.content() + second.content() + third.content()).isEqualTo(whole.content());
    assertThat(second.sizeBytes())
        .isEqualTo(first.sizeBytes() + second.content().length())
        .isLessThan(whole.sizeBytes());
    assertThat(third.sizeBytes()).isEqualTo(whole.sizeBytes());
    assertThat(whole.attempt()).isNull();
    // A tail of a part is read from the part's end, and says there is more before it.
    assertThat(endOfSecond.content()).isEqualTo("attempt 2 line two\n");
    assertThat(endOfSecond.truncated()).isTrue();
    assertThat(endOfSecond.sizeBytes()).isEqualTo(second.sizeBytes());
    assertThat(
            api.get("/api/v1/jobs/" + job.id() + "/log?attempt=1", "Accept", "text/plain")
                .expect(200)
                .body())
        .isEqualTo(lines(1));
    // attempt= (blank) is no attempt: the whole log.
    assertThat(tail(job.id(), "?attempt=").content()).isEqualTo(whole.content());
  }

  @Test
  void each_attempt_s_stream_sends_its_part_then_an_end_with_the_attempt_s_outcome() {
    Job job = submit(FAILS_TWICE, 3);
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    long secondStarts = tail(job.id(), "?attempt=1").sizeBytes();
    long secondEnds = tail(job.id(), "?attempt=2").sizeBytes();

    List<SseStream.Event> first = follow(job.id(), "?attempt=1");
    List<SseStream.Event> second = follow(job.id(), "?attempt=2&offset=0");
    List<SseStream.Event> third = follow(job.id(), "?attempt=3");
    // An offset inside the part continues from there; ids are offsets in the whole log.
    List<SseStream.Event> resumed =
        follow(job.id(), "?attempt=2&offset=" + (secondEnds - "attempt 2 line two\n".length()));

    assertThat(text(first)).isEqualTo(lines(1));
    assertThat(last(first).json().get("status").asString()).isEqualTo("RUN_ERROR");
    assertThat(last(first).json().get("attempt").asInt()).isEqualTo(1);
    assertThat(last(first).json().get("offset").asLong()).isEqualTo(secondStarts);
    assertThat(text(second)).matches(MARKER.formatted(2) + lines(2));
    assertThat(second.get(0).json().get("offset").asLong()).isEqualTo(secondStarts);
    assertThat(last(second).json().get("offset").asLong()).isEqualTo(secondEnds);
    assertThat(last(second).json().get("status").asString()).isEqualTo("RUN_ERROR");
    assertThat(text(third)).matches(MARKER.formatted(3) + lines(3));
    assertThat(last(third).json().get("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(text(resumed)).isEqualTo("attempt 2 line two\n");
    // Past the end of an ended attempt's part: nothing would ever come.
    Api.Response past =
        api.get(
            "/api/v1/jobs/" + job.id() + "/log/stream?attempt=1&offset=" + (secondStarts + 1),
            "Accept",
            "text/event-stream");
    assertThat(past.status()).isEqualTo(400);
    assertThat(past.json().at("/errors/0/field").asString()).isEqualTo("offset");
    assertThat(past.json().get("detail").asString())
        .contains("past the end of attempt 1's part", "bytes 0 to " + secondStarts);
  }

  @Test
  void a_running_attempt_s_stream_ends_with_that_attempt_not_with_the_job() {
    String gate = "second-attempt";
    Job job =
        submit(
            "echo \"attempt $JOBKIT_ATTEMPT starts\"; if [ \"$JOBKIT_ATTEMPT\" = 2 ]; then "
                + gates.script(gate)
                + "; fi; echo \"attempt $JOBKIT_ATTEMPT ends\"; [ \"$JOBKIT_ATTEMPT\" -ge 3 ]",
            3);
    await()
        .atMost(TIMEOUT)
        .until(() -> tail(job.id(), "").content().contains("attempt 2 starts\n"));

    try (SseStream stream = api.stream("/api/v1/jobs/" + job.id() + "/log/stream?attempt=2")) {
      List<SseStream.Event> before =
          stream.until(e -> text(List.of(e)).contains("attempt 2 starts"), TIMEOUT);
      LogTail running = tail(job.id(), "?attempt=2");
      LogTail done = tail(job.id(), "?attempt=1");

      gates.open(gate);
      List<SseStream.Event> after = stream.until(e -> e.name().equals("end"), TIMEOUT);
      api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);

      assertThat(text(before)).matches(MARKER.formatted(2) + "attempt 2 starts\n");
      assertThat(running.content()).endsWith("attempt 2 starts\n").doesNotContain("attempt 1");
      assertThat(done.content()).isEqualTo("attempt 1 starts\nattempt 1 ends\n");
      assertThat(text(after)).isEqualTo("attempt 2 ends\n");
      assertThat(last(after).json().get("status").asString()).isEqualTo("RUN_ERROR");
      assertThat(last(after).json().get("attempt").asInt()).isEqualTo(2);
      assertThat(tail(job.id(), "?attempt=3").content()).endsWith("attempt 3 ends\n");
    }
  }

  @Test
  void an_attempt_the_job_does_not_have_is_a_400_naming_attempt() {
    Job job = submit("echo once; exit 1", 2);
    api.awaitStatus(job.id(), FAILED, TIMEOUT);
    Job waiting = api.submit("{\"shell\":\"true\",\"parents\":[\"" + job.id() + "\"]}");
    api.awaitStatus(waiting.id(), s -> s == AWAITING_PARENTS || s.isTerminal(), TIMEOUT);
    String log = "/api/v1/jobs/" + job.id() + "/log";

    for (String attempt : List.of("0", "-1", "3", "two", "1.5", "99999999999")) {
      for (String path : List.of(log + "?attempt=", log + "/stream?attempt=")) {
        Api.Response bad = api.get(path + attempt, "Accept", "application/json, text/event-stream");
        assertThat(bad.status()).as(path + attempt).isEqualTo(400);
        assertThat(bad.json().get("code").asString()).isEqualTo("validation_failed");
        assertThat(bad.json().at("/errors/0/field").asString()).isEqualTo("attempt");
      }
    }
    assertThat(api.get(log + "?attempt=0").json().at("/errors/0/reason").asString())
        .isEqualTo("must be 1 or more, not 0");
    assertThat(api.get(log + "?attempt=3").json().at("/errors/0/reason").asString())
        .isEqualTo(
            "job " + job.id() + " has had 2 attempts, so attempt must be from 1 to 2, not 3");
    assertThat(api.get(log + "?attempt=two").json().at("/errors/0/reason").asString())
        .isEqualTo("must be a whole number, not 'two'");
    assertThat(
            api.get("/api/v1/jobs/" + waiting.id() + "/log?attempt=1")
                .json()
                .at("/errors/0/reason")
                .asString())
        .contains("has not started an attempt yet");
    assertThat(tail(job.id(), "?attempt=2").content())
        .matches("\\[jobkit\\] attempt 2 of 2 started at \\S+Z\nonce\n");
  }

  @Test
  void the_log_limit_counts_the_whole_file_so_attempts_after_the_cut_hold_their_first_line_only() {
    // The first attempt writes past the 1 KiB limit: its part ends with the cut line; the second
    // starts past the limit, so its part has its "attempt 2" line (and the cut line again, as it
    // wrote something), nothing of its own output.
    Job job =
        submit(
            "head -c 2000 /dev/zero | tr '\\0' x; echo; echo \"attempt $JOBKIT_ATTEMPT\"; exit 1",
            2);
    api.awaitStatus(job.id(), FAILED, TIMEOUT);

    LogTail first = tail(job.id(), "?attempt=1");
    LogTail second = tail(job.id(), "?attempt=2");

    assertThat(first.content())
        .startsWith("x".repeat(1024))
        .endsWith("discarded\n")
        .contains("[jobkit] log cut at 1024 bytes");
    assertThat(second.content())
        .matches(
            "\\[jobkit\\] attempt 2 of 2 started at \\S+Z\n\n\\[jobkit\\] log cut at 1024 bytes:"
                + " [^\n]+ discarded\n");
    assertThat(api.job(job.id()).statusReason()).contains("cut at 1024 bytes");
  }

  @Test
  void an_attempt_from_before_the_starts_were_recorded_is_a_409_and_a_single_attempt_still_works() {
    Job retried = submit(FAILS_TWICE, 3);
    Job once = submit("echo only", 1);
    api.awaitStatus(retried.id(), SUCCEEDED, TIMEOUT);
    api.awaitStatus(once.id(), SUCCEEDED, TIMEOUT);
    forgetLogStarts(retried.id());
    forgetLogStarts(once.id());

    for (String attempt : List.of("1", "2", "3")) {
      Api.Response old = api.get("/api/v1/jobs/" + retried.id() + "/log?attempt=" + attempt);
      assertThat(old.status()).as(attempt).isEqualTo(409);
      assertThat(old.json().get("code").asString()).isEqualTo("conflict");
      assertThat(old.json().get("detail").asString())
          .contains("attempt " + attempt + " of job " + retried.id() + " cannot be told apart")
          .contains("without attempt");
      assertThat(
              api.get(
                      "/api/v1/jobs/" + retried.id() + "/log/stream?attempt=" + attempt,
                      "Accept",
                      "application/json, text/event-stream")
                  .status())
          .isEqualTo(409);
    }
    // The first attempt starts the log: a job that had only one is its whole log.
    assertThat(tail(once.id(), "?attempt=1").content()).isEqualTo("only\n");
    assertThat(text(follow(once.id(), "?attempt=1"))).isEqualTo("only\n");
    assertThat(tail(retried.id(), "").content()).contains(lines(1), lines(2), lines(3));
  }

  @Test
  void the_sdk_tails_and_follows_one_attempt() {
    JobkitClient client = service.client(service.userKey());
    Job job = submit(FAILS_TWICE, 3);
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    Logs second = client.jobs().logs(job.id()).attempt(2);

    LogTail tail = second.tail();
    List<String> followed = new CopyOnWriteArrayList<>();
    Optional<dev.jobkit.sdk.lifecycle.JobStatus> end;
    try (Logs.Follow follow = second.follow(followed::add)) {
      end = follow.awaitEnd(TIMEOUT);
    }
    Optional<dev.jobkit.sdk.lifecycle.JobStatus> lastEnd;
    try (Logs.Follow follow = client.jobs().logs(job.id()).attempt(3).pod(0).follow(s -> {})) {
      lastEnd = follow.awaitEnd(TIMEOUT);
    }

    assertThat(tail.content()).matches(MARKER.formatted(2) + lines(2));
    assertThat(tail.attempt()).isEqualTo(2);
    assertThat(second.tail(19).content()).isEqualTo("attempt 2 line two\n");
    assertThat(String.join("", followed)).isEqualTo(tail.content());
    assertThat(end).contains(RUN_ERROR);
    assertThat(lastEnd).contains(SUCCEEDED);
    assertThat(client.jobs().logs(job.id()).tail().attempt()).isNull();
    assertThatThrownBy(() -> client.jobs().logs(job.id()).attempt(4).tail())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("attempt");
    assertThatThrownBy(
            () -> {
              try (Logs.Follow follow = client.jobs().logs(job.id()).attempt(0).follow(s -> {})) {
                follow.awaitEnd(TIMEOUT);
              }
            })
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("attempt");
    forgetLogStarts(job.id());
    assertThatThrownBy(() -> second.tail()).isInstanceOf(ConflictException.class);
  }

  @Test
  void where_each_attempt_starts_survives_a_restart() {
    Job job = submit(FAILS_TWICE, 3);
    api.awaitStatus(job.id(), SUCCEEDED, TIMEOUT);
    String before = tail(job.id(), "?attempt=2").content();

    service.server().restart();
    api = api.at(service.server().baseUrl());

    assertThat(tail(job.id(), "?attempt=2").content()).isEqualTo(before);
    assertThat(tail(job.id(), "?attempt=1").content()).isEqualTo(lines(1));
    assertThat(text(follow(job.id(), "?attempt=3"))).matches(MARKER.formatted(3) + lines(3));
  }
}
