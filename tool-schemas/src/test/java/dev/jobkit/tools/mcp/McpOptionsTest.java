package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.tools.executor.ConfirmationMode;
import org.junit.jupiter.api.Test;

/** JOBKIT_MCP_CONFIRM: deny unless auto is asked for by name; anything else is a clear error. */
class McpOptionsTest {

  @Test
  void unset_or_deny_means_deny_and_auto_means_auto_in_any_case() {
    assertThat(McpOptions.fromEnvironment(null).withoutElicitation())
        .isEqualTo(ConfirmationMode.DENY);
    assertThat(McpOptions.fromEnvironment(" ").withoutElicitation())
        .isEqualTo(ConfirmationMode.DENY);
    assertThat(McpOptions.fromEnvironment("deny").withoutElicitation())
        .isEqualTo(ConfirmationMode.DENY);
    assertThat(McpOptions.fromEnvironment(" AUTO ").withoutElicitation())
        .isEqualTo(ConfirmationMode.AUTO);
  }

  @Test
  void any_other_value_is_refused_naming_the_valid_ones() {
    assertThatThrownBy(() -> McpOptions.fromEnvironment("yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JOBKIT_MCP_CONFIRM must be deny or auto, not 'yes'");
  }

  @Test
  void the_mcp_server_cannot_be_configured_to_ask_a_host_it_does_not_have() {
    assertThatThrownBy(() -> new McpOptions(ConfirmationMode.HOST))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deny or auto-approve");
  }
}
