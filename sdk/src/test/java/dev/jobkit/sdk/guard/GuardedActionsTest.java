package dev.jobkit.sdk.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.RetryPolicy;
import dev.jobkit.sdk.ScriptedServer;
import dev.jobkit.sdk.ScriptedServer.Answer;
import dev.jobkit.sdk.ScriptedServer.Received;
import dev.jobkit.sdk.ServerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prompts of the guarded actions against a scripted service: what is read to make them, the
 * clock they are measured on, and what happens when the job's events cannot be read.
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
}
