package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tools;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server end to end with the official MCP Java SDK client, over stdio to the server running
 * as a child JVM, against a real service.
 */
class McpJavaClientIT {

  static JobkitServer server;
  static JobkitClient admin;
  Path gates;
  McpSyncClient mcp;
  final List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();

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

  @BeforeEach
  void gates() throws IOException {
    gates = Files.createTempDirectory("gates");
  }

  @AfterEach
  void cleanUp() {
    if (mcp != null) {
      mcp.closeGracefully();
    }
    admin.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  /** Connects a client; with an answer function it declares elicitation and answers with it. */
  private McpSyncClient connect(
      Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> human) {
    ServerParameters parameters =
        ServerParameters.builder(ServerCommand.java())
            .args(ServerCommand.args())
            .addEnvVar("JOBKIT_URL", server.baseUrl())
            .addEnvVar("JOBKIT_API_KEY", JobkitServer.ADMIN_KEY)
            .build();
    StdioClientTransport transport =
        new StdioClientTransport(parameters, new JacksonMcpJsonMapper(Schemas.JSON));
    McpClient.SyncSpec spec =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(90))
            .initializationTimeout(Duration.ofSeconds(60));
    if (human != null) {
      spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
          .elicitation(
              request -> {
                asked.add(request);
                return human.apply(request);
              });
    }
    mcp = spec.build();
    mcp.initialize();
    return mcp;
  }

  private static JsonNode structured(McpSchema.CallToolResult result) {
    return Schemas.JSON.valueToTree(result.structuredContent());
  }

  private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
    return mcp.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  private String runningJob(String name) {
    Path gate = gates.resolve(name);
    McpSchema.CallToolResult submitted =
        call(
            "submit_job",
            Map.of(
                "shell",
                "while [ ! -f '" + gate + "' ]; do sleep 0.05; done",
                "display_name",
                name));
    assertThat(submitted.isError()).isFalse();
    String id = structured(submitted).get("job").get("id").asString();
    admin.jobs().await(id, s -> s == JobStatus.RUNNING, Duration.ofSeconds(30));
    return id;
  }

  private String tokenToStop(String id) {
    JsonNode first = structured(call("stop_job", Map.of("job_id", id)));
    assertThat(first.get("status").asString()).isEqualTo("confirmation_required");
    assertThat(admin.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
    return first.get("confirmation_token").asString();
  }

  @Test
  void tools_list_has_every_tool_with_annotations_and_an_output_schema() {
    connect(null);

    List<McpSchema.Tool> tools = mcp.listTools().tools();

    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(Tools.names());
    McpSchema.Tool stop =
        tools.stream().filter(t -> t.name().equals("stop_job")).findFirst().orElseThrow();
    assertThat(stop.annotations().destructiveHint()).isTrue();
    assertThat(stop.annotations().readOnlyHint()).isFalse();
    assertThat(stop.annotations().openWorldHint()).isFalse();
    assertThat(stop.outputSchema()).containsKey("properties");
    assertThat(tools).allSatisfy(t -> assertThat(t.outputSchema()).isNotNull());
  }

  @Test
  void a_stop_the_human_accepts_ends_canceled_and_verified() {
    connect(
        request ->
            new McpSchema.ElicitResult(
                McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", true)));
    String id = runningJob("accepted");
    JsonNode job = structured(call("get_job", Map.of("job_id", id))).get("job");
    assertThat(job.get("status").asString()).isEqualTo("RUNNING");
    String token = tokenToStop(id);
    assertThat(asked).isEmpty();

    McpSchema.CallToolResult done =
        call("stop_job", Map.of("job_id", id, "confirmation_token", token));

    assertThat(done.isError()).isFalse();
    JsonNode result = structured(done);
    assertThat(result.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(result.get("verified").asBoolean()).isTrue();
    assertThat(result.get("final_status").asString()).isEqualTo("CANCELED");
    assertThat(result.get("approved_by").asString()).isEqualTo("human");
    assertThat(asked)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.message()).contains(id).contains("[yes/no]");
              assertThat(r.requestedSchema().get("properties").toString()).contains("confirm");
            });
    assertThat(admin.jobs().get(id).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void a_stop_the_human_declines_leaves_the_job_running() {
    connect(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null));
    String id = runningJob("declined");
    String token = tokenToStop(id);

    McpSchema.CallToolResult refused =
        call("stop_job", Map.of("job_id", id, "confirmation_token", token));

    assertThat(refused.isError()).isTrue();
    assertThat(structured(refused).get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(asked).hasSize(1);
    assertThat(admin.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void accepting_the_form_without_ticking_confirm_is_not_a_yes() {
    connect(
        request ->
            new McpSchema.ElicitResult(
                McpSchema.ElicitResult.Action.ACCEPT, Map.of("confirm", false)));
    String id = runningJob("unticked");
    String token = tokenToStop(id);

    McpSchema.CallToolResult refused =
        call("stop_job", Map.of("job_id", id, "confirmation_token", token));

    assertThat(structured(refused).get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(admin.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void without_elicitation_a_stop_is_refused_and_the_job_keeps_running() {
    connect(null);
    String id = runningJob("no-elicitation");

    McpSchema.CallToolResult refused = call("stop_job", Map.of("job_id", id));

    assertThat(refused.isError()).isTrue();
    JsonNode result = structured(refused);
    assertThat(result.get("reason").asString()).isEqualTo("confirmation_unavailable");
    assertThat(result.get("message").asString()).contains("JOBKIT_MCP_CONFIRM");
    assertThat(admin.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void a_bad_call_answers_is_error_with_what_to_fix() {
    connect(null);

    McpSchema.CallToolResult result = call("submit_job", Map.of("shell", "true", "priority", 42));

    assertThat(result.isError()).isTrue();
    assertThat(structured(result).get("error").get("code").asString())
        .isEqualTo("invalid_arguments");
    assertThat(result.content()).singleElement().isInstanceOf(McpSchema.TextContent.class);
  }
}
