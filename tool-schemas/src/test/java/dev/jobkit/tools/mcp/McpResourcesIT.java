package dev.jobkit.tools.mcp;

import static dev.jobkit.tools.mcp.ToolAnswers.error;
import static dev.jobkit.tools.mcp.ToolAnswers.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.Toolset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * What a host finds besides the tools, through the official TypeScript MCP client: a job's log and
 * history as resources it can read and subscribe to, and the switches that decide which tools it
 * sees (read-only, tool sets).
 */
class McpResourcesIT {

  private static final Duration END_TIMEOUT = Duration.ofSeconds(60);

  @RegisterExtension static final HostedService hosted = new HostedService();

  private static JsonNode resultOf(JsonNode answer) {
    assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
    return answer.get("result");
  }

  private static JsonNode read(String uri) {
    return hosted.host().send(TypeScriptHost.command("read_resource").put("uri", uri));
  }

  private static List<String> namesOf(JsonNode tools) {
    return tools.valueStream().map(t -> t.get("name").asString()).toList();
  }

  @Test
  void a_jobs_log_and_events_are_listed_as_resource_templates() {
    JsonNode templates =
        resultOf(hosted.host().send(TypeScriptHost.command("list_resource_templates")))
            .get("resourceTemplates");

    assertThat(templates.valueStream().map(t -> t.get("uriTemplate").asString()))
        .containsExactly("jobkit://jobs/{job_id}/log", "jobkit://jobs/{job_id}/events");
  }

  @Test
  void reading_a_jobs_log_resource_returns_the_log_fenced_as_untrusted() {
    String id =
        hosted
            .client()
            .jobs()
            .submit(JobSpec.builder().shell("echo 'hello from the log'").build())
            .id();
    hosted.client().jobs().await(id, JobStatus::isTerminal, END_TIMEOUT);
    String uri = "jobkit://jobs/" + id + "/log";

    JsonNode contents = resultOf(read(uri)).get("contents");

    assertThat(contents)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.get("uri").asString()).isEqualTo(uri);
              assertThat(c.get("mimeType").asString()).isEqualTo("text/plain");
              assertThat(c.get("text").asString())
                  .startsWith("<<<untrusted-job-output ")
                  .contains("\nhello from the log\n")
                  .contains("<<<end-untrusted-job-output ");
            });
  }

  @Test
  void reading_a_jobs_events_resource_returns_its_history_and_an_unknown_job_is_not_found() {
    String id = hosted.client().jobs().submit(JobSpec.builder().command("true").build()).id();
    hosted.client().jobs().await(id, JobStatus::isTerminal, END_TIMEOUT);

    JsonNode events = resultOf(read("jobkit://jobs/" + id + "/events")).get("contents").get(0);
    JsonNode unknown = read("jobkit://jobs/job_doesnotexist/log");

    assertThat(events.get("mimeType").asString()).isEqualTo("application/json");
    assertThat(events.get("text").asString()).contains("\"SUCCEEDED\"");
    assertThat(unknown.get("ok").asBoolean()).as(unknown.toString()).isFalse();
    assertThat(unknown.get("error").get("code").asInt()).as("resource not found").isEqualTo(-32002);
  }

  @Test
  void a_subscription_to_a_running_jobs_events_is_notified_when_the_job_ends() {
    String id = hosted.gates().running("watched");
    String uri = "jobkit://jobs/" + id + "/events";
    hosted.host().notifications();
    resultOf(hosted.host().send(TypeScriptHost.command("subscribe").put("uri", uri)));

    hosted.gates().open("watched");

    List<JsonNode> seen = new ArrayList<>();
    await()
        .atMost(END_TIMEOUT)
        .untilAsserted(
            () -> {
              hosted.host().notifications().forEach(seen::add);
              assertThat(seen)
                  .anySatisfy(
                      n -> {
                        assertThat(n.get("method").asString())
                            .isEqualTo("notifications/resources/updated");
                        assertThat(n.get("params").get("uri").asString()).isEqualTo(uri);
                      });
            });
    assertThat(hosted.client().jobs().get(id).status()).isEqualTo(JobStatus.SUCCEEDED);
  }

  @Test
  void a_subscription_to_a_job_that_just_ended_is_told_once_so_that_its_end_is_not_missed() {
    // The end of a job right after a subscription (before the server's watch is open) looks the
    // same to the server as a job that has already ended.
    String id = hosted.client().jobs().submit(JobSpec.builder().command("true").build()).id();
    hosted.client().jobs().await(id, JobStatus::isTerminal, END_TIMEOUT);
    String uri = "jobkit://jobs/" + id + "/log";
    hosted.host().notifications();

    resultOf(hosted.host().send(TypeScriptHost.command("subscribe").put("uri", uri)));

    List<JsonNode> seen = new ArrayList<>();
    await()
        .atMost(END_TIMEOUT)
        .untilAsserted(
            () -> {
              hosted.host().notifications().forEach(seen::add);
              assertThat(seen)
                  .anySatisfy(n -> assertThat(n.at("/params/uri").asString()).isEqualTo(uri));
            });
  }

  @Test
  void a_read_only_server_offers_only_tools_that_change_nothing_even_to_a_client_that_can_ask() {
    try (TypeScriptHost readOnly =
        TypeScriptHost.start(
            hosted.server().baseUrl(),
            hosted.userKey(),
            true,
            Map.of("JOBKIT_MCP_READ_ONLY", "true"))) {
      String id = hosted.gates().running("read-only");

      JsonNode tools = readOnly.listTools();
      JsonNode stop = readOnly.call("stop_job", "{\"job_id\":\"" + id + "\"}");

      assertThat(tools)
          .isNotEmpty()
          .allSatisfy(
              t ->
                  assertThat(t.get("annotations").get("readOnlyHint").asBoolean())
                      .as("%s is read-only", t.get("name"))
                      .isTrue());
      assertThat(namesOf(tools))
          .containsExactlyElementsOf(
              Tools.all().stream()
                  .filter(t -> t.toolset() == Toolset.JOBS && t.readOnly())
                  .map(Tool::name)
                  .toList());
      assertThat(error(stop).get("code").asString()).isEqualTo("tool_not_offered");
      assertThat(error(stop).get("detail").asString()).contains("JOBKIT_MCP_READ_ONLY");
      assertThat(readOnly.elicitations()).isEmpty();
      assertThat(hosted.client().jobs().get(id).status()).isEqualTo(JobStatus.RUNNING);
    }
  }

  @Test
  void the_admin_tool_set_adds_the_user_tools() {
    // The admin tools are the admin's: this host alone signs in as the admin, and only lists.
    try (TypeScriptHost withAdmin =
        TypeScriptHost.start(
            hosted.server().baseUrl(),
            JobkitServer.ADMIN_KEY,
            true,
            Map.of("JOBKIT_MCP_TOOLSETS", "jobs,admin"))) {

      JsonNode tools = withAdmin.listTools();
      JsonNode users = withAdmin.call("list_users", "{}");

      assertThat(namesOf(tools)).containsExactlyElementsOf(Tools.names());
      assertThat(namesOf(tools)).contains("list_users", "create_user", "set_scheduling_mode");
      assertThat(succeeded(users).get("users").valueStream().map(u -> u.get("name").asString()))
          .contains("admin", hosted.userName());
    }
    assertThat(namesOf(hosted.host().listTools())).doesNotContain("list_users");
  }
}
