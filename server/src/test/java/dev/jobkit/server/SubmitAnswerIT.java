package dev.jobkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobEvent;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Api;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitService;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A submission answers with the job as it was stored, field for field what a read shows while the
 * job waits: a queued job's answer is built from what its insert wrote (not read back), a job that
 * waits for parents is read. The user is serial and busy, so every job here stays queued.
 */
class SubmitAnswerIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  private static final String APP =
      """
      {"description": "writes its arguments",
       "command": ["echo", "{text}", "--times={times}", "--rate={rate}"],
       "parameters": {"type": "object", "required": ["text"],
         "properties": {"text": {"type": "string"},
                        "times": {"type": "integer", "default": 3},
                        "rate": {"type": "number", "default": 0.0001},
                        "extra": {"type": "object"}}},
       "defaults": {"priority": 7, "max_attempts": 2}}
      """;

  static Api user;
  static Gates gates;
  static Job busy;

  @BeforeAll
  static void holdTheUser() {
    user = service.newUser("answer", "serial");
    gates = Gates.create();
    busy = user.submitShell(gates.script("busy"));
    user.awaitStatus(busy.id(), JobStatus.RUNNING);
  }

  @AfterAll
  static void release() throws Exception {
    gates.open("busy");
    user.awaitEnd(busy.id());
    gates.close();
  }

  /** The answer, and the job read right after, as JSON trees. */
  private static void assertReadShowsTheAnswer(JsonNode answer) {
    String id = answer.get("id").asText();
    JsonNode read = user.get("/api/v1/jobs/" + id).expect(200).json();
    assertThat(answer).isEqualTo(read);
  }

  @Test
  void a_queued_jobs_answer_is_what_a_read_shows() {
    JsonNode answer =
        user.post(
                "/api/v1/jobs",
                """
                {"command": ["printf", "%%s\\n", "ünï ☃", "--flag"],
                 "display_name": "answer-%s", "description": "a job with every field",
                 "priority": 3, "timeout_seconds": 600, "max_attempts": 4, "pod_count": 2,
                 "env": {"B_VAR": "2", "A_VAR": "1 ☃"}, "tags": {"team": "x", "a": "b"}}
                """
                    .formatted(UUID.randomUUID()))
            .expect(201)
            .json();

    assertThat(answer.get("status").asText()).isEqualTo("QUEUED");
    assertReadShowsTheAnswer(answer);
    List<JobEvent> events = user.events(answer.get("id").asText());
    assertThat(events.get(0).toStatus()).isEqualTo(JobStatus.QUEUED);
    assertThat(events.get(0).at()).isEqualTo(user.job(answer.get("id").asText()).createdAt());
  }

  @Test
  void a_shell_job_and_a_keyed_submission_answer_as_a_read_shows() {
    assertReadShowsTheAnswer(
        user.post("/api/v1/jobs", "{\"shell\": \"echo 'a' && true\"}").expect(201).json());
    assertReadShowsTheAnswer(
        user.post(
                "/api/v1/jobs",
                "{\"command\": [\"true\"]}",
                "Idempotency-Key",
                UUID.randomUUID().toString())
            .expect(201)
            .json());
  }

  @Test
  void an_app_jobs_answer_holds_its_parameters_with_their_defaults_as_a_read_shows() {
    String app = "answer-" + UUID.randomUUID().toString().substring(0, 8);
    service.admin().put("/api/v1/apps/" + app, APP).expect(200);

    JsonNode answer =
        user.post(
                "/api/v1/jobs",
                """
                {"app": "%s", "parameters": {"text": "hi", "extra": {"n": 1.5, "big": 12345678901234,
                 "list": [1, "two", null, true]}}}
                """
                    .formatted(app))
            .expect(201)
            .json();

    assertThat(answer.at("/parameters/times").asInt()).isEqualTo(3);
    assertReadShowsTheAnswer(answer);
  }

  @Test
  void a_batchs_answers_are_what_reads_show_queued_or_waiting_for_parents() {
    JsonNode answers =
        user.post(
                "/api/v1/jobs/batch",
                """
                {"jobs": [{"ref": "a", "command": ["true"], "tags": {"k": "v"}},
                          {"ref": "b", "shell": "true", "parents": ["a"]},
                          {"command": ["true"], "env": {"X": "y"}}]}
                """)
            .expect(201)
            .json()
            .get("items");

    assertThat(answers).hasSize(3);
    assertThat(answers.get(0).get("status").asText()).isEqualTo("QUEUED");
    assertThat(answers.get(1).get("status").asText()).isEqualTo("AWAITING_PARENTS");
    for (JsonNode answer : answers) {
      assertReadShowsTheAnswer(answer);
    }
  }
}
