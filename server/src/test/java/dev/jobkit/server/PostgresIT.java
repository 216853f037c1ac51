package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.EventKind;
import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobPage;
import dev.jobkit.sdk.jobs.LogTail;
import dev.jobkit.sdk.jobs.ResultFile;
import dev.jobkit.sdk.jobs.ResultManifest;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.store.JobResultStore;
import dev.jobkit.server.store.JobStore;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.PostgresService;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The service on PostgreSQL instead of the embedded H2: the same migrations, queries and lifecycle.
 * The class creates its own database ({@link PostgresService}: skipped outside CI when no
 * PostgreSQL answers) and a service of its own on it, which one test restarts; it drops the
 * database afterwards.
 */
class PostgresIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final PostgresService postgres = PostgresService.create();

  /** The service now: one test restarts it. */
  private static JobkitServer server() {
    return postgres.server();
  }

  @Test
  void apps_keep_versions_and_their_jobs_filter_by_app_on_postgresql() {
    Api api = server().admin();
    String app =
        "{\"command\":[\"echo\",\"{word}\"],\"parameters\":{\"type\":\"object\","
            + "\"properties\":{\"word\":{\"type\":\"string\",\"default\":\"pg\"}}}}";
    api.put("/api/v1/apps/pg-echo", app).expect(200);
    api.put("/api/v1/apps/pg-echo", app).expect(200);
    Job job = api.submit("{\"app\":\"pg-echo\",\"app_version\":1}");
    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(api.get("/api/v1/apps").expect(200).json().at("/items/0/version").asInt())
        .isEqualTo(2);
    JobPage byApp = api.get("/api/v1/jobs?app=pg-echo").expect(200).as(JobPage.class);
    assertThat(byApp.items()).extracting(Job::id).containsExactly(job.id());
    assertThat(byApp.items().get(0).parameters()).containsEntry("word", "pg");
    assertThat(byApp.items().get(0).appVersion()).isEqualTo(1);
    api.delete("/api/v1/apps/pg-echo").expect(204);
    assertThat(api.put("/api/v1/apps/pg-echo", app).expect(200).json().get("version").asInt())
        .isEqualTo(3);
  }

  @Test
  void jobs_run_filter_stop_and_delete_on_postgresql() {
    Api api = server().admin();
    Job done = api.submit("{\"shell\":\"echo on-postgres\",\"tags\":{\"db\":\"pg\"}}");
    api.awaitStatus(done.id(), JobStatus.SUCCEEDED, TIMEOUT);
    Job sleeper = api.submit("{\"command\":[\"sleep\",\"60\"],\"display_name\":\"PG sleeper\"}");
    api.awaitStatus(sleeper.id(), JobStatus.RUNNING, TIMEOUT);

    JobPage tagged =
        api.get("/api/v1/jobs?tag=db=pg&status=completed").expect(200).as(JobPage.class);
    assertThat(tagged.items()).extracting(Job::id).containsExactly(done.id());
    JobPage named = api.get("/api/v1/jobs?name=pg%20SLEEP").expect(200).as(JobPage.class);
    assertThat(named.items()).extracting(Job::id).containsExactly(sleeper.id());

    // A rename is an event of its own kind (the columns of migration V2).
    api.patch("/api/v1/jobs/" + sleeper.id(), "{\"display_name\":\"PG sleeper 2\"}").expect(200);
    assertThat(api.events(sleeper.id()))
        .filteredOn(e -> e.kind() == EventKind.RENAMED)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.oldValue()).isEqualTo("PG sleeper");
              assertThat(e.newValue()).isEqualTo("PG sleeper 2");
              assertThat(e.toStatus()).isEqualTo(JobStatus.RUNNING);
            });
    assertThat(api.events(done.id())).allMatch(e -> e.kind() == EventKind.TRANSITION);

    // 202 while its processes end, or 200 if they were already gone when the answer was written.
    assertThat(api.post("/api/v1/jobs/" + sleeper.id() + "/stop", "").status()).isIn(200, 202);
    api.awaitStatus(sleeper.id(), JobStatus.CANCELED, TIMEOUT);
    api.delete("/api/v1/jobs/" + done.id()).expect(200);
    api.get("/api/v1/jobs/" + done.id()).expect(404);
  }

  @Test
  void users_have_numbers_and_delete_and_flush_count_model_and_result_records_on_postgresql() {
    Api first = server().newUser("pg-numbered-1", "parallel");
    Api second = server().newUser("pg-numbered-2", "parallel");
    Job one = first.submit("{\"command\":[\"true\"]}");
    Job two = second.submit("{\"command\":[\"true\"]}");
    first.awaitStatus(one.id(), JobStatus.SUCCEEDED, TIMEOUT);
    second.awaitStatus(two.id(), JobStatus.SUCCEEDED, TIMEOUT);
    long firstNumber =
        first.get("/api/jobs/" + one.id()).expect(200).json().at("/job/owner_user_id").asLong();
    long secondNumber =
        second.get("/api/jobs/" + two.id()).expect(200).json().at("/job/owner_user_id").asLong();
    assertThat(firstNumber).isPositive().isNotEqualTo(secondNumber);

    dev.jobkit.server.store.DataStore store =
        server().bean(dev.jobkit.server.store.DataStore.class);
    for (Job job : java.util.List.of(one, two)) {
      store.addModel(
          new dev.jobkit.sdk.data.Model(
              "model_" + job.id(),
              job.id(),
              job.owner(),
              "train",
              java.util.List.of(),
              java.util.Map.of(),
              java.util.Map.of(),
              java.time.Instant.now()));
    }
    assertThat(
            first
                .delete("/api/v1/jobs/" + one.id())
                .expect(200)
                .json()
                .get("removed_models")
                .asInt())
        .isEqualTo(1);
    FlushOperation flushed = second.flushAndAwait("scope=all");
    assertThat(flushed.deleted()).isEqualTo(1);
    assertThat(flushed.removedModels()).isEqualTo(1);
    assertThat(flushed.removedResults()).isZero();
  }

  @Test
  void a_flush_runs_as_an_operation_bound_to_its_snapshot_on_postgresql() {
    Api user = server().newUser("pg-flusher", "serial");
    StringBuilder batch = new StringBuilder("{\"jobs\":[");
    for (int i = 0; i < 600; i++) {
      batch.append(i == 0 ? "" : ",").append("{\"command\":[\"sleep\",\"300\"]}");
    }
    user.post("/api/v1/jobs/batch", batch.append("]}").toString()).expect(201);
    FlushResult dry =
        user.post("/api/v1/jobs/flush?scope=active&dry_run=true", "")
            .expect(200)
            .as(FlushResult.class);
    Job after = user.submit("{\"command\":[\"sleep\",\"300\"]}");

    FlushOperation end = user.flushAndAwait("scope=active&snapshot=" + dry.snapshot());

    // 600 jobs: more than one batch (500) of cancels and deletes.
    assertThat(end.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(end.matched()).isEqualTo(600);
    assertThat(end.deleted()).isEqualTo(600);
    assertThat(end.preview()).hasSize(FlushResult.PREVIEW_SIZE);
    assertThat(user.job(after.id()).status().isActive()).isTrue();
    assertThat(user.flushAndAwait("scope=all").deleted()).isEqualTo(1);
  }

  @Test
  void each_attempt_s_part_of_the_log_is_found_on_postgresql() {
    Api api = server().admin();
    // A failing pod stops its sibling: each pod says its line, then waits until both have said
    // theirs (files in the shared output dir) before the first attempt fails.
    String said = "\"$JOBKIT_OUTPUT_DIR/said-$JOBKIT_ATTEMPT-";
    Job job =
        api.submit(
            Api.JSON.writeValueAsString(
                Map.of(
                    "shell",
                    "echo attempt $JOBKIT_ATTEMPT; touch "
                        + said
                        + "$JOBKIT_POD_INDEX\"; until [ -e "
                        + said
                        + "0\" ] && [ -e "
                        + said
                        + "1\" ]; do sleep 0.02; done; [ $JOBKIT_ATTEMPT -ge 2 ]",
                    "max_attempts",
                    2,
                    "pod_count",
                    2)));
    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    // Two pods: the starts of migration V9 are kept per attempt and pod.
    for (int pod = 0; pod < 2; pod++) {
      String log = "/api/v1/jobs/" + job.id() + "/log?pod=" + pod + "&attempt=";
      assertThat(api.get(log + "1").expect(200).as(LogTail.class).content())
          .as("pod %d, attempt 1", pod)
          .isEqualTo("attempt 1\n");
      assertThat(api.get(log + "2").expect(200).as(LogTail.class).content())
          .matches("\\[jobkit\\] attempt 2 of 2 started at \\S+Z\nattempt 2\n");
    }
    assertThat(api.get("/api/v1/jobs/" + job.id() + "/log?attempt=3").status()).isEqualTo(400);
    api.delete("/api/v1/jobs/" + job.id()).expect(200); // its starts go with it (ON DELETE CASCADE)
  }

  @Test
  void share_tokens_read_their_job_expire_are_revoked_and_go_with_their_job_on_postgresql() {
    Api alice = server().newUser("pg-sharer", "parallel");
    Job job = alice.submit("{\"shell\":\"echo shared-on-pg\"}");
    alice.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);
    String path = "/api/v1/jobs/" + job.id();
    JsonNode kept = alice.post(path + "/shares", "{\"expires_in\":\"2d\"}").expect(201).json();
    JsonNode expiring = alice.post(path + "/shares", "").expect(201).json();
    JsonNode revoked = alice.post(path + "/shares", "").expect(201).json();
    Api reader = server().withKey(kept.get("token").asString());

    assertThat(reader.get(path + "/log").expect(200).body()).contains("shared-on-pg");
    assertThat(reader.get("/api/v1/jobs").status()).isEqualTo(403);
    server()
        .bean(org.springframework.jdbc.core.simple.JdbcClient.class)
        .sql("UPDATE shares SET expires_at = ? WHERE id = ?")
        .params(
            java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(1),
            expiring.get("id").asString())
        .update();
    assertThat(server().withKey(expiring.get("token").asString()).get(path).status())
        .isEqualTo(401);
    alice.delete("/api/v1/shares/" + revoked.get("id").asString()).expect(204);
    assertThat(server().withKey(revoked.get("token").asString()).get(path).status()).isEqualTo(401);
    assertThat(alice.get(path + "/shares").expect(200).json().get("items"))
        .extracting(item -> item.get("id").asString())
        .containsExactly(kept.get("id").asString());

    alice.delete(path).expect(200);
    assertThat(reader.get(path).status()).isEqualTo(401);
  }

  @Test
  void a_jobs_result_manifest_is_stored_read_and_dropped_by_retention_on_postgresql() {
    Api api = server().admin();
    Job job =
        api.submitShell(
            "cd \"$JOBKIT_OUTPUT_DIR\" && printf pg > a.txt && mkdir d && printf sql > d/b.csv");
    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    ResultManifest manifest =
        api.get("/api/v1/jobs/" + job.id() + "/results").expect(200).as(ResultManifest.class);
    assertThat(manifest.complete()).isTrue();
    assertThat(manifest.files()).extracting(ResultFile::path).containsExactly("a.txt", "d/b.csv");
    assertThat(server().bean(JobResultStore.class).find(job.id())).contains(manifest);
    assertThat(
            server()
                .bean(JobResultStore.class)
                .endedBefore(Instant.now().plusSeconds(60), 0, 10_000))
        .extracting(JobResultStore.Ended::id)
        .contains(job.id());

    Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
    assertThat(server().bean(JobStore.class).markResultsExpired(job.id(), at)).isTrue();
    assertThat(api.job(job.id()).resultsExpiredAt()).isEqualTo(at);
    assertThat(server().bean(JobResultStore.class).find(job.id())).isEmpty();
    assertThat(api.get("/api/v1/jobs/" + job.id() + "/results").status()).isEqualTo(410);
    assertThat(server().bean(JobResultStore.class).endedWithoutManifest(10_000))
        .doesNotContain(job.id());
    api.delete("/api/v1/jobs/" + job.id()).expect(200);
  }

  @Test
  void migrations_apply_once_and_the_service_restarts_on_the_same_database() {
    Job before = server().admin().submit("{\"command\":[\"true\"]}");
    server().admin().awaitStatus(before.id(), JobStatus.SUCCEEDED, TIMEOUT);

    server().restart();

    assertThat(server().admin().job(before.id()).status()).isEqualTo(JobStatus.SUCCEEDED);
    Job after = server().admin().submit("{\"command\":[\"true\"]}");
    server().admin().awaitStatus(after.id(), JobStatus.SUCCEEDED, TIMEOUT);
  }

  @Test
  void a_jobs_token_works_while_it_runs_and_is_refused_once_it_ended_on_postgresql()
      throws java.io.IOException {
    Api api = server().admin();
    // The token table of migration V3: issued at launch, looked up by its hash, revoked at the end.
    Job job =
        api.submitShell(
            "echo \"$JOBKIT_TOKEN\" > \"$JOBKIT_OUTPUT_DIR/token\"; curl -sS -H \"Authorization:"
                + " Bearer $JOBKIT_TOKEN\" \"$JOBKIT_URL/api/v1/me\"");

    api.awaitStatus(job.id(), JobStatus.SUCCEEDED, TIMEOUT);

    assertThat(server().jobDir(job.id()).resolve("logs/pod-0.log"))
        .content()
        .contains("\"name\":\"admin\"")
        .contains("\"role\":\"user\"");
    String token =
        java.nio.file.Files.readString(server().jobDir(job.id()).resolve("output/token")).strip();
    assertThat(server().withKey(token).get("/api/v1/me").status()).isEqualTo(401);
  }
}
