package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.tools.registry.Schemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server end to end with the official TypeScript SDK client ({@code
 * src/test/node/session.mjs}, installed by the build with {@code npm ci}): scripted sessions that
 * list the tools, submit, get and stop a job, with and without elicitation.
 */
class McpTypeScriptClientIT {

  static JobkitServer server;
  static JobkitClient admin;

  @BeforeAll
  static void start() {
    server = JobkitServer.start("--jobkit.executor.slots=4");
    admin = JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(JobkitServer.ADMIN_KEY).build();
  }

  @AfterAll
  static void stop() {
    admin.close();
    server.close();
  }

  @AfterEach
  void cleanUp() {
    admin.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  /** Runs one scripted session and returns its transcript. */
  private JsonNode session(String scenario) throws IOException, InterruptedException {
    Path gate = Files.createTempDirectory("gates").resolve("gate");
    ProcessBuilder builder =
        new ProcessBuilder("node", "session.mjs", scenario, gate.toString())
            .directory(Path.of("src/test/node").toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("MCP_SERVER_COMMAND", ServerCommand.java());
    builder
        .environment()
        .put("MCP_SERVER_ARGS", Schemas.JSON.writeValueAsString(ServerCommand.args()));
    builder.environment().put("JOBKIT_URL", server.baseUrl());
    builder.environment().put("JOBKIT_API_KEY", JobkitServer.ADMIN_KEY);
    Process node = builder.start();
    byte[] out = node.getInputStream().readAllBytes();
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).as("the session ended").isTrue();
    assertThat(node.exitValue()).as("node's exit code").isZero();
    String text = new String(out, StandardCharsets.UTF_8).strip();
    return Schemas.JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
  }

  private static List<JsonNode> callsOf(JsonNode transcript, String tool) {
    List<JsonNode> calls = new ArrayList<>();
    transcript
        .get("steps")
        .forEach(
            s -> {
              if (s.get("name").asString().equals(tool)) {
                calls.add(s);
              }
            });
    return calls;
  }

  @Test
  void with_elicitation_the_accepted_stop_ends_the_job_canceled() throws Exception {
    JsonNode transcript = session("elicit-accept");

    JsonNode stop =
        transcript
            .get("tools")
            .valueStream()
            .filter(t -> t.get("name").asString().equals("stop_job"))
            .findFirst()
            .orElseThrow();
    assertThat(stop.get("annotations").get("destructiveHint").asBoolean()).isTrue();
    assertThat(stop.get("hasOutputSchema").asBoolean()).isTrue();
    List<JsonNode> stops = callsOf(transcript, "stop_job");
    assertThat(stops).hasSize(2);
    assertThat(stops.get(0).get("result").get("status").asString())
        .isEqualTo("confirmation_required");
    assertThat(stops.get(1).get("result").get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(stops.get(1).get("result").get("final_status").asString()).isEqualTo("CANCELED");
    assertThat(transcript.get("elicitations")).hasSize(1);
    assertThat(
            callsOf(transcript, "get_job").get(1).get("result").get("job").get("status").asString())
        .isEqualTo("CANCELED");
    assertThat(admin.jobs().get(transcript.get("job_id").asString()).status())
        .isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void with_elicitation_the_declined_stop_leaves_the_job_running() throws Exception {
    JsonNode transcript = session("elicit-decline");

    List<JsonNode> stops = callsOf(transcript, "stop_job");
    assertThat(stops).hasSize(2);
    assertThat(stops.get(1).get("isError").asBoolean()).isTrue();
    assertThat(stops.get(1).get("result").get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(transcript.get("elicitations")).hasSize(1);
    assertThat(admin.jobs().get(transcript.get("job_id").asString()).status())
        .isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void without_elicitation_the_stop_is_refused_and_the_job_keeps_running() throws Exception {
    JsonNode transcript = session("no-elicit");

    List<JsonNode> stops = callsOf(transcript, "stop_job");
    assertThat(stops)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.get("isError").asBoolean()).isTrue();
              assertThat(s.get("result").get("reason").asString())
                  .isEqualTo("confirmation_unavailable");
            });
    assertThat(admin.jobs().get(transcript.get("job_id").asString()).status())
        .isEqualTo(JobStatus.RUNNING);
  }
}
