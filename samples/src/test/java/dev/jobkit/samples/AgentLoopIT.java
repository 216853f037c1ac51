package dev.jobkit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.tools.executor.ToolResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The agent loop sample against a real service: the conversation it prints and what it does. The
 * agent acts for the class's user on the test JVM's shared service.
 */
class AgentLoopIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient client;

  @BeforeAll
  static void connect() {
    client =
        service.closeAfterAll(
            JobkitClient.builder()
                .baseUrl(service.server().baseUrl())
                .apiKey(service.userKey())
                .actingAsAgent()
                .build());
  }

  @AfterEach
  void nothingLeftRunning() {
    client.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  @Test
  void the_loop_runs_and_stops_the_job_each_once_the_human_says_yes() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<Precheck> asked = new ArrayList<>();

    ToolResult last =
        AgentLoop.run(
            client, p -> asked.add(p), new PrintStream(printed, true, StandardCharsets.UTF_8));

    String conversation = printed.toString(StandardCharsets.UTF_8);
    assertThat(conversation)
        .contains("model> whoami {}")
        .contains("model> submit_job")
        .contains("\"status\":\"confirmation_required\"")
        .contains("untrusted-job-output")
        .contains("\"outcome\":\"APPLIED\"");
    assertThat(asked).extracting(Precheck::action).containsExactly("submit", "stop");
    assertThat(asked).allSatisfy(p -> assertThat(p.prompt()).contains("agent-demo"));
    String id = last.content().get("precheck").get("job_id").asString();
    assertThat(client.jobs().get(id).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void when_the_human_says_no_nothing_runs() {
    JobQuery own = JobQuery.builder().owner(service.userName()).build();
    long before = client.jobs().listAll(own).count();

    ToolResult last =
        AgentLoop.run(
            client,
            Confirmers.denyAll(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(last.isError()).isTrue();
    assertThat(last.content().get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(last.content().get("precheck").get("action").asString()).isEqualTo("submit");
    assertThat(client.jobs().listAll(own).count()).isEqualTo(before);
  }

  @Test
  void when_the_human_stops_only_the_stop_the_job_keeps_running() {
    List<Precheck> asked = new ArrayList<>();

    ToolResult last =
        AgentLoop.run(
            client,
            p -> asked.add(p) && p.action().equals("submit"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

    assertThat(last.content().get("outcome").asString()).isEqualTo("DECLINED");
    String id = last.content().get("precheck").get("job_id").asString();
    assertThat(client.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }
}
