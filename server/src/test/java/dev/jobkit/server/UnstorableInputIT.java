package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.PostgresDatabase;
import dev.jobkit.server.support.SseStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Values the database cannot keep (too long once stored, NUL, half a surrogate pair), times no
 * database holds, tampered cursors and resume ids: each is a 400 problem document naming what is
 * wrong, the same on H2 and on PostgreSQL (which refuses NUL in text and stores a lone surrogate as
 * {@code ?}), never a 500 and never a value stored other than it was sent. H2 is the shared
 * service's database; the service on PostgreSQL is the class's own.
 */
class UnstorableInputIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static JobkitServer onPostgres;
  private static Api malloryOnPostgres;

  /**
   * The service on PostgreSQL, started the first time a test asks for it (and stopped, its database
   * dropped, after the class).
   */
  private static synchronized JobkitServer onPostgres() {
    if (onPostgres == null) {
      PostgresDatabase postgres = service.closeAfterAll(PostgresDatabase.create());
      onPostgres = service.closeAfterAll(JobkitServer.start(postgres.serverArgs()));
    }
    return onPostgres;
  }

  /** A user of the service on the named database: the class's user on H2. */
  private static synchronized Api user(String database) {
    if (database.equals("H2")) {
      return service.user();
    }
    if (malloryOnPostgres == null) {
      malloryOnPostgres = onPostgres().newUser("mallory", "parallel");
    }
    return malloryOnPostgres;
  }

  /** A new user, named after {@code prefix}, of the service on the named database. */
  private static Api newUser(String database, String prefix) {
    return database.equals("H2")
        ? service.newUser(prefix, "parallel")
        : onPostgres().newUser(prefix + "-" + database.toLowerCase(), "parallel");
  }

  static Stream<String> databases() {
    return Stream.of("H2", "PostgreSQL");
  }

  private static Arguments[] onBoth(Object... cases) {
    List<Arguments> all = new ArrayList<>();
    for (String database : List.of("H2", "PostgreSQL")) {
      for (Object c : cases) {
        all.add(Arguments.of(database, c));
      }
    }
    return all.toArray(Arguments[]::new);
  }

  private static String json(String text) {
    return Api.JSON.writeValueAsString(text);
  }

  /** A submit body and the field its answer must name. */
  record Bad(String body, String field) {
    @Override
    public String toString() {
      return field;
    }
  }

  static Arguments[] tooLongOnceStored() {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      tags.put("t" + i, "\u0001".repeat(512));
    }
    return onBoth(
        new Bad("{\"command\":[\"true\"],\"env\":{\"A\":" + json("x".repeat(70_000)) + "}}", "env"),
        new Bad("{\"command\":[\"echo\"," + json("\"".repeat(40_000)) + "]}", "command"),
        new Bad("{\"command\":[\"echo\"," + json("\u0001".repeat(60_000)) + "]}", "command"),
        new Bad(
            "{\"command\":[\"true\"],\"tags\":" + Api.JSON.writeValueAsString(tags) + "}", "tags"),
        new Bad("{\"shell\":" + json("x".repeat(65_537)) + "}", "shell"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("tooLongOnceStored")
  void a_value_too_long_for_its_column_once_stored_is_a_400_naming_the_field(
      String database, Bad bad) {
    Api user = user(database);

    Api.Response answer = user.post("/api/v1/jobs", bad.body());

    assertRefused(answer, 400, "validation_failed", bad.field());
  }

  static Arguments[] unstorableText() {
    return onBoth(
        new Bad("{\"command\":[\"true\"],\"display_name\":\"a\\u0000b\"}", "display_name"),
        new Bad("{\"command\":[\"true\"],\"description\":\"a\\u0000b\"}", "description"),
        new Bad("{\"command\":[\"true\"],\"tags\":{\"a\":\"\\u0000\"}}", "tags.a"),
        new Bad("{\"command\":[\"true\"],\"parents\":[\"job_\\u0000\"]}", "parents[0]"),
        new Bad("{\"command\":[\"true\"],\"env\":{\"A\":\"\\u0000\"}}", "env.A"),
        new Bad("{\"command\":[\"echo\",\"a\\u0000\"]}", "command[1]"),
        new Bad("{\"command\":[\"true\"],\"display_name\":\"a\\ud800b\"}", "display_name"),
        new Bad("{\"command\":[\"true\"],\"description\":\"\\udc00\"}", "description"),
        new Bad("{\"command\":[\"true\"],\"tags\":{\"a\":\"x\\ud800\"}}", "tags.a"),
        new Bad("{\"command\":[\"true\"],\"env\":{\"A\":\"\\udfff\"}}", "env.A"),
        new Bad("{\"shell\":\"echo \\ud800\"}", "shell"),
        new Bad("{\"command\":[\"echo\",\"\\ud800\"]}", "command[1]"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("unstorableText")
  void nul_or_a_lone_surrogate_in_submitted_text_is_a_400_naming_the_field(
      String database, Bad bad) {
    Api user = user(database);

    Api.Response answer = user.post("/api/v1/jobs", bad.body());

    assertRefused(answer, 400, "validation_failed", bad.field());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void nul_or_a_lone_surrogate_in_an_update_is_a_400_and_the_name_stays(String database) {
    Api user = user(database);
    Job job = user.submit("{\"command\":[\"true\"],\"display_name\":\"kept\"}");

    assertRefused(
        user.patch("/api/v1/jobs/" + job.id(), "{\"display_name\":\"a\\u0000\"}"),
        400,
        "validation_failed",
        "display_name");
    assertRefused(
        user.patch("/api/v1/jobs/" + job.id(), "{\"description\":\"\\ud800\"}"),
        400,
        "validation_failed",
        "description");
    assertThat(user.job(job.id()).displayName()).isEqualTo("kept");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void text_outside_the_basic_plane_is_stored_and_read_back_exactly(String database) {
    Api user = user(database);
    String name = "résumé 😀 日本 \u202e";

    Job job =
        user.submit(
            "{\"command\":[\"true\"],\"display_name\":"
                + json(name)
                + ",\"tags\":{\"t\":"
                + json(name)
                + "}}");

    assertThat(user.job(job.id()).displayName()).isEqualTo(name);
    assertThat(user.job(job.id()).tags()).containsEntry("t", name);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("nulFilters")
  void nul_in_a_filter_or_the_event_streams_job_id_is_a_400_naming_the_parameter(
      String database, String parameter) {
    Api user = user(database);
    String path =
        parameter.equals("job_id")
            ? "/api/v1/events/stream?job_id=job_%00"
            : "/api/v1/jobs?" + parameter + "=" + (parameter.equals("tag") ? "a%3D%00" : "a%00");

    Api.Response answer = user.get(path);

    assertRefused(answer, 400, "validation_failed", parameter);
  }

  static Arguments[] nulFilters() {
    return onBoth("name", "owner", "parent", "tag", "job_id");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("farTimes")
  void a_time_no_database_holds_is_a_400_naming_the_filter(String database, String time) {
    Api user = user(database);

    Api.Response answer =
        user.get("/api/v1/jobs?created_after=" + URLEncoder.encode(time, StandardCharsets.UTF_8));

    assertRefused(answer, 400, "validation_failed", "created_after");
  }

  static Arguments[] farTimes() {
    return onBoth(
        "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z", "+10000-01-01T00:00:00Z");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void the_first_and_last_times_of_rfc_3339_are_accepted(String database) {
    Api user = user(database);

    user.get("/api/v1/jobs?created_after=0001-01-01T00:00:00Z").expect(200);
    user.get("/api/v1/jobs?created_before=9999-12-31T23:59:59Z").expect(200);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("tamperedCursors")
  void a_tampered_cursor_is_a_400_naming_the_cursor(String database, String cursorText) {
    Api user = user(database);
    String cursor =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(cursorText.getBytes(StandardCharsets.UTF_8));

    Api.Response answer = user.get("/api/v1/jobs?cursor=" + cursor);

    assertRefused(answer, 400, "validation_failed", "cursor");
  }

  static Arguments[] tamperedCursors() {
    return onBoth("c1:+5", "c1:５", "c1:9223372036854775807", "c1:05", "c1:0");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void a_cursor_the_service_issued_still_pages_after_the_jobs_before_it_are_deleted(
      String database) {
    Api user = newUser(database, "pager");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(user.submit("{\"command\":[\"true\"]}").id());
    }
    ids.forEach(user::awaitEnd);
    JsonNode first = user.get("/api/v1/jobs?owner=me&limit=2").expect(200).json();
    String cursor = first.get("next_cursor").asString();
    for (JsonNode item : first.get("items")) {
      user.delete("/api/v1/jobs/" + item.get("id").asString()).expect(200);
    }

    JsonNode second = user.get("/api/v1/jobs?owner=me&limit=2&cursor=" + cursor).expect(200).json();

    assertThat(second.get("items")).hasSize(1);
    assertThat(second.get("items").get(0).get("id").asString()).isEqualTo(ids.get(0));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badEventIds")
  void a_last_event_id_no_stream_sent_is_a_400(String database, String lastEventId) {
    Api user = user(database);

    Api.Response answer =
        user.get(
            "/api/v1/events/stream", "Accept", "text/event-stream", "Last-Event-ID", lastEventId);

    assertRefused(answer, 400, "validation_failed", "Last-Event-ID");
  }

  static Arguments[] badEventIds() {
    return onBoth("-1", "+5", "abc", "1.5");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void a_last_event_id_past_the_newest_event_resumes_with_the_next_event(String database) {
    Api user = user(database);

    try (SseStream stream =
        user.stream("/api/v1/events/stream", "Last-Event-ID", "9223372036854775807")) {
      assertThat(stream.status()).isEqualTo(200);
      Job job = user.submit("{\"command\":[\"true\"]}");

      // On the shared service, other classes' public jobs may come first: the job's first event.
      List<SseStream.Event> seen =
          stream.until(
              e -> e.json().get("job_id").asString().equals(job.id()), Duration.ofSeconds(20));

      SseStream.Event next = seen.get(seen.size() - 1);
      assertThat(next.json().get("job_id").asString()).isEqualTo(job.id());
      assertThat(next.json().get("to_status").asString()).isEqualTo("QUEUED");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("databases")
  void a_stream_resumed_with_nothing_new_answers_at_once(String database) {
    Api user = user(database);
    Job job = user.submit("{\"command\":[\"true\"]}");
    user.awaitEnd(job.id());
    String newest =
        String.valueOf(user.events(job.id()).stream().mapToLong(e -> e.id()).max().orElseThrow());

    long started = System.nanoTime();
    try (SseStream stream = user.stream("/api/v1/events/stream", "Last-Event-ID", newest)) {
      // Api.stream returns once the answer's head has come: without a first write of the
      // service's, that was at the next event or keepalive (15 s).
      assertThat(stream.status()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
  }
}
