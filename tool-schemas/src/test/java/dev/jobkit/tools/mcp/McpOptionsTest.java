package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.tools.executor.ConfirmationMode;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.Toolset;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * JOBKIT_MCP_CONFIRM, JOBKIT_MCP_READ_ONLY and JOBKIT_MCP_TOOLSETS: safe defaults, anything else a
 * clear error; and which tools a server with those options offers.
 */
class McpOptionsTest {

  private static McpOptions confirm(String value) {
    return McpOptions.fromEnvironment(value, null, null);
  }

  private static List<String> offered(McpOptions options, boolean clientCanAsk) {
    return Tools.all().stream()
        .filter(t -> options.offers(t, clientCanAsk))
        .map(Tool::name)
        .toList();
  }

  @Test
  void unset_or_deny_means_deny_and_auto_means_auto_in_any_case() {
    assertThat(confirm(null).withoutElicitation()).isEqualTo(ConfirmationMode.DENY);
    assertThat(confirm(" ").withoutElicitation()).isEqualTo(ConfirmationMode.DENY);
    assertThat(confirm("deny").withoutElicitation()).isEqualTo(ConfirmationMode.DENY);
    assertThat(confirm(" AUTO ").withoutElicitation()).isEqualTo(ConfirmationMode.AUTO);
  }

  @Test
  void any_other_value_is_refused_naming_the_valid_ones() {
    assertThatThrownBy(() -> confirm("yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JOBKIT_MCP_CONFIRM must be deny or auto, not 'yes'");
    assertThatThrownBy(() -> McpOptions.fromEnvironment(null, "maybe", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JOBKIT_MCP_READ_ONLY must be true or false, not 'maybe'");
    assertThatThrownBy(() -> McpOptions.fromEnvironment(null, null, "jobs,root"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "JOBKIT_MCP_TOOLSETS: there is no tool set 'root'; the tool sets are jobs and admin");
  }

  @Test
  void the_mcp_server_cannot_be_configured_to_ask_a_host_it_does_not_have() {
    assertThatThrownBy(() -> new McpOptions(ConfirmationMode.HOST, false, EnumSet.of(Toolset.JOBS)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deny or auto-approve");
  }

  @Test
  void by_default_the_jobs_tools_are_offered_and_guarded_ones_only_where_a_person_can_be_asked() {
    McpOptions defaults = McpOptions.fromEnvironment(null, null, null);

    assertThat(offered(defaults, true))
        .containsExactly(
            "list_jobs",
            "get_job",
            "submit_job",
            "submit_jobs",
            "update_job",
            "stop_job",
            "delete_job",
            "flush_jobs",
            "get_operation",
            "get_job_logs",
            "get_job_events",
            "wait_for_job",
            "list_apps",
            "get_app",
            "submit_app_job",
            "job_stats",
            "get_job_results",
            "share_job",
            "list_job_shares",
            "revoke_job_share",
            "whoami");
    assertThat(offered(defaults, false))
        .containsExactly(
            "list_jobs",
            "get_job",
            "update_job",
            "get_operation",
            "get_job_logs",
            "get_job_events",
            "wait_for_job",
            "list_apps",
            "get_app",
            "submit_app_job",
            "job_stats",
            "get_job_results",
            "share_job",
            "list_job_shares",
            "revoke_job_share",
            "whoami");
    assertThat(offered(confirm("auto"), false)).contains("stop_job", "submit_job");
  }

  @Test
  void read_only_offers_only_tools_that_change_nothing_and_admin_is_offered_only_when_asked_for() {
    McpOptions readOnly = McpOptions.fromEnvironment("auto", "true", "jobs, admin");

    assertThat(offered(readOnly, true))
        .containsExactly(
            "list_jobs",
            "get_job",
            "get_operation",
            "get_job_logs",
            "get_job_events",
            "wait_for_job",
            "list_apps",
            "get_app",
            "job_stats",
            "get_job_results",
            "list_job_shares",
            "whoami",
            "list_users");
    assertThat(offered(McpOptions.fromEnvironment(null, null, "admin"), true))
        .containsExactly("list_users", "create_user", "set_scheduling_mode");
  }
}
