package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.Toolset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The server process's own contract, in raw JSON-RPC: JSON-RPC only on stdout, a clean exit when
 * stdin ends, a call of a tool it does not offer answered as a result, and a canceled call answered
 * {@code canceled} by the server itself.
 */
class McpStdioIT {

  /**
   * Longer than anything here should take, the start of the server's JVM included while other
   * classes start theirs on the same two cores; a missing answer fails at this.
   */
  private static final long ANSWER_SECONDS = 180;

  private static final String NOT_JSON = "not_json_on_stdout";

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient user;
  static GatedJobs gates;

  @BeforeAll
  static void connect() {
    user = service.client(service.userKey());
    gates = new GatedJobs(user, service.gates());
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
      // A client that cannot ask a person, in the default mode deny: no guarded tool.
      assertThat(answers.get(1).get("result").get("tools").valueStream())
          .extracting(t -> t.get("name").asString())
          .containsExactlyElementsOf(
              Tools.all().stream()
                  .filter(t -> t.toolset() == Toolset.JOBS && !t.guarded())
                  .map(Tool::name)
                  .toList());
      assertThat(answers.get(2).get("result").get("structuredContent").get("name").asString())
          .isEqualTo(service.userName());
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
    // Read as the answers come, as a pipe's reader does: the tools/list answer alone is larger
    // than a pipe's buffer (64 KiB), which the server would otherwise fill and wait on.
    BlockingQueue<JsonNode> out = messagesOf(process);
    // As `printf ... | jobkit mcp` does: every request, then the end of stdin, without waiting.
    try (OutputStream in = process.getOutputStream()) {
      initialize(in);
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
              + "{\"name\":\"list_jobs\",\"arguments\":{}}}");
    }

    assertThat(process.waitFor(ANSWER_SECONDS, TimeUnit.SECONDS))
        .as("exited after stdin closed")
        .isTrue();
    assertThat(process.exitValue()).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode answer = out.poll(ANSWER_SECONDS, TimeUnit.SECONDS);
      assertThat(answer).as("answer %d of 3, read before the exit", i + 1).isNotNull();
      answers.add(answer);
    }
    assertThat(answers).extracting(a -> a.get("id").asInt()).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(answers).allSatisfy(a -> assertThat(a.has("result")).as(a.toString()).isTrue());
  }

  @Test
  void a_call_of_a_tool_not_offered_is_a_result_that_names_the_tools_there_are() throws Exception {
    Process process = startServer();
    BlockingQueue<JsonNode> out = messagesOf(process);
    try (OutputStream in = process.getOutputStream()) {
      initialize(in);
      // As a client must: no request but ping before the answer to initialize.
      next(out, m -> m.path("id").asInt() == 1);
      send(in, call(2, "no_such_tool", "{}"));
      send(in, call(3, "submit_job", "{\"shell\":\"true\"}"));

      // Two calls in flight are answered in either order (JSON-RPC does not keep it).
      Map<Integer, JsonNode> answers = answers(out, 2, 3);
      JsonNode unknown = answers.get(2).get("result");
      JsonNode notOffered = answers.get(3).get("result");

      assertThat(unknown.get("isError").asBoolean()).isTrue();
      assertThat(unknown.at("/structuredContent/error/code").asString()).isEqualTo("unknown_tool");
      assertThat(unknown.at("/structuredContent/error/tools").valueStream())
          .extracting(JsonNode::asString)
          .contains("list_jobs")
          .doesNotContain("submit_job");
      assertThat(notOffered.get("isError").asBoolean()).isTrue();
      assertThat(notOffered.at("/structuredContent/error/code").asString())
          .isEqualTo("tool_not_offered");
    }
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
  }

  @Test
  void a_wait_the_client_cancels_stops_on_the_server_and_gets_no_answer() throws Exception {
    String id = gates.running("canceled-wait");
    Process process = startServer();
    BlockingQueue<JsonNode> out = messagesOf(process);
    long closed;
    try (OutputStream in = process.getOutputStream()) {
      initialize(in);
      // With a progress token, so that the first progress notification says the wait is going.
      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
              + "\"name\":\"wait_for_job\",\"arguments\":{\"job_id\":\""
              + id
              + "\",\"timeout_seconds\":120},\"_meta\":{\"progressToken\":\"wait-2\"}}}");
      JsonNode progress =
          next(out, m -> "notifications/progress".equals(m.path("method").asString()));
      assertThat(progress.at("/params/progressToken").asString()).isEqualTo("wait-2");

      send(
          in,
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":"
              + "{\"requestId\":2,\"reason\":\"the person moved on\"}}");
      send(in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
      List<JsonNode> answers = new ArrayList<>();
      JsonNode pong =
          next(
              out,
              m -> {
                answers.add(m);
                return m.path("id").asInt() == 3;
              });
      assertThat(pong.has("result")).as(pong.toString()).isTrue();
      assertThat(answers)
          .as("MCP: no answer to a canceled request")
          .noneMatch(m -> m.path("id").asInt() == 2);
      closed = System.nanoTime();
    }
    // The end of stdin waits (up to 30 s) for every call read to be answered: the server exits
    // well before that only because the canceled wait stopped at once, its answer held back.
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after stdin closed").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isLessThan(Duration.ofSeconds(15));
    List<JsonNode> rest = new ArrayList<>();
    out.drainTo(rest);
    assertThat(rest)
        .as("MCP: no answer to a canceled request")
        .noneMatch(m -> m.path("id").asInt() == 2);
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
    gates.open("canceled-wait");
  }

  @Test
  void without_jobkit_url_the_server_says_so_on_stderr_and_exits_2() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(ServerCommand.command());
    builder.environment().remove("JOBKIT_URL");
    Process process = builder.start();
    process.getOutputStream().close();

    assertThat(process.waitFor(ANSWER_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEmpty();
    assertThat(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("JOBKIT_URL is not set");
  }

  /** Where the last server started writes its stderr, shown when an answer does not come. */
  private static Path stderr;

  /** The last server started, whose state is shown when an answer does not come. */
  private static Process current;

  private static Process startServer() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(ServerCommand.command());
    builder.environment().put("JOBKIT_URL", service.server().baseUrl());
    builder.environment().put("JOBKIT_API_KEY", service.userKey());
    stderr = Files.createTempFile("mcp-stderr-", ".txt");
    stderr.toFile().deleteOnExit();
    builder.redirectError(stderr.toFile());
    current = builder.start();
    return current;
  }

  private static String stderrTail() {
    String state =
        current.isAlive()
            ? "(still running)"
            : "(ended with exit code " + current.exitValue() + ")";
    try {
      String text = state + "\n" + Files.readString(stderr);
      return text.substring(Math.max(0, text.length() - 4000));
    } catch (IOException e) {
      return "(stderr unreadable: " + e + ")";
    }
  }

  private static String call(int id, String tool, String argumentsJson) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + argumentsJson
        + "}}";
  }

  /** Every message the server writes, read on a thread of its own. */
  private static BlockingQueue<JsonNode> messagesOf(Process process) {
    BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                  try {
                    messages.add(Schemas.JSON.readTree(line));
                  } catch (JacksonException notJson) {
                    // Stdout is the protocol's: a line that is not JSON fails the test by name.
                    messages.add(Schemas.JSON.createObjectNode().put(NOT_JSON, line));
                  }
                }
              } catch (IOException e) {
                // the process ended; the test fails on what did not arrive
              }
            },
            "mcp-stdout");
    reader.setDaemon(true);
    reader.start();
    return messages;
  }

  /** The next message that matches, skipping the others; fails after a minute. */
  private static JsonNode next(BlockingQueue<JsonNode> messages, Predicate<JsonNode> wanted)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(ANSWER_SECONDS);
    while (true) {
      JsonNode message =
          messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(message)
          .as(
              "a message from the server within %d s; its stderr:%n%s",
              ANSWER_SECONDS, stderrTail())
          .isNotNull();
      assertThat(message.has(NOT_JSON))
          .as("a line on stdout that is not JSON: %s", message)
          .isFalse();
      if (wanted.test(message)) {
        return message;
      }
    }
  }

  /** The answers to the requests of these ids, in whatever order they come; others skipped. */
  private static Map<Integer, JsonNode> answers(BlockingQueue<JsonNode> messages, int... ids)
      throws InterruptedException {
    Set<Integer> wanted = new HashSet<>();
    for (int id : ids) {
      wanted.add(id);
    }
    Map<Integer, JsonNode> answers = new HashMap<>();
    while (answers.size() < wanted.size()) {
      JsonNode answer =
          next(
              messages,
              m ->
                  m.has("id")
                      && !m.has("method")
                      && wanted.contains(m.path("id").asInt())
                      && !answers.containsKey(m.path("id").asInt()));
      answers.put(answer.path("id").asInt(), answer);
    }
    return answers;
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
