package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.workers.ClaimedJob;
import dev.jobkit.sdk.workers.ErrorKind;
import dev.jobkit.sdk.workers.HeartbeatAnswer;
import dev.jobkit.sdk.workers.JobReport;
import dev.jobkit.sdk.workers.ReportedProgress;
import dev.jobkit.sdk.workers.Worker;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code internal()} sends and reads, against a local server: snake_case bodies, the paths of
 * docs/workers.md, the typed errors of the protocol, and which calls are retried after a 503.
 */
class WorkerWireTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dir;

  private static JobkitClient client(ScriptedServer server) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .apiKey("jk_worker")
        .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
        .sleeper(d -> {})
        .build();
  }

  private static JsonNode body(ScriptedServer.Received r) {
    return JSON.readTree(r.body());
  }

  @Test
  void register_sends_snake_case_and_reads_the_worker() {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(
                    201,
                    "{\"id\":\"wkr_1\",\"name\":\"box\",\"slots\":4,\"apps\":[\"train\"],"
                        + "\"host\":\"box.example\",\"registered_by\":\"workers\","
                        + "\"claim_ttl_seconds\":1.0,\"heartbeat_interval_seconds\":0.333,"
                        + "\"expires_at\":\"2026-12-03T10:00:30Z\",\"new_member\":1}"));
        JobkitClient client = client(server)) {
      Worker worker = client.internal().register("box", 4, List.of("train"), "box.example");

      assertThat(worker.id()).isEqualTo("wkr_1");
      assertThat(worker.apps()).containsExactly("train");
      assertThat(worker.registeredBy()).isEqualTo("workers");
      assertThat(worker.claimTtlSeconds()).isEqualTo(1.0);
      assertThat(worker.heartbeatInterval()).isEqualTo(Duration.ofMillis(333));
      assertThat(worker.expiresAt()).isEqualTo(Instant.parse("2026-12-03T10:00:30Z"));
      var sent = server.received().get(0);
      assertThat(sent.method()).isEqualTo("POST");
      assertThat(sent.path()).isEqualTo("/api/v1/internal/workers");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer jk_worker");
      JsonNode body = body(sent);
      assertThat(body.get("name").asString()).isEqualTo("box");
      assertThat(body.get("slots").asInt()).isEqualTo(4);
      assertThat(body.get("apps").get(0).asString()).isEqualTo("train");
      assertThat(body.get("host").asString()).isEqualTo("box.example");
    }
  }

  @Test
  void a_heartbeat_reports_progress_and_metrics_and_reads_the_cancel_list() {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(
                    200, "{\"expires_at\":\"2026-12-03T10:00:30Z\",\"cancel\":[\"job_2\"]}"));
        JobkitClient client = client(server)) {
      HeartbeatAnswer answer =
          client
              .internal()
              .heartbeat(
                  "wkr_1",
                  List.of(
                      new JobReport(
                          "job_1", new ReportedProgress(42.0, "epoch 3"), Map.of("loss", 0.5)),
                      new JobReport("job_2", null, null)));

      assertThat(answer.cancel()).containsExactly("job_2");
      assertThat(answer.expiresAt()).isEqualTo(Instant.parse("2026-12-03T10:00:30Z"));
      var sent = server.received().get(0);
      assertThat(sent.path()).isEqualTo("/api/v1/internal/workers/wkr_1/heartbeat");
      JsonNode jobs = body(sent).get("jobs");
      assertThat(jobs.get(0).get("job_id").asString()).isEqualTo("job_1");
      assertThat(jobs.get(0).get("progress").get("percent").asDouble()).isEqualTo(42.0);
      assertThat(jobs.get(0).get("progress").get("message").asString()).isEqualTo("epoch 3");
      assertThat(jobs.get(0).get("progress").has("updated_at")).isFalse();
      assertThat(jobs.get(0).get("metrics").get("loss").asDouble()).isEqualTo(0.5);
      assertThat(jobs.get(1).has("progress")).isFalse();
      assertThat(jobs.get(1).has("metrics")).isFalse();
    }
  }

  @Test
  void a_claim_reads_the_jobs_and_is_not_repeated_after_a_503() {
    String claimed =
        "{\"jobs\":[{\"job_id\":\"job_1\",\"attempt\":1,\"max_attempts\":3,\"owner\":\"ann\","
            + "\"shell\":\"echo hi\",\"env\":{\"A\":\"1\"},\"pod_count\":2,"
            + "\"timeout_seconds\":60,\"app\":null,\"parameters\":{},\"token\":\"jkt_x\","
            + "\"log_offsets\":[0,120]}]}";
    try (ScriptedServer server =
            new ScriptedServer(Answer.json(200, claimed), Answer.problem(503, "unavailable"));
        JobkitClient client = client(server)) {
      List<ClaimedJob> jobs = client.internal().claim("wkr_1", 3, null);

      assertThat(jobs).hasSize(1);
      ClaimedJob job = jobs.get(0);
      assertThat(job.command()).isNull();
      assertThat(job.shell()).isEqualTo("echo hi");
      assertThat(job.env()).containsEntry("A", "1");
      assertThat(job.podCount()).isEqualTo(2);
      assertThat(job.timeoutSeconds()).isEqualTo(60L);
      assertThat(job.token()).isEqualTo("jkt_x");
      assertThat(job.logOffsets()).containsExactly(0L, 120L);
      JsonNode body = body(server.received().get(0));
      assertThat(body.get("worker_id").asString()).isEqualTo("wkr_1");
      assertThat(body.get("max_jobs").asInt()).isEqualTo(3);
      assertThat(body.has("apps")).isFalse();

      assertThatThrownBy(() -> client.internal().claim("wkr_1", 3, List.of()))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(2); // once: a retry could claim more jobs
    }
  }

  @Test
  void complete_and_fail_go_out_once_and_a_heartbeat_is_retried() {
    try (ScriptedServer server = new ScriptedServer(Answer.problem(503, "unavailable"));
        JobkitClient client = client(server)) {
      assertThatThrownBy(
              () -> client.internal().complete("job_1", "wkr_1", List.of(0, 1), null, null))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(1);
      assertThatThrownBy(
              () ->
                  client
                      .internal()
                      .fail("job_1", "wkr_1", ErrorKind.VALIDATION, "no such program", null, 127))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(2);

      assertThatThrownBy(() -> client.internal().heartbeat("wkr_1", List.of()))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(2 + 4); // the default policy's four attempts

      JsonNode completion = body(server.received().get(0));
      assertThat(server.received().get(0).path()).isEqualTo("/api/v1/internal/jobs/job_1/complete");
      assertThat(completion.get("exit_codes").toString()).isEqualTo("[0,1]");
      assertThat(completion.has("result")).isFalse();
      JsonNode failure = body(server.received().get(1));
      assertThat(server.received().get(1).path()).isEqualTo("/api/v1/internal/jobs/job_1/fail");
      assertThat(failure.get("kind").asString()).isEqualTo("validation");
      assertThat(failure.get("message").asString()).isEqualTo("no such program");
      assertThat(failure.get("exit_code").asInt()).isEqualTo(127);
    }
  }

  @Test
  void a_transition_names_the_state_and_the_pids() {
    try (ScriptedServer server = new ScriptedServer(Answer.json(200, "{}"));
        JobkitClient client = client(server)) {
      client.internal().acknowledge("job_1", "wkr_1");
      client
          .internal()
          .transition("job_1", "wkr_1", JobStatus.RUNNING, null, List.of(4242L, 4243L));

      assertThat(server.received().get(0).path())
          .isEqualTo("/api/v1/internal/jobs/job_1/acknowledge");
      assertThat(body(server.received().get(0)).get("worker_id").asString()).isEqualTo("wkr_1");
      var transition = server.received().get(1);
      assertThat(transition.path()).isEqualTo("/api/v1/internal/jobs/job_1/transition");
      JsonNode body = body(transition);
      assertThat(body.get("to").asString()).isEqualTo("RUNNING");
      assertThat(body.get("pids").toString()).isEqualTo("[4242,4243]");
      assertThat(body.has("reason")).isFalse();
    }
  }

  @Test
  void a_log_append_sends_raw_bytes_at_its_offset_and_is_retried() {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.problem(503, "unavailable"), Answer.json(200, "{\"size\":14}"));
        JobkitClient client = client(server)) {
      long size =
          client
              .internal()
              .appendLog("job_1", "wkr_1", 1, 10, "abcd".getBytes(StandardCharsets.US_ASCII));

      assertThat(size).isEqualTo(14);
      assertThat(server.received()).hasSize(2);
      var sent = server.received().get(1);
      assertThat(sent.path())
          .isEqualTo("/api/v1/internal/jobs/job_1/pods/1/log?worker_id=wkr_1&offset=10");
      assertThat(sent.header("Content-Type")).isEqualTo("application/octet-stream");
      assertThat(sent.body()).isEqualTo("abcd");
    }
  }

  @Test
  void a_result_is_put_raw_under_its_encoded_path_from_a_file_or_a_stream() throws Exception {
    Path file = Files.writeString(dir.resolve("w.bin"), "weights");
    try (ScriptedServer server =
        new ScriptedServer(
            Answer.problem(503, "unavailable"),
            Answer.json(201, "{}"),
            Answer.problem(503, "unavailable"))) {
      JobkitClient client = client(server);
      client.internal().putResult("job_1", "wkr_1", "model/my weights.bin", file);

      assertThat(server.received()).hasSize(2); // a file is sent again after a 503
      var sent = server.received().get(1);
      assertThat(sent.method()).isEqualTo("PUT");
      assertThat(sent.path())
          .isEqualTo("/api/v1/internal/jobs/job_1/results/model/my%20weights.bin?worker_id=wkr_1");
      assertThat(sent.body()).isEqualTo("weights");
      assertThat(sent.header("Authorization")).isEqualTo("Bearer jk_worker");

      var stream = new ByteArrayInputStream("streamed".getBytes(StandardCharsets.US_ASCII));
      assertThatThrownBy(() -> client.internal().putResult("job_1", "wkr_1", "out.txt", stream))
          .isInstanceOf(ServerException.class);
      assertThat(server.received()).hasSize(3); // a stream cannot be read twice: once
      assertThat(server.received().get(2).body()).isEqualTo("streamed");
      client.close();
    }
  }

  @Test
  void not_claim_owner_names_the_owner_and_worker_expired_is_its_own_exception() {
    String notOwner =
        "{\"status\":403,\"code\":\"not_claim_owner\",\"detail\":\"job_1 is claimed by wkr_9\","
            + "\"owner_worker_id\":\"wkr_9\"}";
    try (ScriptedServer server =
            new ScriptedServer(
                new Answer(403, Map.of("Content-Type", "application/problem+json"), notOwner),
                Answer.problem(410, "worker_expired"),
                new Answer(403, Map.of("Content-Type", "application/problem+json"), notOwner));
        JobkitClient client = client(server)) {
      assertThatThrownBy(() -> client.internal().acknowledge("job_1", "wkr_1"))
          .isInstanceOfSatisfying(
              NotClaimOwnerException.class,
              e -> {
                assertThat(e.ownerWorkerId()).contains("wkr_9");
                assertThat(e.status()).isEqualTo(403);
              });
      assertThatThrownBy(() -> client.internal().heartbeat("wkr_1", List.of()))
          .isInstanceOf(WorkerExpiredException.class)
          .hasMessageContaining("worker_expired");
      assertThat(server.received()).hasSize(2); // a 410 is not retried
      assertThatThrownBy(
              () ->
                  client
                      .internal()
                      .putResult("job_1", "wkr_1", "a", new ByteArrayInputStream(new byte[] {1})))
          .isInstanceOfSatisfying(
              NotClaimOwnerException.class, e -> assertThat(e.ownerWorkerId()).contains("wkr_9"));
    }
  }
}
