package dev.jobkit.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.shell.local.LocalService;
import dev.jobkit.shell.support.Jobkit;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code jobkit mcp}: the agent tools' MCP server over stdio, on the shell's connection. With no
 * URL configured that is the local service of the data dir, started first if needed; its notices go
 * to stderr, and stdout carries JSON-RPC only.
 */
class McpCommandIT {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path dataDir;

  @AfterEach
  void stopTheServiceEvenIfTheTestFailed() {
    LocalService.of(dataDir).stop(Duration.ofSeconds(60));
  }

  @Test
  void jobkit_mcp_starts_the_local_service_and_serves_the_tools_with_json_rpc_only_on_stdout()
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Jobkit.command("mcp"));
    builder.environment().remove("JOBKIT_URL");
    builder.environment().remove("JOBKIT_API_KEY");
    builder.environment().put("JOBKIT_HOME", dataDir.toString());
    // CI runs four test classes at once on two cores: the service may start slowly.
    builder.environment().put("JOBKIT_START_TIMEOUT", "8m");
    Process process = builder.start();
    CompletableFuture<String> stderr =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    try (OutputStream in = process.getOutputStream()) {
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
              + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"elicitation\":{}},"
              + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
      send(in, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
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
        if (line == null) {
          process.waitFor(30, TimeUnit.SECONDS);
          throw new AssertionError("stdout ended early; stderr:\n" + stderr.getNow("(open)"));
        }
        JsonNode message = JSON.readTree(line);
        assertThat(message.get("jsonrpc").asString()).as(line).isEqualTo("2.0");
        answers.add(message);
      }
      assertThat(answers.get(1).get("result").get("tools"))
          .extracting(t -> t.get("name").asString())
          .contains("submit_job", "stop_job", "whoami");
      assertThat(answers.get(2).get("result").get("structuredContent").get("name").asString())
          .isEqualTo("admin");
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(stderr.join()).contains("starting the local service of " + dataDir);
    assertThat(LocalService.of(dataDir).running())
        .as("the service outlives the MCP server")
        .isPresent();
  }

  @Test
  void jobkit_mcp_with_arguments_says_it_takes_none_and_starts_nothing() {
    Jobkit.Result result =
        Jobkit.run(java.util.Map.of("JOBKIT_HOME", dataDir.toString()), "mcp", "--port", "9");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).contains("jobkit mcp takes no arguments");
    assertThat(LocalService.of(dataDir).running()).isEmpty();
    assertThat(new File(dataDir.toFile(), "credentials")).doesNotExist();
  }

  private static void send(OutputStream in, String message) throws IOException {
    in.write((message + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
