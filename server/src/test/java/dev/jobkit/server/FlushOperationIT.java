package dev.jobkit.server;

import static dev.jobkit.sdk.lifecycle.JobStatus.RUNNING;
import static dev.jobkit.sdk.lifecycle.JobStatus.SUCCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.FlushOperation;
import dev.jobkit.sdk.jobs.FlushResult;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.Problems;
import dev.jobkit.server.support.Processes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A flush runs in the background as an operation its caller follows: 202 at once, {@code GET
 * /api/v1/operations/{id}} (with a long-polling {@code wait}) until it ends, readable by its caller
 * and admins only, one at a time per user, bound to a dry run's snapshot when given one, and never
 * left running by a restart.
 *
 * <p>The service here, the class's own, gives stopped jobs 120 s between TERM and KILL, so a flush
 * that stops a job ignoring TERM stays running for as long as a test needs it to, and ends once the
 * test kills the job's processes itself. The shared service must not: every other class's stops
 * would wait as long.
 */
class FlushOperationIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension
  static final JobkitService service =
      JobkitService.own("--jobkit.executor.stop-grace-period=120s");

  /** A user of their own, so that one test's flush cannot touch another's jobs. */
  private static Api newUser() {
    return service.newUser("flusher", "serial");
  }

  /** Submits {@code count} jobs in batches of 1,000; their ids. */
  private static List<String> submitMany(Api as, int count, String command) {
    List<String> ids = new ArrayList<>();
    for (int done = 0; done < count; done += 1000) {
      int n = Math.min(1000, count - done);
      StringBuilder batch = new StringBuilder("{\"jobs\":[");
      for (int i = 0; i < n; i++) {
        batch.append(i == 0 ? "" : ",").append("{\"command\":").append(command).append('}');
      }
      JsonNode created =
          as.post("/api/v1/jobs/batch", batch.append("]}").toString()).expect(201).json();
      created.get("items").forEach(j -> ids.add(j.get("id").asString()));
    }
    return ids;
  }

  /** A running job that ignores TERM, so that a stop without force waits for it. */
  private static Job stubbornJob(Api as) {
    Job job = as.submitShell("trap '' TERM; echo ready; sleep 300 & wait; sleep 300 & wait");
    as.awaitStatus(job.id(), RUNNING, TIMEOUT);
    await()
        .atMost(TIMEOUT)
        .until(
            () -> as.get("/api/v1/jobs/" + job.id() + "/log").expect(200).json(),
            log -> log.get("content").asString().contains("ready"));
    return job;
  }

  private static void kill(String jobId) {
    for (long pid : Processes.ofJob(jobId)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Waits until a running operation has stopped and deleted that many jobs. */
  private static void awaitCounts(Api as, String id, int stopped, int deleted) {
    await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> as.get("/api/v1/operations/" + id).expect(200).as(FlushOperation.class),
            op -> op.stopped() == stopped && op.deleted() == deleted);
  }

  private static Api.Response startFlush(Api as, String query) {
    return as.post("/api/v1/jobs/flush?" + query, "");
  }

  @Test
  void a_flush_of_3000_jobs_answers_202_and_is_followed_to_its_end_with_exact_counts() {
    Api user = newUser();
    Job ended = user.submit("{\"command\":[\"true\"]}");
    user.awaitStatus(ended.id(), SUCCEEDED, TIMEOUT);
    List<String> ids = submitMany(user, 3000, "[\"sleep\",\"300\"]");

    Api.Response started = startFlush(user, "scope=active").expect(202);

    FlushOperation operation = started.as(FlushOperation.class);
    assertThat(operation.id()).startsWith("flush_");
    assertThat(started.headers().firstValue("Location"))
        .hasValue("/api/v1/operations/" + operation.id());
    assertThat(operation.status())
        .isIn(FlushOperation.Status.RUNNING, FlushOperation.Status.SUCCEEDED);
    assertThat(operation.matched()).isEqualTo(3000);
    assertThat(operation.requestedBy())
        .isEqualTo(user.get("/api/v1/me").json().get("name").asString());
    assertThat(operation.preview()).hasSize(FlushResult.PREVIEW_SIZE);
    FlushOperation seen =
        user.get("/api/v1/operations/" + operation.id()).expect(200).as(FlushOperation.class);
    assertThat(seen.status()).isIn(FlushOperation.Status.RUNNING, FlushOperation.Status.SUCCEEDED);

    FlushOperation end = user.awaitOperation(operation.id(), Duration.ofMinutes(3));

    assertThat(end.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(end.statusReason()).isNull();
    assertThat(end.matched()).isEqualTo(3000);
    assertThat(end.stopped()).isEqualTo(3000);
    assertThat(end.deleted()).isEqualTo(3000);
    assertThat(end.skippedCount()).isZero();
    assertThat(end.skipped()).isEmpty();
    assertThat(end.finishedAt()).isNotNull();
    JsonNode left = user.get("/api/v1/jobs?owner=me&limit=1000").expect(200).json().get("items");
    assertThat(left).hasSize(1);
    assertThat(left.get(0).get("id").asString()).isEqualTo(ended.id());
    user.get("/api/v1/jobs/" + ids.get(0)).expect(404);
    assertThat(Processes.ofJob(ids.get(ids.size() - 1))).isEmpty();
  }

  @Test
  void only_the_user_who_started_a_flush_and_admins_can_read_it() {
    Api user = newUser();
    Api other = newUser();
    user.submit("{\"command\":[\"true\"]}");

    FlushOperation operation = startFlush(user, "scope=all").expect(202).as(FlushOperation.class);

    Api.Response hidden = other.get("/api/v1/operations/" + operation.id()).expect(404);
    assertThat(hidden.json().get("code").asString()).isEqualTo("not_found");
    assertThat(hidden.body()).doesNotContain(operation.requestedBy());
    service.admin().get("/api/v1/operations/" + operation.id()).expect(200);
    other.get("/api/v1/operations/flush_nosuchoperation").expect(404);
    assertThat(user.awaitOperation(operation.id(), TIMEOUT).status())
        .isEqualTo(FlushOperation.Status.SUCCEEDED);
  }

  @Test
  void a_flush_sent_again_with_its_idempotency_key_gets_the_same_operation_and_starts_nothing() {
    Api user = newUser();
    Job job = user.submit("{\"command\":[\"true\"]}");
    String key = "flush-" + System.nanoTime();

    FlushOperation first =
        user.post("/api/v1/jobs/flush?scope=all", "", "Idempotency-Key", key)
            .expect(202)
            .as(FlushOperation.class);
    user.awaitOperation(first.id(), TIMEOUT);
    Job later = user.submit("{\"command\":[\"true\"]}");
    Api.Response again =
        user.post("/api/v1/jobs/flush?scope=all", "", "Idempotency-Key", key).expect(200);

    assertThat(again.headers().firstValue("Location").orElse(null))
        .isEqualTo("/api/v1/operations/" + first.id());
    FlushOperation replayed = again.as(FlushOperation.class);
    assertThat(replayed.id()).isEqualTo(first.id());
    assertThat(replayed.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    user.get("/api/v1/jobs/" + job.id()).expect(404);
    user.get("/api/v1/jobs/" + later.id()).expect(200); // the replay flushed nothing
  }

  @Test
  void an_idempotency_key_used_for_another_flush_is_a_conflict_and_one_too_long_is_refused() {
    Api user = newUser();
    String key = "flush-" + System.nanoTime();
    FlushOperation first =
        user.post("/api/v1/jobs/flush?scope=all", "", "Idempotency-Key", key)
            .expect(202)
            .as(FlushOperation.class);

    Api.Response other =
        user.post("/api/v1/jobs/flush?scope=active", "", "Idempotency-Key", key).expect(409);
    assertThat(other.json().get("code").asString()).isEqualTo("conflict");
    assertThat(other.json().get("operation_id").asString()).isEqualTo(first.id());
    // Another user's key of the same text is theirs: it starts their own flush.
    Api someoneElse = newUser();
    FlushOperation theirs =
        someoneElse
            .post("/api/v1/jobs/flush?scope=all", "", "Idempotency-Key", key)
            .expect(202)
            .as(FlushOperation.class);
    assertThat(theirs.id()).isNotEqualTo(first.id());
    Problems.assertRefused(
        user.post("/api/v1/jobs/flush?scope=all", "", "Idempotency-Key", "k".repeat(256)),
        400,
        "validation_failed",
        "Idempotency-Key");
  }

  @Test
  void a_second_flush_while_the_first_runs_is_a_conflict_naming_the_running_one() {
    Api user = newUser();
    Job stubborn = stubbornJob(user);
    FlushOperation first = startFlush(user, "scope=active").expect(202).as(FlushOperation.class);
    // It waits for the stubborn job, which ignores TERM and gets 120 s before KILL.
    awaitCounts(user, first.id(), 1, 0);

    Api.Response second = startFlush(user, "scope=all");
    FlushOperation still =
        user.get("/api/v1/operations/" + first.id() + "?wait=200ms")
            .expect(200)
            .as(FlushOperation.class);

    second.expect(409);
    assertThat(second.json().get("code").asString()).isEqualTo("conflict");
    assertThat(second.json().get("operation_id").asString()).isEqualTo(first.id());
    assertThat(second.json().get("detail").asString()).contains(first.id());
    assertThat(still.status()).isEqualTo(FlushOperation.Status.RUNNING);
    assertThat(still.stopped()).isEqualTo(1);
    // Another user is not held up by it.
    Api other = newUser();
    other.submit("{\"command\":[\"true\"]}");
    assertThat(other.flushAndAwait("scope=all").deleted()).isEqualTo(1);

    kill(stubborn.id());
    FlushOperation end = user.awaitOperation(first.id(), TIMEOUT);
    assertThat(end.status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
    assertThat(end.deleted()).isEqualTo(1);
    user.get("/api/v1/jobs/" + stubborn.id()).expect(404);
    assertThat(user.flushAndAwait("scope=all").status()).isEqualTo(FlushOperation.Status.SUCCEEDED);
  }

  @Test
  void a_flush_bound_to_a_dry_runs_snapshot_never_hits_a_job_submitted_after_it() {
    Api user = newUser();
    List<String> before = submitMany(user, 3, "[\"sleep\",\"300\"]");
    FlushResult dry =
        startFlush(user, "scope=active&dry_run=true").expect(200).as(FlushResult.class);
    Job after = user.submit("{\"command\":[\"sleep\",\"300\"]}");

    FlushOperation end = user.flushAndAwait("scope=active&snapshot=" + dry.snapshot());

    assertThat(dry.snapshot()).isNotBlank();
    assertThat(dry.jobIds()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(end.snapshot()).isEqualTo(dry.snapshot());
    assertThat(end.matched()).isEqualTo(3);
    assertThat(end.deleted()).isEqualTo(3);
    // Not hit: still queued, or running now that the slot the others held is free.
    assertThat(user.job(after.id()).status().isActive()).isTrue();
    // A dry run bound to the same snapshot: what that flush would hit now, which is nothing.
    FlushResult again =
        startFlush(user, "scope=all&dry_run=true&snapshot=" + dry.snapshot())
            .expect(200)
            .as(FlushResult.class);
    assertThat(again.jobIds()).isEmpty();
    assertThat(again.snapshot()).isEqualTo(dry.snapshot());
    user.flushAndAwait("scope=all");
  }

  @Test
  void a_snapshot_or_a_wait_that_is_not_one_is_a_validation_error() {
    Api user = newUser();
    FlushOperation operation = startFlush(user, "scope=all").expect(202).as(FlushOperation.class);

    for (String bad : List.of("nonsense", "czE6KzU", "c1:5", "%EF%BC%95")) {
      Api.Response refused = startFlush(user, "scope=all&snapshot=" + bad).expect(400);
      assertThat(refused.json().get("errors").get(0).get("field").asString())
          .as(bad)
          .isEqualTo("snapshot");
    }
    for (String bad : List.of("soon", "-1", "%2B5", "1h", "%EF%BC%95", "99999999999")) {
      Api.Response refused =
          user.get("/api/v1/operations/" + operation.id() + "?wait=" + bad).expect(400);
      assertThat(refused.json().get("errors").get(0).get("field").asString())
          .as(bad)
          .isEqualTo("wait");
    }
    // Longer than the service allows: cut to it, not refused (the flush has ended by then).
    assertThat(
            user.get("/api/v1/operations/" + operation.id() + "?wait=10m")
                .expect(200)
                .as(FlushOperation.class)
                .status())
        .isEqualTo(FlushOperation.Status.SUCCEEDED);
  }

  @Test
  void an_ended_operation_is_removed_once_it_is_older_than_keep_finished() throws Exception {
    try (JobkitServer own = JobkitServer.start("--jobkit.flush.keep-finished=1s")) {
      Api user = own.newUser("keeper", "serial");
      user.submit("{\"command\":[\"true\"]}");
      FlushOperation ended = user.flushAndAwait("scope=all");
      user.get("/api/v1/operations/" + ended.id()).expect(200);

      // Old ones are removed when the service starts (and every minute or more while it runs).
      await()
          .atMost(TIMEOUT)
          .until(() -> java.time.Instant.now().isAfter(ended.finishedAt().plusSeconds(1)));
      own.restart();

      Api.Response gone = user.at(own.baseUrl()).get("/api/v1/operations/" + ended.id());
      gone.expect(404);
      assertThat(gone.json().get("code").asString()).isEqualTo("not_found");
    }
  }

  @Test
  void a_restart_during_a_flush_leaves_no_operation_running() throws Exception {
    try (JobkitServer own = JobkitServer.start("--jobkit.executor.stop-grace-period=120s")) {
      Api user = own.newUser("restarter", "serial");
      Job stubborn = stubbornJob(user);
      List<String> queued = submitMany(user, 20, "[\"true\"]");
      FlushOperation operation =
          startFlush(user, "scope=active").expect(202).as(FlushOperation.class);
      awaitCounts(user, operation.id(), 21, 20);

      own.restart();
      Api again = user.at(own.baseUrl());
      FlushOperation after =
          again.get("/api/v1/operations/" + operation.id()).expect(200).as(FlushOperation.class);

      assertThat(after.status()).isEqualTo(FlushOperation.Status.INTERRUPTED);
      assertThat(after.statusReason()).contains("stopped before the flush ended");
      assertThat(after.finishedAt()).isNotNull();
      assertThat(after.matched()).isEqualTo(21);
      assertThat(after.stopped()).isEqualTo(21);
      assertThat(after.deleted()).isEqualTo(20);
      again.get("/api/v1/jobs/" + queued.get(0)).expect(404);
      // The stopped job ended with the service's processes; a new flush may start.
      again.awaitStatus(stubborn.id(), JobStatus::isTerminal, TIMEOUT);
      assertThat(again.flushAndAwait("scope=all").status())
          .isEqualTo(FlushOperation.Status.SUCCEEDED);

      // A service that died without stopping its flushes left them running in the database.
      own.stop();
      String url = "jdbc:h2:file:" + own.dataDir().resolve("db").resolve("jobkit");
      try (Connection db = DriverManager.getConnection(url, "sa", "");
          PreparedStatement back =
              db.prepareStatement(
                  "UPDATE flush_operations SET status = 'RUNNING', status_reason = NULL,"
                      + " finished_at = NULL WHERE id = ?")) {
        back.setString(1, operation.id());
        assertThat(back.executeUpdate()).isEqualTo(1);
      }
      own.restart();
      FlushOperation recovered =
          user.at(own.baseUrl())
              .get("/api/v1/operations/" + operation.id())
              .expect(200)
              .as(FlushOperation.class);
      assertThat(recovered.status()).isEqualTo(FlushOperation.Status.INTERRUPTED);
      assertThat(recovered.statusReason()).contains("restarted before the flush ended");
    }
  }
}
