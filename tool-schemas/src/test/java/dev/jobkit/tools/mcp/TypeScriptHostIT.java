package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.server.support.JobkitService;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The harness that drives the TypeScript client step by step ({@link TypeScriptHost} and {@code
 * src/test/node/host.mjs}) against the current server: it answers every command, one by id, while
 * other commands are still running, and its failures are loud. The hosts sign in as the class's
 * user.
 */
class TypeScriptHostIT {

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static TypeScriptHost host;

  @BeforeAll
  static void start() {
    host = startAsTheUser(false, Map.of());
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  /** A host signed in as the class's user. */
  private static TypeScriptHost startAsTheUser(boolean elicitation, Map<String, String> env) {
    return TypeScriptHost.start(service.server().baseUrl(), service.userKey(), elicitation, env);
  }

  @Test
  void list_tools_returns_the_tools_the_server_lists_with_their_schemas() {
    JsonNode tools = host.listTools();

    // The set of tools is changing elsewhere (11 at the time of writing); the harness returns
    // whatever the server lists, which a raw tools/list shows past the client.
    JsonNode listed = host.raw("tools/list", "{}").get("result").get("tools");
    assertThat(tools.valueStream().map(t -> t.get("name").asString()))
        .containsExactlyElementsOf(
            listed.valueStream().map(t -> t.get("name").asString()).toList());
    JsonNode whoami =
        tools
            .valueStream()
            .filter(t -> t.get("name").asString().equals("whoami"))
            .findFirst()
            .orElseThrow();
    assertThat(whoami.get("inputSchema").get("type").asString()).isEqualTo("object");
    assertThat(whoami.has("outputSchema")).isTrue();
    assertThat(whoami.get("annotations").get("readOnlyHint").asBoolean()).isTrue();
  }

  @Test
  void a_whoami_call_answers_ok_with_the_callers_name() {
    JsonNode answer = host.call("whoami", "{}");

    assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
    assertThat(answer.get("result").get("structuredContent").get("name").asString())
        .isEqualTo(service.userName());
    assertThat(answer.get("elapsed_ms").asLong()).isNotNegative();
  }

  @Test
  void a_get_job_of_an_unknown_id_is_answered_either_as_a_result_or_as_the_clients_error() {
    JsonNode answer = host.call("get_job", "{\"job_id\":\"job_doesnotexist\"}");

    // Which of the two is the tools' behaviour, changing elsewhere; the harness answers both.
    if (answer.get("ok").asBoolean()) {
      assertThat(answer.get("result").has("content")).as(answer.toString()).isTrue();
    } else {
      assertThat(answer.get("error").get("code").isNumber()).as(answer.toString()).isTrue();
      assertThat(answer.get("error").get("message").asString()).isNotBlank();
    }
  }

  @Test
  void a_raw_call_of_an_unknown_tool_is_answered_and_the_host_goes_on() {
    JsonNode answer = host.raw("tools/call", "{\"name\":\"no_such_tool\",\"arguments\":{}}");

    // A JSON-RPC error or a tool result with isError: which one is the server's choice.
    if (answer.get("ok").asBoolean()) {
      assertThat(answer.get("result").get("isError").asBoolean()).as(answer.toString()).isTrue();
    } else {
      assertThat(answer.get("error").get("code").isNumber()).as(answer.toString()).isTrue();
    }
    assertThat(host.call("whoami", "{}").get("ok").asBoolean()).isTrue();
  }

  @Test
  void a_method_the_server_does_not_offer_is_an_error_answer_not_a_crash() {
    JsonNode answer = host.raw("jobkit/no_such_method", "{}");

    assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isFalse();
    assertThat(answer.get("error").get("code").asInt()).isEqualTo(-32601);
    assertThat(host.notifications().isArray()).isTrue();
  }

  @Test
  void a_call_that_waits_does_not_hold_back_the_calls_sent_after_it() throws Exception {
    String id =
        service
            .client(service.userKey())
            .jobs()
            .submit(JobSpec.builder().shell(service.gates().script("waited")).build())
            .id();

    CompletableFuture<JsonNode> waiting =
        host.sendAsync(
            TypeScriptHost.callCommand(
                "wait_for_job", "{\"job_id\":\"" + id + "\",\"timeout_seconds\":60}"));
    CompletableFuture<JsonNode> whoami = host.sendAsync(TypeScriptHost.callCommand("whoami", "{}"));

    assertThat(whoami.get().get("ok").asBoolean()).isTrue();
    assertThat(waiting).as("wait_for_job answered before its job could end").isNotDone();
    service.gates().open("waited");
    assertThat(waiting).succeedsWithin(Duration.ofSeconds(60)).satisfies(a -> a.has("ok"));
  }

  @Test
  void close_answers_and_node_exits_0() {
    TypeScriptHost own = startAsTheUser(true, Map.of());
    assertThat(own.listTools()).isNotEmpty();

    assertThatCode(own::close).doesNotThrowAnyException();
    assertThatCode(own::close).as("a second close").doesNotThrowAnyException();
  }

  @Test
  void a_server_that_cannot_start_fails_the_next_command_and_the_close() {
    TypeScriptHost broken =
        startAsTheUser(false, Map.of("MCP_SERVER_COMMAND", "/nonexistent/java"));

    assertThatThrownBy(broken::listTools)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited with code 1");
    assertThatThrownBy(broken::close)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exited with code 1");
  }
}
