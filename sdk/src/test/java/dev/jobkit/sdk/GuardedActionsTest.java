package dev.jobkit.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.ScriptedServer.Received;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guarded actions against a scripted service: what is read to make the prompts, the clock they
 * are measured on, what happens when the job's events cannot be read, the status a stop or delete
 * names for the service to check, and how often a changing request goes out when its answer is
 * lost.
 */
class GuardedActionsTest {

  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final String ID = "job_01m852djtvmz9twen90hneqkjw";

  private static String job(String status) {
    return "{\"id\":\""
        + ID
        + "\",\"display_name\":\"tmp-scratch-test\",\"owner\":\"alice\",\"status\":\""
        + status
        + "\",\"priority\":5,\"accessibility\":\"PRIVATE\",\"pod_count\":1,\"max_attempts\":1,"
        + "\"attempt\":1,\"created_at\":\"2026-11-23T09:00:00Z\"}";
  }

  private static final String EVENTS =
      "[{\"id\":1,\"job_id\":\""
          + ID
          + "\",\"from_status\":null,\"to_status\":\"QUEUED\",\"at\":\"2026-11-23T09:00:00Z\","
          + "\"actor\":\"alice\",\"actor_kind\":\"user\",\"reason\":null},"
          + "{\"id\":9,\"job_id\":\""
          + ID
          + "\",\"kind\":\"renamed\",\"from_status\":\"RUNNING\",\"to_status\":\"RUNNING\","
          + "\"at\":\"2026-11-23T11:56:00Z\",\"actor\":\"alice\",\"actor_kind\":\"agent\","
          + "\"reason\":\"renamed from \\\"prod-db-migration\\\" to \\\"tmp-scratch-test\\\"\","
          + "\"old_value\":\"prod-db-migration\",\"new_value\":\"tmp-scratch-test\"}]";

  private static GuardedActions guarded(JobkitClient client, Confirmer confirmer) {
    return new GuardedActions(
        client, confirmer, Duration.ofSeconds(1), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static JobkitClient client(ScriptedServer server) {
    return JobkitClient.builder().baseUrl(server.url()).retry(RetryPolicy.none()).build();
  }

  /** A client that retries what may be retried, at once: a changing request must still go once. */
  private static JobkitClient retrying(ScriptedServer server) {
    return JobkitClient.builder()
        .baseUrl(server.url())
        .retry(RetryPolicy.defaults().withBackoff(Duration.ZERO, Duration.ZERO))
        .build();
  }

  private static Answer invalidState(JobStatus current) {
    return new Answer(
        409,
        Map.of("Content-Type", "application/problem+json"),
        "{\"status\":409,\"code\":\"invalid_state\",\"detail\":\"scripted\","
            + "\"current_status\":\""
            + current
            + "\"}");
  }

  private static Answer flushed(boolean dryRun, String... ids) {
    String list = ids.length == 0 ? "" : "\"" + String.join("\",\"", ids) + "\"";
    return Answer.json(
        200,
        "{\"scope\":\"active\",\"dry_run\":"
            + dryRun
            + ",\"matched\":"
            + ids.length
            + ",\"stopped\":0,\"deleted\":"
            + (dryRun ? 0 : ids.length)
            + ",\"job_ids\":["
            + list
            + "],\"skipped\":[],\"preview\":[]}");
  }

  private static final String SNAPSHOT = "czE6NDI";

  /** A dry run answer with the snapshot {@link #SNAPSHOT}. */
  private static Answer dryRun(String... ids) {
    String list = ids.length == 0 ? "" : "\"" + String.join("\",\"", ids) + "\"";
    return Answer.json(
        200,
        "{\"scope\":\"active\",\"dry_run\":true,\"matched\":"
            + ids.length
            + ",\"stopped\":0,\"deleted\":0,\"job_ids\":["
            + list
            + "],\"skipped\":[],\"preview\":[],\"snapshot\":\""
            + SNAPSHOT
            + "\"}");
  }

  /** A flush operation as the service answers it (202 when it was just started). */
  private static Answer operation(
      int httpStatus, String status, int matched, int deleted, String... skipped) {
    StringBuilder skippedJson = new StringBuilder();
    for (String id : skipped) {
      skippedJson
          .append(skippedJson.length() == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(id)
          .append("\",\"status\":\"CANCEL_REQUESTED\",\"reason\":\"still stopping\"}");
    }
    return Answer.json(
        httpStatus,
        "{\"id\":\"flush_01\",\"status\":\""
            + status
            + "\",\"status_reason\":"
            + (status.equals("interrupted") ? "\"the service stopped\"" : "null")
            + ",\"requested_by\":\"alice\",\"scope\":\"active\",\"owner\":null,"
            + "\"purge_artifacts\":true,\"force\":false,\"snapshot\":\""
            + SNAPSHOT
            + "\",\"matched\":"
            + matched
            + ",\"stopped\":"
            + matched
            + ",\"deleted\":"
            + deleted
            + ",\"removed_models\":0,\"removed_results\":0"
            + ",\"skipped_count\":"
            + skipped.length
            + ",\"skipped\":["
            + skippedJson
            + "],\"preview\":[],\"created_at\":\"2026-11-23T12:00:00Z\","
            + "\"updated_at\":\"2026-11-23T12:00:00Z\",\"finished_at\":null}");
  }

  /** The reads of the flush operation (its follow). */
  private static List<Received> follows(ScriptedServer server) {
    return server.received().stream()
        .filter(r -> r.path().startsWith("/api/v1/operations/flush_01"))
        .toList();
  }

  /** The flush requests that change state (not dry runs). */
  private static List<Received> changingFlushes(ScriptedServer server) {
    return server.received().stream()
        .filter(
            r -> r.path().startsWith("/api/v1/jobs/flush") && r.path().contains("dry_run=false"))
        .toList();
  }

  private static List<String> requests(ScriptedServer server) {
    return server.received().stream().map(r -> r.method() + " " + r.path()).toList();
  }

  @Test
  void a_stop_reads_the_job_and_its_events_and_asks_with_the_age_and_the_old_name() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(Answer.json(200, job("RUNNING")), Answer.json(200, EVENTS));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> asked.add(p) && false).stop(ID);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.DECLINED);
      assertThat(requests(server))
          .containsExactly("GET /api/v1/jobs/" + ID, "GET /api/v1/jobs/" + ID + "/events");
    }
    assertThat(asked)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.prompt())
                  .startsWith(
                      "Job "
                          + ID
                          + " \"tmp-scratch-test\" (owner alice, submitted 3 h ago; renamed from"
                          + " \"prod-db-migration\" 4 min ago) is currently RUNNING.");
              assertThat(p.renamedFrom()).isEqualTo("prod-db-migration");
            });
  }

  @Test
  void when_the_events_cannot_be_read_the_stop_fails_before_asking_and_sends_no_stop() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(Answer.json(200, job("RUNNING")), Answer.problem(500, "internal"));
        JobkitClient client = client(server)) {

      assertThatThrownBy(() -> guarded(client, asked::add).stop(ID))
          .isInstanceOf(ServerException.class);

      assertThat(asked).isEmpty();
      assertThat(server.received()).extracting(Received::method).containsOnly("GET");
    }
  }

  @Test
  void when_the_events_cannot_be_read_a_delete_fails_before_asking_and_sends_no_delete() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("SUCCEEDED")), Answer.problem(500, "internal"));
        JobkitClient client = client(server)) {

      assertThatThrownBy(() -> guarded(client, asked::add).delete(ID))
          .isInstanceOf(ServerException.class);

      assertThat(asked).isEmpty();
      assertThat(server.received()).extracting(Received::method).containsOnly("GET");
    }
  }

  @Test
  void a_stop_of_a_job_that_is_not_there_is_not_found_and_asks_and_sends_nothing() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server = new ScriptedServer(Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, asked::add).stop(ID);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.NOT_FOUND);
      assertThat(outcome.confirmed()).isFalse();
      assertThat(outcome.executed()).isFalse();
      assertThat(outcome.verified()).isFalse();
      assertThat(outcome.precheck()).isNull();
      assertThat(outcome.finalStatus()).isNull();
      assertThat(outcome.message()).contains(ID);
      assertThat(asked).isEmpty();
      assertThat(requests(server)).containsExactly("GET /api/v1/jobs/" + ID);
    }
  }

  @Test
  void a_delete_of_a_job_that_is_not_there_is_not_found_and_asks_and_sends_nothing() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server = new ScriptedServer(Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, asked::add).delete(ID, false);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.NOT_FOUND);
      assertThat(outcome.confirmed()).isFalse();
      assertThat(outcome.executed()).isFalse();
      assertThat(outcome.verified()).isFalse();
      assertThat(outcome.precheck()).isNull();
      assertThat(outcome.message()).contains(ID);
      assertThat(asked).isEmpty();
      assertThat(requests(server)).containsExactly("GET /api/v1/jobs/" + ID);
    }
  }

  @Test
  void a_delete_whose_job_cannot_be_read_for_another_reason_fails_before_asking() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server = new ScriptedServer(Answer.problem(500, "internal"));
        JobkitClient client = client(server)) {

      assertThatThrownBy(() -> guarded(client, asked::add).delete(ID))
          .isInstanceOf(ServerException.class);

      assertThat(asked).isEmpty();
      assertThat(server.received()).extracting(Received::method).containsOnly("GET");
    }
  }

  @Test
  void the_pre_checks_themselves_still_throw_for_a_job_that_is_not_there() {
    try (ScriptedServer server =
            new ScriptedServer(Answer.problem(404, "not_found"), Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {
      GuardedActions guarded = guarded(client, p -> true);

      assertThatThrownBy(() -> guarded.precheckStop(ID)).isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> guarded.precheckDelete(ID, true))
          .isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void a_stop_names_the_status_its_pre_check_saw_and_a_job_that_ended_meanwhile_is_a_lost_race() {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("RUNNING")),
                Answer.json(200, EVENTS),
                invalidState(JobStatus.SUCCEEDED));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).stop(ID);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.RACE_LOST);
      assertThat(outcome.executed()).isFalse();
      assertThat(outcome.finalStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(requests(server))
          .containsExactly(
              "GET /api/v1/jobs/" + ID,
              "GET /api/v1/jobs/" + ID + "/events",
              "POST /api/v1/jobs/" + ID + "/stop?expected_status=RUNNING");
    }
  }

  @Test
  void a_job_that_moved_on_to_a_state_a_stop_ends_the_same_way_is_stopped_there_without_asking() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("RUNNING")),
                Answer.json(200, EVENTS),
                invalidState(JobStatus.RUN_DONE),
                invalidState(JobStatus.SUCCEEDED));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, asked::add).stop(ID);

      assertThat(asked).hasSize(1);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.RACE_LOST);
      assertThat(requests(server))
          .filteredOn(r -> r.startsWith("POST"))
          .containsExactly(
              "POST /api/v1/jobs/" + ID + "/stop?expected_status=RUNNING",
              "POST /api/v1/jobs/" + ID + "/stop?expected_status=RUN_DONE");
    }
  }

  @Test
  void a_queued_job_that_started_running_before_the_stop_is_pre_checked_and_asked_about_again() {
    List<JobStatus> askedIn = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("QUEUED")),
                Answer.json(200, EVENTS),
                invalidState(JobStatus.RUNNING),
                Answer.json(200, job("RUNNING")),
                Answer.json(200, EVENTS),
                invalidState(JobStatus.SUCCEEDED));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> askedIn.add(p.status())).stop(ID);

      assertThat(askedIn).containsExactly(JobStatus.QUEUED, JobStatus.RUNNING);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.RACE_LOST);
      assertThat(requests(server))
          .filteredOn(r -> r.startsWith("POST"))
          .containsExactly(
              "POST /api/v1/jobs/" + ID + "/stop?expected_status=QUEUED",
              "POST /api/v1/jobs/" + ID + "/stop?expected_status=RUNNING");
    }
  }

  @Test
  void a_job_that_is_gone_when_it_is_pre_checked_again_after_the_yes_is_a_lost_race() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("QUEUED")),
                Answer.json(200, EVENTS),
                invalidState(JobStatus.RUNNING),
                Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, asked::add).stop(ID);

      assertThat(asked).hasSize(1);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.RACE_LOST);
      assertThat(outcome.confirmed()).isTrue();
      assertThat(outcome.executed()).isFalse();
      assertThat(outcome.precheck().status()).isEqualTo(JobStatus.QUEUED);
      assertThat(requests(server))
          .filteredOn(r -> r.startsWith("POST"))
          .containsExactly("POST /api/v1/jobs/" + ID + "/stop?expected_status=QUEUED");
    }
  }

  @Test
  void a_delete_names_the_status_its_pre_check_saw() {
    try (ScriptedServer server =
            new ScriptedServer(
                Answer.json(200, job("FAILED")),
                Answer.json(200, EVENTS),
                Answer.json(
                    200,
                    "{\"id\":\""
                        + ID
                        + "\",\"deleted\":true,\"removed_models\":1,\"removed_results\":2}"),
                Answer.problem(404, "not_found"));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).delete(ID);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(outcome.deletion().removedModels()).isEqualTo(1);
      assertThat(outcome.deletion().removedResults()).isEqualTo(2);
      assertThat(outcome.message())
          .isEqualTo("deleted job " + ID + " with 1 model and 2 result records");
      assertThat(requests(server))
          .contains("DELETE /api/v1/jobs/" + ID + "?purge_artifacts=true&expected_status=FAILED");
    }
  }

  @Test
  void a_flush_answered_503_is_sent_again_with_the_same_key_and_followed_to_the_one_operation() {
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a", "job_b"),
                dryRun("job_a", "job_b"),
                Answer.problem(503, "unavailable"),
                operation(200, "succeeded", 2, 2),
                dryRun());
        JobkitClient client = retrying(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(outcome.verified()).isTrue();
      assertThat(outcome.operation().id()).isEqualTo("flush_01");
      List<Received> sent = changingFlushes(server);
      assertThat(sent).hasSize(2);
      assertThat(sent.get(0).header("Idempotency-Key")).isNotBlank();
      assertThat(sent.get(1).header("Idempotency-Key"))
          .isEqualTo(sent.get(0).header("Idempotency-Key"));
    }
  }

  @Test
  void a_flush_whose_connection_drops_is_sent_again_with_the_same_key() {
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a"),
                dryRun("job_a"),
                Answer.drop(),
                operation(200, "succeeded", 1, 1),
                dryRun());
        JobkitClient client = retrying(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(changingFlushes(server))
          .hasSize(2)
          .extracting(r -> r.header("Idempotency-Key"))
          .doesNotContainNull()
          .containsOnly(changingFlushes(server).get(0).header("Idempotency-Key"));
    }
  }

  @Test
  void two_flushes_carry_two_keys() {
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a"),
                dryRun("job_a"),
                operation(202, "succeeded", 1, 1),
                dryRun(),
                dryRun("job_a"),
                dryRun("job_a"),
                operation(202, "succeeded", 1, 1),
                dryRun());
        JobkitClient client = client(server)) {

      guarded(client, p -> true).flush(FlushScope.ACTIVE);
      guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(changingFlushes(server))
          .extracting(r -> r.header("Idempotency-Key"))
          .doesNotHaveDuplicates()
          .hasSize(2);
    }
  }

  @Test
  void a_flush_whose_every_answer_is_lost_is_applied_when_its_jobs_are_gone() {
    try (ScriptedServer server =
            new ScriptedServer(
                flushed(true, "job_a", "job_b"),
                flushed(true, "job_a", "job_b"),
                Answer.problem(503, "unavailable"),
                flushed(true));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(changingFlushes(server)).hasSize(1);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(outcome.verified()).isTrue();
      assertThat(outcome.message()).contains("answer was lost").contains("none of them is left");
    }
  }

  @Test
  void a_flush_whose_every_answer_is_lost_and_whose_jobs_are_all_still_there_is_reported_failed() {
    try (ScriptedServer server =
            new ScriptedServer(
                flushed(true, "job_a", "job_b"),
                flushed(true, "job_a", "job_b"),
                Answer.problem(503, "unavailable"),
                flushed(true, "job_a", "job_b"));
        JobkitClient client = client(server)) {

      assertThatThrownBy(() -> guarded(client, p -> true).flush(FlushScope.ACTIVE))
          .isInstanceOf(ServerException.class);

      assertThat(changingFlushes(server)).hasSize(1);
    }
  }

  @Test
  void a_flush_whose_connection_drops_is_reported_failed_when_nothing_shows_it_landed() {
    try (ScriptedServer server =
            new ScriptedServer(
                flushed(true, "job_a", "job_b"),
                flushed(true, "job_a", "job_b"),
                Answer.drop(),
                flushed(true, "job_a", "job_b"));
        JobkitClient client = client(server)) {

      assertThatThrownBy(() -> guarded(client, p -> true).flush(FlushScope.ACTIVE))
          .isInstanceOf(TransportException.class);

      assertThat(changingFlushes(server)).hasSize(1);
    }
  }

  @Test
  void a_flush_whose_connection_drops_after_it_landed_is_verified_by_its_jobs() {
    try (ScriptedServer server =
            new ScriptedServer(
                flushed(true, "job_a", "job_b"),
                flushed(true, "job_a", "job_b"),
                Answer.drop(),
                flushed(true, "job_b"),
                flushed(true));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(changingFlushes(server)).hasSize(1);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(outcome.flush()).isNull();
    }
  }

  @Test
  void a_flush_of_one_owner_sends_the_owner_with_its_dry_runs_and_with_the_flush() {
    List<Precheck> asked = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a"), dryRun("job_a"), operation(202, "succeeded", 1, 1), dryRun());
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, asked::add).flush(FlushScope.ALL, "carol", true, false);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(server.received())
          .hasSize(4)
          .allSatisfy(r -> assertThat(r.path()).contains("owner=carol"));
      assertThat(changingFlushes(server)).hasSize(1);
      assertThat(asked)
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.owner()).isEqualTo("carol");
                assertThat(p.prompt()).startsWith("Flushing all jobs of carol stops every");
              });
    }
  }

  @Test
  void a_flush_is_sent_once_bound_to_its_dry_runs_snapshot_and_followed_until_it_ends() {
    List<String> seen = new ArrayList<>();
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a", "job_b"),
                dryRun("job_a", "job_b"),
                operation(202, "running", 2, 0),
                operation(200, "running", 2, 1),
                operation(200, "succeeded", 2, 2),
                dryRun());
        JobkitClient client = client(server)) {

      Outcome outcome =
          guarded(client, p -> true)
              .onFlushProgress(op -> seen.add(op.status().wireName() + " " + op.deleted()))
              .flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(outcome.verified()).isTrue();
      assertThat(outcome.message()).isEqualTo("flushed 2 job(s)");
      assertThat(outcome.operation().id()).isEqualTo("flush_01");
      assertThat(outcome.flush().deleted()).isEqualTo(2);
      assertThat(outcome.flush().jobIds()).containsExactly("job_a", "job_b");
      assertThat(seen).containsExactly("running 0", "running 1", "succeeded 2");
      assertThat(changingFlushes(server))
          .singleElement()
          .satisfies(r -> assertThat(r.path()).contains("snapshot=" + SNAPSHOT));
      assertThat(follows(server))
          .hasSize(2)
          .allSatisfy(r -> assertThat(r.path()).matches(".*\\?wait=[0-9]+ms"));
      // The verification: a dry run bound to the same snapshot, which finds nothing left.
      assertThat(requests(server).get(requests(server).size() - 1))
          .contains("dry_run=true")
          .contains("snapshot=" + SNAPSHOT);
    }
  }

  @Test
  void a_flush_whose_follow_is_answered_503_is_still_sent_once_and_followed_to_its_end() {
    try (ScriptedServer server =
            new ScriptedServer(
                dryRun("job_a"),
                dryRun("job_a"),
                operation(202, "running", 1, 0),
                Answer.problem(503, "unavailable"),
                Answer.drop(),
                operation(200, "succeeded", 1, 1),
                dryRun());
        JobkitClient client = retrying(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.APPLIED);
      assertThat(changingFlushes(server)).hasSize(1);
      assertThat(follows(server)).hasSize(3);
    }
  }

  @Test
  void a_flush_still_running_when_the_verify_timeout_ends_is_unverified_and_names_its_operation() {
    try (ScriptedServer server =
            new ScriptedServer(dryRun("job_a"), dryRun("job_a"), operation(202, "running", 1, 0));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.UNVERIFIED);
      assertThat(outcome.executed()).isTrue();
      assertThat(outcome.operation().done()).isFalse();
      assertThat(outcome.message())
          .contains("flush_01 is still running")
          .contains("/api/v1/operations/flush_01");
      assertThat(changingFlushes(server)).hasSize(1);
    }
  }

  @Test
  void a_flush_that_was_interrupted_or_left_jobs_behind_is_unverified() {
    try (ScriptedServer interrupted =
            new ScriptedServer(
                dryRun("job_a"), dryRun("job_a"), operation(202, "interrupted", 1, 0));
        JobkitClient client = client(interrupted)) {
      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.UNVERIFIED);
      assertThat(outcome.message()).contains("ended interrupted (the service stopped)");
    }
    try (ScriptedServer behind =
            new ScriptedServer(
                dryRun("job_a", "job_b"),
                dryRun("job_a", "job_b"),
                operation(202, "succeeded", 2, 1, "job_b"),
                dryRun("job_a", "job_b"));
        JobkitClient client = client(behind)) {
      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.UNVERIFIED);
      // job_b is named as skipped; job_a should be gone and is not.
      assertThat(outcome.message()).contains("1 of its jobs are still there: [job_a]");
    }
    try (ScriptedServer skipped =
            new ScriptedServer(
                dryRun("job_a", "job_b"),
                dryRun("job_a", "job_b"),
                operation(202, "succeeded", 2, 1, "job_b"),
                dryRun("job_b"));
        JobkitClient client = client(skipped)) {
      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);
      assertThat(outcome.kind()).isEqualTo(OutcomeKind.UNVERIFIED);
      assertThat(outcome.message()).contains("1 survived").contains("job_b");
      assertThat(outcome.flush().skipped()).hasSize(1);
    }
  }

  @Test
  void a_flush_without_an_owner_sends_no_owner_parameter() {
    try (ScriptedServer server = new ScriptedServer(flushed(true));
        JobkitClient client = client(server)) {

      Outcome outcome = guarded(client, p -> true).flush(FlushScope.ACTIVE);

      assertThat(outcome.kind()).isEqualTo(OutcomeKind.NOT_ALLOWED_IN_STATE);
      assertThat(server.received())
          .singleElement()
          .satisfies(r -> assertThat(r.path()).doesNotContain("owner"));
    }
  }
}
