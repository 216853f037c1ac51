package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.Toolset;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ElicitResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * The MCP server end to end with the official MCP Java SDK client, over stdio to the server running
 * as a child JVM, against a real service: which tools a client is offered, a guarded call asked in
 * one call through elicitation (accepted, declined, accepted without the tick), refused where
 * nobody can be asked, and two calls with a token where configuration says yes. The clients sign in
 * as the class's user.
 */
class McpJavaClientIT {

  private static final ElicitResult YES =
      ElicitResult.builder(ElicitResult.Action.ACCEPT).content(Map.of("confirm", true)).build();

  @RegisterExtension static final JobkitService service = JobkitService.shared();

  static JobkitClient user;
  static GatedJobs gates;
  McpSyncClient mcp;
  final List<McpSchema.ElicitFormRequest> asked = new CopyOnWriteArrayList<>();

  /** What the person answers the next questions. */
  volatile ElicitResult answer = YES;

  @BeforeAll
  static void connectTheUser() {
    user = service.client(service.userKey());
    gates = new GatedJobs(user, service.gates());
  }

  @AfterEach
  void cleanUp() {
    if (mcp != null) {
      mcp.closeGracefully();
    }
    user.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  /**
   * Connects a client; one that can ask declares elicitation and answers with {@link #answer}.
   *
   * @param environment more variables for the server, such as {@code JOBKIT_MCP_CONFIRM}
   */
  private McpSyncClient connect(boolean canAsk, Map<String, String> environment) {
    ServerParameters.Builder parameters =
        ServerParameters.builder(ServerCommand.java())
            .args(ServerCommand.args())
            .addEnvVar("JOBKIT_URL", service.server().baseUrl())
            .addEnvVar("JOBKIT_API_KEY", service.userKey());
    environment.forEach(parameters::addEnvVar);
    StdioClientTransport transport =
        new StdioClientTransport(parameters.build(), new JacksonMcpJsonMapper(Schemas.JSON));
    McpClient.SyncSpec spec =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(90))
            // The server is a JVM: slow to start when other classes start theirs at the same time.
            .initializationTimeout(Duration.ofSeconds(180))
            // Checks each result that is not an error against the tool's output schema.
            .enableCallToolSchemaCaching(true);
    if (canAsk) {
      spec.capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
          .elicitation(
              request -> {
                asked.add(request);
                return answer;
              });
    }
    mcp = spec.build();
    mcp.initialize();
    mcp.listTools();
    return mcp;
  }

  private static JsonNode structured(McpSchema.CallToolResult result) {
    return Schemas.JSON.valueToTree(result.structuredContent());
  }

  private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
    return mcp.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  /** Submits a gated job through the tools, the person saying yes, and waits until it runs. */
  private String runningJob(String name) {
    answer = YES;
    McpSchema.CallToolResult submitted =
        call("submit_job", Map.of("shell", gates.script(name), "display_name", name));
    assertThat(submitted.isError()).as(submitted.toString()).isFalse();
    String id = structured(submitted).get("job").get("id").asString();
    user.jobs().await(id, s -> s == JobStatus.RUNNING, Duration.ofSeconds(60));
    asked.clear();
    return id;
  }

  private static List<String> jobsTools(boolean guardedToo) {
    return Tools.all().stream()
        .filter(t -> t.toolset() == Toolset.JOBS && (guardedToo || !t.guarded()))
        .map(Tool::name)
        .toList();
  }

  @Test
  void tools_list_without_elicitation_has_the_tools_that_need_no_person_with_their_schemas() {
    connect(false, Map.of());

    List<McpSchema.Tool> tools = mcp.listTools().tools();

    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(jobsTools(false));
    assertThat(tools)
        .allSatisfy(
            t -> {
              assertThat(t.annotations().destructiveHint()).isFalse();
              assertThat(t.outputSchema()).containsKey("properties");
              assertThat(Schemas.JSON.valueToTree(t.outputSchema()).get("properties").has("error"))
                  .as("%s declares the error shape", t.name())
                  .isTrue();
            });
  }

  @Test
  void tools_list_with_elicitation_has_the_guarded_tools_with_their_hints() {
    connect(true, Map.of());

    List<McpSchema.Tool> tools = mcp.listTools().tools();

    assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyElementsOf(jobsTools(true));
    McpSchema.Tool stop = find(tools, "stop_job");
    assertThat(stop.annotations().destructiveHint()).isTrue();
    assertThat(stop.annotations().readOnlyHint()).isFalse();
    assertThat(stop.annotations().openWorldHint()).isFalse();
    McpSchema.Tool submit = find(tools, "submit_job");
    assertThat(submit.annotations().destructiveHint()).isTrue();
    assertThat(submit.annotations().openWorldHint()).isTrue();
  }

  private static McpSchema.Tool find(List<McpSchema.Tool> tools, String name) {
    return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void a_stop_the_human_accepts_is_one_call_that_ends_canceled_and_verified() {
    connect(true, Map.of());
    String id = runningJob("accepted");
    JsonNode job = structured(call("get_job", Map.of("job_id", id))).get("job");
    assertThat(job.get("status").asString()).isEqualTo("RUNNING");

    McpSchema.CallToolResult done = call("stop_job", Map.of("job_id", id));

    assertThat(done.isError()).isFalse();
    JsonNode result = structured(done);
    assertThat(result.get("status").asString()).isEqualTo("done");
    assertThat(result.get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(result.get("verified").asBoolean()).isTrue();
    assertThat(result.get("final_status").asString()).isEqualTo("CANCELED");
    assertThat(result.get("approved_by").asString()).isEqualTo("human");
    assertThat(asked)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.message()).contains(id).contains("\"accepted\"").endsWith("[yes/no]");
              assertThat(r.requestedSchema().get("properties").toString()).contains("confirm");
            });
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.CANCELED);
  }

  @Test
  void a_stop_the_human_declines_leaves_the_job_running() {
    connect(true, Map.of());
    String id = runningJob("declined");
    answer = ElicitResult.builder(ElicitResult.Action.DECLINE).build();

    McpSchema.CallToolResult refused = call("stop_job", Map.of("job_id", id));

    assertThat(refused.isError()).isTrue();
    JsonNode result = structured(refused);
    assertThat(result.get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(result.get("reason").asString()).isEqualTo("declined");
    assertThat(result.has("approved_by")).isFalse();
    assertThat(asked).hasSize(1);
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void accepting_the_form_without_ticking_confirm_is_not_a_yes() {
    connect(true, Map.of());
    String id = runningJob("unticked");
    answer =
        ElicitResult.builder(ElicitResult.Action.ACCEPT).content(Map.of("confirm", false)).build();

    McpSchema.CallToolResult refused = call("stop_job", Map.of("job_id", id));

    assertThat(structured(refused).get("outcome").asString()).isEqualTo("DECLINED");
    assertThat(structured(refused).get("reason").asString()).isEqualTo("declined");
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void without_elicitation_a_stop_is_not_offered_and_the_job_keeps_running() {
    connect(false, Map.of());
    String id = gates.running("no-elicitation");

    McpSchema.CallToolResult refused = call("stop_job", Map.of("job_id", id));

    assertThat(refused.isError()).isTrue();
    JsonNode error = structured(refused).get("error");
    assertThat(error.get("code").asString()).isEqualTo("tool_not_offered");
    assertThat(error.get("detail").asString()).contains("JOBKIT_MCP_CONFIRM");
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
  }

  @Test
  void with_confirm_auto_a_stop_takes_a_token_and_a_second_call() {
    connect(false, Map.of("JOBKIT_MCP_CONFIRM", "auto"));
    String id = gates.running("automated");

    JsonNode first = structured(call("stop_job", Map.of("job_id", id)));
    assertThat(first.get("status").asString()).isEqualTo("confirmation_required");
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
    String token = first.get("confirmation_token").asString();
    assertThat(token).hasSizeLessThanOrEqualTo(Inputs.TOKEN_MAX_LENGTH);

    McpSchema.CallToolResult done =
        call("stop_job", Map.of("job_id", id, "confirmation_token", token));

    assertThat(done.isError()).isFalse();
    assertThat(structured(done).get("outcome").asString()).isEqualTo("APPLIED");
    assertThat(structured(done).get("approved_by").asString()).isEqualTo("auto");
    assertThat(user.jobs().get(id).status()).isEqualTo(JobStatus.CANCELED);
    assertThat(asked).isEmpty();
  }

  @Test
  void a_bad_call_answers_is_error_with_what_to_fix_and_asks_nobody() {
    connect(true, Map.of());

    McpSchema.CallToolResult result = call("submit_job", Map.of("shell", "true", "priority", 42));

    assertThat(result.isError()).isTrue();
    JsonNode error = structured(result).get("error");
    assertThat(error.get("code").asString()).isEqualTo("invalid_arguments");
    assertThat(error.get("errors").get(0).get("field").asString()).isEqualTo("/priority");
    assertThat(result.content()).singleElement().isInstanceOf(McpSchema.TextContent.class);
    assertThat(asked).isEmpty();
  }
}
