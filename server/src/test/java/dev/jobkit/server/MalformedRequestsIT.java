package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitService;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * However malformed, a request gets a 4xx problem document ({@code application/problem+json}) with
 * a stable {@code code} and, where one field is to blame, that field in {@code errors[].field} —
 * never a 500, and never a job created or changed on the way.
 */
class MalformedRequestsIT {

  /** Stands for the class user's name in a path; the name is known once the class has started. */
  private static final String USER = "{user}";

  private static final String JOB = "{job}";

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static Api user;
  static Api admin;
  static String jobId;
  static String userKey;

  @BeforeAll
  static void start() {
    admin = service.admin();
    user = service.user();
    userKey = service.userKey();
    jobId = user.submit("{\"command\":[\"true\"],\"display_name\":\"target\"}").id();
    user.awaitEnd(jobId);
  }

  /** A request and the answer it must get. */
  record Case(
      String method,
      String path,
      String body,
      String[] headers,
      boolean asAdmin,
      int status,
      String code,
      String field) {

    Case header(String name, String value) {
      String[] more = java.util.Arrays.copyOf(headers, headers.length + 2);
      more[headers.length] = name;
      more[headers.length + 1] = value;
      return new Case(method, path, body, more, asAdmin, status, code, field);
    }

    Case byAdmin() {
      return new Case(method, path, body, headers, true, status, code, field);
    }
  }

  private static Arguments bad(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  private static Case invalid(String method, String path, String body, String field) {
    return new Case(method, path, body, new String[0], false, 400, "validation_failed", field);
  }

  private static Case submit(String body, String field) {
    return invalid("POST", "/api/v1/jobs", body, field);
  }

  private static Case patch(String body, String field) {
    return invalid("PATCH", "/api/v1/jobs/" + JOB, body, field);
  }

  private static Case query(String path, String field) {
    return invalid("GET", path, null, field);
  }

  private static Case answer(String method, String path, String body, int status, String code) {
    return new Case(method, path, body, new String[0], false, status, code, null);
  }

  static Stream<Arguments> malformed() {
    String ok = "{\"command\":[\"true\"]}";
    return Stream.of(
        // submit: the body is not a job spec
        bad("invalid JSON", submit("{\"command\": [", "body")),
        bad("JSON array instead of an object", submit("[" + ok + "]", "body")),
        bad("JSON string instead of an object", submit("\"true\"", "body")),
        bad("JSON null instead of an object", submit("null", "body")),
        bad("empty body", submit("", "body")),
        bad("trailing tokens after the object", submit(ok + " {}", "body")),
        bad("a field given twice", submit("{\"command\":[\"true\"],\"command\":[\"x\"]}", null)),
        // submit: wrong types
        bad(
            "priority as a word",
            submit("{\"command\":[\"true\"],\"priority\":\"high\"}", "priority")),
        bad(
            "priority as a numeric string",
            submit("{\"command\":[\"true\"],\"priority\":\"5\"}", "priority")),
        bad(
            "priority beyond an int",
            submit("{\"command\":[\"true\"],\"priority\":99999999999}", "priority")),
        bad("command as a string", submit("{\"command\":\"ls\"}", "command")),
        bad(
            "pod_count as a fraction",
            submit("{\"command\":[\"true\"],\"pod_count\":1.5}", "pod_count")),
        bad("shell as a number", submit("{\"shell\":5}", "shell")),
        bad(
            "display_name as a boolean",
            submit("{\"command\":[\"true\"],\"display_name\":true}", "display_name")),
        bad("command argument as a number", submit("{\"command\":[\"sleep\",1]}", "command[1]")),
        bad(
            "tag value as a number",
            submit("{\"command\":[\"true\"],\"tags\":{\"a\":1}}", "tags.a")),
        bad("PATCH display_name as a number", patch("{\"display_name\":7}", "display_name")),
        bad("tags as an array", submit("{\"command\":[\"true\"],\"tags\":[1]}", "tags")),
        bad("a null argument in command", submit("{\"command\":[\"true\",null]}", "command[1]")),
        bad("unknown field", submit("{\"command\":[\"true\"],\"colour\":\"red\"}", "colour")),
        bad(
            "unknown accessibility",
            submit("{\"command\":[\"true\"],\"accessibility\":\"SECRET\"}", "accessibility")),
        // submit: values out of range or in conflict
        bad(
            "both command and shell",
            submit("{\"command\":[\"true\"],\"shell\":\"true\"}", "command")),
        bad("neither command nor shell", submit("{\"display_name\":\"nothing\"}", "command")),
        bad("empty command", submit("{\"command\":[]}", "command")),
        bad("blank shell", submit("{\"shell\":\"  \"}", "shell")),
        bad("priority 0", submit("{\"command\":[\"true\"],\"priority\":0}", "priority")),
        bad("priority 10", submit("{\"command\":[\"true\"],\"priority\":10}", "priority")),
        bad("pod_count 0", submit("{\"command\":[\"true\"],\"pod_count\":0}", "pod_count")),
        bad("pod_count 1000", submit("{\"command\":[\"true\"],\"pod_count\":1000}", "pod_count")),
        bad(
            "timeout_seconds 0",
            submit("{\"command\":[\"true\"],\"timeout_seconds\":0}", "timeout_seconds")),
        bad(
            "max_attempts 0",
            submit("{\"command\":[\"true\"],\"max_attempts\":0}", "max_attempts")),
        bad(
            "invalid env name",
            submit("{\"command\":[\"true\"],\"env\":{\"1BAD\":\"x\"}}", "env.1BAD")),
        bad(
            "reserved JOBKIT_ env name",
            submit(
                "{\"command\":[\"true\"],\"env\":{\"JOBKIT_JOB_ID\":\"x\"}}", "env.JOBKIT_JOB_ID")),
        bad(
            "invalid tag key",
            submit("{\"command\":[\"true\"],\"tags\":{\"no spaces\":\"x\"}}", "tags.no spaces")),
        bad(
            "unknown parent",
            submit("{\"command\":[\"true\"],\"parents\":[\"job_nope\"]}", "parents[0]")),
        bad("a null parent", submit("{\"command\":[\"true\"],\"parents\":[null]}", "parents[0]")),
        bad("an empty program", submit("{\"command\":[\"\"]}", "command[0]")),
        bad("a null env value", submit("{\"command\":[\"true\"],\"env\":{\"A\":null}}", "env.A")),
        bad("a null tag value", submit("{\"command\":[\"true\"],\"tags\":{\"a\":null}}", "tags.a")),
        bad("ref outside a batch", submit("{\"command\":[\"true\"],\"ref\":\"a\"}", "ref")),
        bad(
            "Idempotency-Key of 300 characters",
            submit(ok, "Idempotency-Key").header("Idempotency-Key", "k".repeat(300))),
        bad(
            "unknown actor kind",
            submit(ok, "X-Jobkit-Actor-Kind").header("X-Jobkit-Actor-Kind", "robot")),
        bad(
            "text/plain body",
            answer("POST", "/api/v1/jobs", ok, 415, "unsupported_media_type")
                .header("Content-Type", "text/plain")),
        bad(
            "body over 1 MB",
            answer(
                "POST",
                "/api/v1/jobs",
                "{\"shell\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}",
                413,
                "payload_too_large")),
        // batch
        bad("empty batch", invalid("POST", "/api/v1/jobs/batch", "{\"jobs\":[]}", "jobs")),
        bad("batch as an array", invalid("POST", "/api/v1/jobs/batch", "[" + ok + "]", "body")),
        bad(
            "batch job its own parent",
            invalid(
                "POST",
                "/api/v1/jobs/batch",
                "{\"jobs\":[{\"command\":[\"true\"],\"ref\":\"a\",\"parents\":[\"a\"]}]}",
                "jobs[0].parents[0]")),
        bad(
            "batch with a cycle",
            invalid(
                "POST",
                "/api/v1/jobs/batch",
                "{\"jobs\":[{\"command\":[\"true\"],\"ref\":\"a\",\"parents\":[\"b\"]},{\"command\":[\"true\"],\"ref\":\"b\",\"parents\":[\"a\"]}]}",
                "jobs")),
        bad(
            "batch with one bad job",
            invalid(
                "POST",
                "/api/v1/jobs/batch",
                "{\"jobs\":[" + ok + ",{\"command\":[\"true\"],\"priority\":10}]}",
                "jobs[1].priority")),
        // update
        bad("PATCH of command", patch("{\"command\":[\"false\"]}", "command")),
        bad("PATCH of an unknown field", patch("{\"colour\":\"red\"}", "colour")),
        bad("PATCH priority 10", patch("{\"priority\":10}", "priority")),
        bad("PATCH priority 0", patch("{\"priority\":0}", "priority")),
        bad("PATCH priority as a word", patch("{\"priority\":\"high\"}", "priority")),
        bad("PATCH priority null", patch("{\"priority\":null}", "priority")),
        bad(
            "PATCH unknown accessibility",
            patch("{\"accessibility\":\"SECRET\"}", "accessibility")),
        bad("PATCH pod_count 0", patch("{\"pod_count\":0}", "pod_count")),
        bad("PATCH blank display_name", patch("{\"display_name\":\" \"}", "display_name")),
        bad("PATCH {}", patch("{}", "body")),
        bad("PATCH with an array", patch("[1]", "body")),
        bad("PATCH with a string", patch("\"x\"", "body")),
        bad("PATCH with null", patch("null", "body")),
        bad("PATCH with invalid JSON", patch("{\"priority\":", "body")),
        bad("PATCH with no body", patch("", "body")),
        // list
        bad("list with an unknown status", query("/api/v1/jobs?status=bogus", "status")),
        bad("list with limit 0", query("/api/v1/jobs?limit=0", "limit")),
        bad("list with limit 1001", query("/api/v1/jobs?limit=1001", "limit")),
        bad("list with limit abc", query("/api/v1/jobs?limit=abc", "limit")),
        bad("list with a forged cursor", query("/api/v1/jobs?cursor=bm90LWEtY3Vyc29y", "cursor")),
        bad(
            "list with a cursor that is not base64",
            query("/api/v1/jobs?cursor=%25%25%25", "cursor")),
        bad(
            "list with a bad created_after",
            query("/api/v1/jobs?created_after=yesterday", "created_after")),
        bad(
            "list with a bad created_before",
            query("/api/v1/jobs?created_before=2026-13-45", "created_before")),
        bad("list with a tag filter without =", query("/api/v1/jobs?tag=team", "tag")),
        bad("list with a tag filter without a key", query("/api/v1/jobs?tag=%3Dvision", "tag")),
        // jobs that are not there, paths and methods that are not there
        bad(
            "GET of a job that does not exist",
            answer("GET", "/api/v1/jobs/job_does_not_exist", null, 404, "not_found")),
        bad(
            "PATCH of a job that does not exist",
            answer(
                "PATCH", "/api/v1/jobs/job_does_not_exist", "{\"priority\":3}", 404, "not_found")),
        bad(
            "stop of a job that does not exist",
            answer("POST", "/api/v1/jobs/job_does_not_exist/stop", null, 404, "not_found")),
        bad(
            "DELETE of a job that does not exist",
            answer("DELETE", "/api/v1/jobs/job_does_not_exist", null, 404, "not_found")),
        bad(
            "events of a job that does not exist",
            answer("GET", "/api/v1/jobs/job_does_not_exist/events", null, 404, "not_found")),
        bad("unknown API path", answer("GET", "/api/v1/no-such-thing", null, 404, "not_found")),
        bad(
            "unknown path outside the API",
            answer("GET", "/no-such-thing", null, 404, "not_found")),
        bad(
            "PUT on the job collection",
            answer("PUT", "/api/v1/jobs", ok, 405, "method_not_allowed")),
        bad(
            "DELETE on the job collection",
            answer("DELETE", "/api/v1/jobs", null, 405, "method_not_allowed")),
        // logs and streams
        bad("log of a pod out of range", query("/api/v1/jobs/" + JOB + "/log?pod=5", "pod")),
        bad("log of a negative pod", query("/api/v1/jobs/" + JOB + "/log?pod=-1", "pod")),
        bad("log of pod abc", query("/api/v1/jobs/" + JOB + "/log?pod=abc", "pod")),
        bad("log tail_chars 0", query("/api/v1/jobs/" + JOB + "/log?tail_chars=0", "tail_chars")),
        bad(
            "log tail_chars over the maximum",
            query("/api/v1/jobs/" + JOB + "/log?tail_chars=20001", "tail_chars")),
        bad(
            "log stream from a negative offset",
            query("/api/v1/jobs/" + JOB + "/log/stream?offset=-1", "offset")
                .header("Accept", "text/event-stream")),
        bad(
            "log stream of a pod out of range",
            query("/api/v1/jobs/" + JOB + "/log/stream?pod=7", "pod")
                .header("Accept", "text/event-stream")),
        bad(
            "event stream with a bad Last-Event-ID",
            query("/api/v1/events/stream", "Last-Event-ID")
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", "abc")),
        bad(
            "event stream of a job that does not exist",
            answer("GET", "/api/v1/events/stream?job_id=job_nope", null, 404, "not_found")
                .header("Accept", "text/event-stream")),
        // delete and flush parameters
        bad(
            "delete with purge_artifacts=maybe",
            invalid(
                "DELETE",
                "/api/v1/jobs/" + JOB + "?purge_artifacts=maybe",
                null,
                "purge_artifacts")),
        bad("flush without a scope", invalid("POST", "/api/v1/jobs/flush", null, "scope")),
        bad(
            "flush with an unknown scope",
            invalid("POST", "/api/v1/jobs/flush?scope=everything", null, "scope")),
        bad(
            "flush with dry_run=perhaps",
            invalid("POST", "/api/v1/jobs/flush?scope=all&dry_run=perhaps", null, "dry_run")),
        // users
        bad(
            "scheduling mode turbo",
            invalid("PUT", "/api/v1/users/" + USER + "/scheduling", "{\"mode\":\"turbo\"}", "mode")
                .byAdmin()),
        bad(
            "scheduling mode missing",
            invalid("PUT", "/api/v1/users/" + USER + "/scheduling", "{}", "mode").byAdmin()),
        bad(
            "new user with an unknown role",
            invalid("POST", "/api/v1/users", "{\"name\":\"eve\",\"role\":\"god\"}", "role")
                .byAdmin()),
        bad(
            "new user with a numeric name",
            invalid("POST", "/api/v1/users", "{\"name\":5}", "name").byAdmin()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void a_malformed_request_gets_a_4xx_problem_naming_what_is_wrong_and_changes_nothing(Case c) {
    List<String> jobsBefore = allJobIds();
    Job targetBefore = admin.job(jobId);

    Api caller = c.asAdmin() ? admin : user;
    Api.Response response =
        caller.send(
            c.method(),
            c.path().replace(JOB, jobId).replace(USER, user.name()),
            c.body(),
            c.headers());

    assertThat(response.status())
        .as("status of the answer %s", response.body())
        .isEqualTo(c.status());
    assertThat(response.contentType()).startsWith("application/problem+json");
    JsonNode problem = response.json();
    assertThat(problem.path("code").asString()).as("code in %s", problem).isEqualTo(c.code());
    assertThat(problem.path("status").asInt()).isEqualTo(c.status());
    assertThat(problem.path("detail").asString()).isNotBlank();
    if (c.field() != null) {
      assertThat(fields(problem)).as("errors[].field of %s", problem).contains(c.field());
    }
    assertThat(allJobIds()).as("jobs after the request").isEqualTo(jobsBefore);
    Job targetAfter = admin.job(jobId);
    assertThat(targetAfter.updatedAt()).isEqualTo(targetBefore.updatedAt());
    assertThat(targetAfter.priority()).isEqualTo(targetBefore.priority());
    assertThat(targetAfter.status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_chunked_body_that_grows_past_1_mb_is_refused_with_413_and_creates_no_job()
      throws Exception {
    List<String> jobsBefore = allJobIds();
    byte[] body =
        ("{\"shell\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // An input-stream body has no declared length: the client sends it chunked, so the size is
    // only found out while reading.
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(service.server().baseUrl() + "/api/v1/jobs"))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + userKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(Api.JSON.readTree(response.body()).path("code").asString())
        .isEqualTo("payload_too_large");
    assertThat(allJobIds()).isEqualTo(jobsBefore);
  }

  /**
   * The class user's jobs: the requests that could make or change a job are theirs (the admin's are
   * about users), and other classes make jobs of their own on the shared service meanwhile.
   */
  private static List<String> allJobIds() {
    return user.listAll("limit=1000&owner=" + user.name()).stream().map(Job::id).toList();
  }

  private static List<String> fields(JsonNode problem) {
    List<String> fields = new ArrayList<>();
    for (JsonNode error : problem.path("errors")) {
      fields.add(error.path("field").asString());
    }
    return fields;
  }
}
