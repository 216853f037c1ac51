package dev.jobkit.server;

import static dev.jobkit.server.support.Problems.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.auth.Keys;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.SseStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Share tokens: made, listed and revoked by a job's owner (or an admin) only; read-only and for one
 * job; refused at once when revoked, expired or their job is gone; kept as hashes. The routes a
 * token must not reach are read from the OpenAPI document, so a route added later is checked
 * without touching this class.
 */
class ShareTokensIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  /**
   * The routes a share token reads (with {@code {id}} its job); the results routes come from
   * another part of issue 14 and are allowed by their prefix.
   */
  private static final Pattern READS =
      Pattern.compile(
          "GET /api/v1/jobs/\\{id}(|/log|/log/stream|/events|/results|/results\\.zip|/results/.+)");

  static Api bob;
  static Job shared;
  static Job other;

  private final JobkitServer server = service.server();
  private final Api alice = service.user();
  private final Api admin = service.admin();

  @BeforeAll
  static void start() {
    bob = service.newUser("sharebob", "parallel");
    Api alice = service.user();
    shared = alice.awaitEnd(alice.submitShell("echo shared-line; echo more").id());
    other = alice.awaitEnd(alice.submitShell("echo other-secret").id());
  }

  private JsonNode share(Api as, String jobId, String body) {
    return as.post("/api/v1/jobs/" + jobId + "/shares", body).expect(201).json();
  }

  private Api holder(String token) {
    return new Api(server.baseUrl(), token);
  }

  @Test
  void a_share_answers_its_token_once_with_a_url_and_the_default_expiry_of_seven_days() {
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Api.Response created = alice.post("/api/v1/jobs/" + shared.id() + "/shares", "");
    JsonNode share = created.expect(201).json();

    String token = share.get("token").asString();
    assertThat(share.get("id").asString()).startsWith("shr_");
    assertThat(token).startsWith("jks_");
    assertThat(share.get("job_id").asString()).isEqualTo(shared.id());
    assertThat(share.get("created_by").asString()).isEqualTo(alice.name());
    assertThat(share.get("url").asString())
        .isEqualTo(server.baseUrl() + "/api/v1/jobs/" + shared.id() + "?share_token=" + token);
    Instant expires = Instant.parse(share.get("expires_at").asString());
    assertThat(expires)
        .isBetween(before.plus(Duration.ofDays(7)), Instant.now().plus(Duration.ofDays(7)));

    JsonNode listed = alice.get("/api/v1/jobs/" + shared.id() + "/shares").expect(200).json();
    assertThat(listed.get("items").findValuesAsString("id")).contains(share.get("id").asString());
    assertThat(listed.toString()).doesNotContain(token).doesNotContain("share_token");
    assertThat(listed.get("items").get(0).has("token")).isFalse();
  }

  @Test
  void the_token_reads_the_job_its_log_and_events_by_header_and_by_the_url_alone() {
    JsonNode share = share(alice, shared.id(), "{\"expires_in\": \"3d\"}");
    String token = share.get("token").asString();
    Api reader = holder(token);

    assertThat(reader.job(shared.id()).id()).isEqualTo(shared.id());
    LogTail tail = reader.get("/api/v1/jobs/" + shared.id() + "/log").expect(200).as(LogTail.class);
    assertThat(tail.content()).contains("shared-line");
    assertThat(reader.get("/api/v1/jobs/" + shared.id() + "/log", "Accept", "text/plain").body())
        .contains("shared-line");
    assertThat(reader.events(shared.id())).isNotEmpty();
    // X-Api-Key works as for any key.
    new Api(server.baseUrl(), null)
        .get("/api/v1/jobs/" + shared.id(), "X-Api-Key", token)
        .expect(200);
    // The URL alone: what a browser sends.
    Api.Response byUrl =
        server.anonymous().get(share.get("url").asString().substring(server.baseUrl().length()));
    assertThat(byUrl.expect(200).as(Job.class).id()).isEqualTo(shared.id());

    try (SseStream log = reader.stream("/api/v1/jobs/" + shared.id() + "/log/stream")) {
      assertThat(log.status()).isEqualTo(200);
      List<SseStream.Event> events = log.until(e -> e.name().equals("end"), TIMEOUT);
      assertThat(events.stream().map(SseStream.Event::data).toList().toString())
          .contains("shared-line");
    }
    try (SseStream events = reader.stream("/api/v1/events/stream?job_id=" + shared.id())) {
      assertThat(events.status()).isEqualTo(200);
    }
  }

  @Test
  void the_token_reads_its_jobs_results_the_manifest_one_file_and_the_zip_and_no_others()
      throws IOException, InterruptedException {
    Job withFiles =
        alice.awaitEnd(
            alice
                .submitShell(
                    "cd \"$JOBKIT_OUTPUT_DIR\"; mkdir model; printf weights > model/w.bin;"
                        + " printf 'a,b\\n' > table.csv")
                .id());
    Job othersFiles =
        alice.awaitEnd(alice.submitShell("printf secret > \"$JOBKIT_OUTPUT_DIR/secret.txt\"").id());
    String token = share(alice, withFiles.id(), "").get("token").asString();
    Api reader = holder(token);
    String results = "/api/v1/jobs/" + withFiles.id() + "/results";

    JsonNode manifest = reader.get(results).expect(200).json();
    JsonNode owners = alice.get(results).expect(200).json();
    assertThat(manifest.get("final").asBoolean()).isTrue();
    assertThat(manifest.get("files").findValuesAsString("path"))
        .containsExactly("model/w.bin", "table.csv");
    assertThat(manifest.get("files")).isEqualTo(owners.get("files"));
    String sha = manifest.get("files").get(0).get("sha256").asString();

    HttpResponse<byte[]> file = bytes(token, results + "/model/w.bin");
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(new String(file.body(), StandardCharsets.UTF_8)).isEqualTo("weights");
    assertThat(file.headers().firstValue("ETag")).hasValue("\"" + sha + "\"");
    assertThat(
            bytes(token, results + "/model/w.bin", "If-None-Match", "\"" + sha + "\"").statusCode())
        .isEqualTo(304);

    HttpResponse<byte[]> zip = bytes(token, "/api/v1/jobs/" + withFiles.id() + "/results.zip");
    assertThat(zip.statusCode()).isEqualTo(200);
    List<String> entries = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        entries.add(e.getName());
      }
    }
    assertThat(entries).containsExactly("model/w.bin", "table.csv");

    // Another job's results, even the same owner's, are refused.
    String otherResults = "/api/v1/jobs/" + othersFiles.id() + "/results";
    for (String path :
        List.of(
            otherResults,
            otherResults + "/secret.txt",
            otherResults.replace("/results", "/results.zip"))) {
      Api.Response answer = reader.get(path);
      assertRefused(answer, 403, "forbidden", null);
      assertThat(answer.json().path("detail").asString()).contains(withFiles.id());
      assertThat(answer.json().has("files")).as("no manifest in the refusal").isFalse();
    }
  }

  private HttpResponse<byte[]> bytes(String token, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
            .header("Authorization", "Bearer " + token);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void every_route_but_the_reads_of_its_own_job_is_refused_to_a_share_token() {
    String token = share(alice, shared.id(), "").get("token").asString();
    String shareId = share(alice, shared.id(), "").get("id").asString();
    Job bobsPublic =
        bob.awaitEnd(
            bob.submit("{\"shell\": \"echo public\", \"accessibility\": \"PUBLIC\"}").id());
    JsonNode paths = server.anonymous().get("/api/v1/openapi.json").expect(200).json().get("paths");
    List<String> refused = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    int reads = 0;
    for (String path : paths.propertyNames()) {
      for (String method : paths.get(path).propertyNames()) {
        String verb = method.toUpperCase(java.util.Locale.ROOT);
        if (!Set.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(verb)) {
          continue;
        }
        String route = verb + " " + path;
        List<String> jobIds = new ArrayList<>(List.of(other.id(), bobsPublic.id()));
        if (READS.matcher(route).matches()) {
          reads++;
          Api.Response own = send(token, verb, fill(path, shared.id(), shareId));
          if (own.status() == 401 || own.status() == 403 || own.status() >= 500) {
            failures.add(route + " of its own job: " + own.status() + " " + own.body());
          }
        } else {
          jobIds.add(shared.id());
        }
        if (!path.contains("{id}")) {
          jobIds = List.of(shared.id());
        }
        for (String jobId : jobIds) {
          String target = fill(path, jobId, shareId);
          Api.Response answer = send(token, verb, target);
          refused.add(verb + " " + target);
          if (answer.status() != 403
              || !answer.json().path("code").asString().equals("forbidden")) {
            failures.add(verb + " " + target + ": " + answer.status() + " " + answer.body());
          } else if (!answer.json().path("detail").asString().contains(shared.id())) {
            failures.add(verb + " " + target + " does not name the job: " + answer.body());
          }
        }
      }
    }
    assertThat(failures).as("routes a share token reached or got a wrong answer from").isEmpty();
    assertThat(reads).as("read routes in the document").isGreaterThanOrEqualTo(4);
    assertThat(refused)
        .as("the refused requests include the lists, changes and other users' jobs")
        .contains(
            "GET /api/v1/jobs",
            "GET /api/v1/me",
            "POST /api/v1/jobs/" + shared.id() + "/stop",
            "DELETE /api/v1/jobs/" + shared.id(),
            "PATCH /api/v1/jobs/" + shared.id(),
            "POST /api/v1/jobs/" + shared.id() + "/shares",
            "GET /api/v1/jobs/" + shared.id() + "/shares",
            "DELETE /api/v1/shares/" + shareId,
            "GET /api/v1/jobs/" + bobsPublic.id(),
            "GET /api/v1/jobs/" + other.id() + "/log");
    // Nothing was changed by all those requests.
    assertThat(alice.job(shared.id()).displayName()).isEqualTo(shared.displayName());
    assertThat(alice.get("/api/v1/jobs/" + shared.id() + "/shares").json().get("items").size())
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void the_event_stream_only_with_its_job_and_no_tricks_in_the_path_reach_another_job() {
    String token = share(alice, shared.id(), "").get("token").asString();
    Api reader = holder(token);
    for (String target :
        List.of(
            "/api/v1/events/stream",
            "/api/v1/events/stream?job_id=" + other.id(),
            "/api/v1/events/stream?job_id=" + shared.id() + "&job_id=" + other.id(),
            "/api/v1/jobs/" + shared.id() + "/stop?expected_status=SUCCEEDED",
            "/api/v1/jobs/" + other.id() + ";x=" + shared.id(),
            "/api/v1/jobs/" + shared.id() + "/../" + other.id(),
            "/api/v1//jobs/" + other.id(),
            "/api/v1/jobs/" + other.id().replace("job_", "%6Aob_"),
            "/api/v1/jobs/" + other.id() + "?job_id=" + shared.id(),
            "/api/jobs/" + shared.id(),
            "/api/v1/nowhere")) {
      String method = target.contains("/stop") ? "POST" : "GET";
      Api.Response answer = reader.send(method, target, method.equals("POST") ? "" : null);
      assertThat(answer.status())
          .as("%s %s: %s", method, target, answer.body())
          .isIn(400, 401, 403, 404);
      assertThat(answer.body()).doesNotContain("other-secret");
    }
    assertThat(alice.job(shared.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void the_query_parameter_takes_a_share_token_only_never_an_api_key() {
    String key = service.userKey();
    Api anonymous = server.anonymous();
    assertRefused(
        anonymous.get("/api/v1/jobs/" + shared.id() + "?share_token=" + key),
        401,
        "unauthorized",
        null);
    assertRefused(anonymous.get("/api/v1/me?share_token=" + key), 401, "unauthorized", null);
    assertRefused(
        anonymous.get("/api/v1/jobs/" + shared.id() + "?share_token=jks_not-a-real-one"),
        401,
        "unauthorized",
        null);
    String token = share(alice, shared.id(), "").get("token").asString();
    assertRefused(
        anonymous.get(
            "/api/v1/jobs/" + shared.id() + "?share_token=" + token + "&share_token=" + token),
        401,
        "unauthorized",
        null);
  }

  @Test
  void a_revoked_token_is_refused_at_its_next_request() {
    JsonNode share = share(alice, shared.id(), "{\"expires_in\": \"1h\"}");
    Api reader = holder(share.get("token").asString());
    reader.get("/api/v1/jobs/" + shared.id()).expect(200);

    alice.delete("/api/v1/shares/" + share.get("id").asString()).expect(204);

    assertRefused(reader.get("/api/v1/jobs/" + shared.id()), 401, "unauthorized", null);
    assertThat(alice.get("/api/v1/jobs/" + shared.id() + "/shares").body())
        .doesNotContain(share.get("id").asString());
    assertRefused(
        alice.delete("/api/v1/shares/" + share.get("id").asString()), 404, "not_found", null);
  }

  @Test
  void the_streams_a_share_token_opened_end_when_it_is_revoked_or_expires() {
    Job running = alice.submitShell(service.gates().script("share-streams"));
    alice.awaitStatus(running.id(), JobStatus.RUNNING, TIMEOUT);
    JsonNode revoked = share(alice, running.id(), "");
    JsonNode expiring = share(alice, running.id(), "");
    try (SseStream log =
            holder(revoked.get("token").asString()).stream(
                "/api/v1/jobs/" + running.id() + "/log/stream");
        SseStream events =
            holder(expiring.get("token").asString()).stream(
                "/api/v1/events/stream?job_id=" + running.id())) {
      assertThat(log.status()).isEqualTo(200);
      assertThat(events.status()).isEqualTo(200);

      alice.delete("/api/v1/shares/" + revoked.get("id").asString()).expect(204);

      SseStream.Event last = lastOf(log.until(e -> e.name().equals("dropped"), TIMEOUT));
      assertThat(last.json().get("reason").asString())
          .contains("share token was revoked")
          .contains("it cannot reconnect")
          .doesNotContain("Last-Event-ID");
      assertThat(log.awaitClosedByServer(TIMEOUT)).isTrue();

      // Expired in the database: the stream ends at the next keep-alive (15 s at most).
      server
          .bean(JdbcClient.class)
          .sql("UPDATE shares SET expires_at = ? WHERE id = ?")
          .params(OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1), expiring.get("id").asString())
          .update();
      last = lastOf(events.until(e -> e.name().equals("dropped"), TIMEOUT));
      assertThat(last.json().get("reason").asString())
          .contains("share token expired")
          .doesNotContain("Last-Event-ID");
      assertThat(events.awaitClosedByServer(TIMEOUT)).isTrue();
    } finally {
      service.gates().open("share-streams");
    }
    assertThat(alice.awaitEnd(running.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  private static SseStream.Event lastOf(List<SseStream.Event> events) {
    return events.get(events.size() - 1);
  }

  @Test
  void an_expired_token_is_refused_and_no_longer_listed() {
    JsonNode share = share(alice, shared.id(), "{\"expires_in\": \"30m\"}");
    String id = share.get("id").asString();
    Api reader = holder(share.get("token").asString());
    reader.get("/api/v1/jobs/" + shared.id()).expect(200);

    // Its expiry moved to the past in the database: the clock is not waited for.
    server
        .bean(JdbcClient.class)
        .sql("UPDATE shares SET expires_at = ? WHERE id = ?")
        .params(OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1), id)
        .update();

    Api.Response refused = reader.get("/api/v1/jobs/" + shared.id());
    assertRefused(refused, 401, "unauthorized", null);
    assertThat(refused.json().path("detail").asString()).contains("expired");
    assertThat(alice.get("/api/v1/jobs/" + shared.id() + "/shares").body()).doesNotContain(id);
  }

  @Test
  void the_expiry_is_more_than_zero_and_at_most_thirty_days() {
    assertThat(share(alice, shared.id(), "{\"expires_in\": \"30d\"}").get("expires_at"))
        .isNotNull();
    assertThat(share(alice, shared.id(), "{\"expires_in\": \"PT12H\"}").get("expires_at"))
        .isNotNull();
    assertThat(share(alice, shared.id(), "{}").get("expires_at")).isNotNull();
    for (String wrong :
        List.of(
            "\"31d\"",
            "\"721h\"",
            "\"P31D\"",
            "\"0d\"",
            "\"0s\"",
            "\"-1d\"",
            "\"PT-1H\"",
            "\"3 weeks\"",
            "\"\"",
            "\"garbage\"",
            "\"99999999999999999999d\"",
            "3",
            "true")) {
      assertRefused(
          alice.post("/api/v1/jobs/" + shared.id() + "/shares", "{\"expires_in\": " + wrong + "}"),
          400,
          "validation_failed",
          "expires_in");
    }
    assertRefused(
        alice.post("/api/v1/jobs/" + shared.id() + "/shares", "{\"expires\": \"3d\"}"),
        400,
        "validation_failed",
        "expires");
    assertRefused(
        alice.post("/api/v1/jobs/" + shared.id() + "/shares", "[1]"),
        400,
        "validation_failed",
        null);
  }

  @Test
  void only_the_owner_or_an_admin_shares_lists_and_revokes() {
    String shareId = share(alice, shared.id(), "").get("id").asString();
    // A private job: bob does not see it at all.
    assertRefused(bob.post("/api/v1/jobs/" + shared.id() + "/shares", ""), 404, "not_found", null);
    assertRefused(bob.get("/api/v1/jobs/" + shared.id() + "/shares"), 404, "not_found", null);
    assertRefused(bob.delete("/api/v1/shares/" + shareId), 404, "not_found", null);

    // A public job: bob sees it, but it is not his to share.
    Job open =
        alice.awaitEnd(
            alice.submit("{\"shell\": \"echo open\", \"accessibility\": \"PUBLIC\"}").id());
    String openShare = share(alice, open.id(), "").get("id").asString();
    assertRefused(bob.post("/api/v1/jobs/" + open.id() + "/shares", ""), 403, "forbidden", null);
    assertRefused(bob.get("/api/v1/jobs/" + open.id() + "/shares"), 403, "forbidden", null);
    assertRefused(bob.delete("/api/v1/shares/" + openShare), 403, "forbidden", null);
    assertThat(alice.get("/api/v1/jobs/" + open.id() + "/shares").body()).contains(openShare);

    // An admin may do all three.
    JsonNode byAdmin = share(admin, shared.id(), "{\"expires_in\": \"1d\"}");
    assertThat(byAdmin.get("created_by").asString()).isNotEqualTo(alice.name());
    assertThat(admin.get("/api/v1/jobs/" + shared.id() + "/shares").body())
        .contains(byAdmin.get("id").asString());
    // The admin's share reads as alice's job, and nothing of the admin's rights comes with it.
    Api reader = holder(byAdmin.get("token").asString());
    reader.get("/api/v1/jobs/" + shared.id()).expect(200);
    assertRefused(reader.get("/api/v1/users"), 403, "forbidden", null);
    admin.delete("/api/v1/shares/" + byAdmin.get("id").asString()).expect(204);
    assertRefused(reader.get("/api/v1/jobs/" + shared.id()), 401, "unauthorized", null);

    assertRefused(alice.delete("/api/v1/shares/shr_nothing"), 404, "not_found", null);
    assertRefused(alice.post("/api/v1/jobs/job_nothing/shares", ""), 404, "not_found", null);
  }

  @Test
  void deleting_the_job_deletes_its_shares_and_their_tokens_stop_working() {
    Job job = alice.awaitEnd(alice.submitShell("echo soon-gone").id());
    JsonNode share = share(alice, job.id(), "");
    Api reader = holder(share.get("token").asString());
    reader.get("/api/v1/jobs/" + job.id()).expect(200);

    alice.delete("/api/v1/jobs/" + job.id()).expect(200);

    assertRefused(reader.get("/api/v1/jobs/" + job.id()), 401, "unauthorized", null);
    assertThat(
            server
                .bean(JdbcClient.class)
                .sql("SELECT COUNT(*) FROM shares WHERE job_id = ?")
                .param(job.id())
                .query(Long.class)
                .single())
        .isZero();
    assertRefused(
        alice.delete("/api/v1/shares/" + share.get("id").asString()), 404, "not_found", null);
  }

  @Test
  void only_the_tokens_hash_is_stored() {
    JsonNode share = share(alice, shared.id(), "");
    String token = share.get("token").asString();

    Map<String, Object> row =
        server
            .bean(JdbcClient.class)
            .sql("SELECT * FROM shares WHERE id = ?")
            .param(share.get("id").asString())
            .query()
            .singleRow();

    assertThat(row.values()).extracting(String::valueOf).noneMatch(v -> v.contains(token));
    assertThat(row.values()).extracting(String::valueOf).contains(Keys.hash(token));
  }

  /** The path with its job variable set to {@code jobId} and every other variable filled in. */
  private static String fill(String path, String jobId, String shareId) {
    return path.replace("{id}", jobId).replace("{share_id}", shareId).replaceAll("\\{[^}]*}", "x");
  }

  private Api.Response send(String token, String method, String target) {
    String body = Set.of("POST", "PUT", "PATCH").contains(method) ? "{}" : null;
    if (method.equals("GET") && (target.endsWith("/stream") || target.contains("/stream?"))) {
      // A stream that opened would not end by itself: opened as one, and read as a plain answer
      // only when refused.
      try (SseStream stream = holder(token).stream(target)) {
        if (stream.status() == 200) {
          return new Api.Response(200, null, "{\"stream\": \"opened\"}");
        }
      }
    }
    return holder(token).send(method, target, body);
  }
}
