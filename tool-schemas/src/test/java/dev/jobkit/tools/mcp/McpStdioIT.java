package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.tools.registry.Schemas;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The server process's own contract: JSON-RPC only on stdout, a clean exit when stdin ends. */
class McpStdioIT {

  static JobkitServer server;

  @BeforeAll
  static void start() {
    server = JobkitServer.start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void stdout_carries_only_json_rpc_and_the_server_exits_0_when_stdin_closes() throws Exception {
    Process process = startServer();
    try (OutputStream in = process.getOutputStream()) {
      initialize(in);
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
              + "{\"name\":\"whoami\",\"arguments\":{}}}");
      List<JsonNode> answers = new ArrayList<>();
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      while (answers.size() < 3) {
        String line = out.readLine();
        assertThat(line).as("stdout ended early").isNotNull();
        JsonNode message = Schemas.JSON.readTree(line);
        assertThat(message.get("jsonrpc").asString()).as(line).isEqualTo("2.0");
        answers.add(message);
      }
      assertThat(answers.get(1).get("result").get("tools")).hasSize(11);
      assertThat(answers.get(2).get("result").get("structuredContent").get("name").asString())
          .isEqualTo("admin");
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEmpty();
  }

  @Test
  void requests_written_at_once_with_stdin_closed_straight_after_are_all_answered_before_the_exit()
      throws Exception {
    Process process = startServer();
    // As `printf ... | jobkit mcp` does: every request, then the end of stdin, without waiting.
    try (OutputStream in = process.getOutputStream()) {
      initialize(in);
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
              + "{\"name\":\"list_jobs\",\"arguments\":{}}}");
    }

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
    assertThat(process.exitValue()).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (String line :
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      answers.add(Schemas.JSON.readTree(line));
    }
    assertThat(answers).extracting(a -> a.get("id").asInt()).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(answers).allSatisfy(a -> assertThat(a.has("result")).as(a.toString()).isTrue());
  }

  @Test
  void without_jobkit_url_the_server_says_so_on_stderr_and_exits_2() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(ServerCommand.command());
    builder.environment().remove("JOBKIT_URL");
    Process process = builder.start();
    process.getOutputStream().close();

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEmpty();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("JOBKIT_URL is not set");
  }

  private static Process startServer() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(ServerCommand.command());
    builder.environment().put("JOBKIT_URL", server.baseUrl());
    builder.environment().put("JOBKIT_API_KEY", JobkitServer.ADMIN_KEY);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    return builder.start();
  }

  /** The handshake: {@code initialize} with id 1, then {@code notifications/initialized}. */
  private static void initialize(OutputStream in) throws IOException {
    send(
        in,
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
            + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
    send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  private static void send(OutputStream in, String message) throws IOException {
    in.write((message + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }
}
