package dev.jobkit.tools.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.tools.executor.ToolExecutor;
import dev.jobkit.tools.registry.Inputs;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How long one waiting call may take: 45 s unless the host says less, always under the 60 s an MCP
 * client gives a request by default (the ITs that wait a limit out use a shorter one).
 */
class CallLimitTest {

  @Test
  void the_default_is_45_seconds_under_the_60_seconds_clients_wait() {
    assertThat(Inputs.WAIT_CALL_LIMIT_SECONDS).isEqualTo(45).isLessThan(60);
    assertThat(JobkitMcpServer.callLimit(null)).isEqualTo(Duration.ofSeconds(45));
    assertThat(JobkitMcpServer.callLimit(" ")).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void the_environment_may_set_less() {
    assertThat(JobkitMcpServer.callLimit("1")).isEqualTo(Duration.ofSeconds(1));
    assertThat(JobkitMcpServer.callLimit(" 20 ")).isEqualTo(Duration.ofSeconds(20));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "46", "-5", "10s", "1.5"})
  void anything_else_is_refused_naming_the_variable_and_the_range(String value) {
    assertThatThrownBy(() -> JobkitMcpServer.callLimit(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "JOBKIT_MCP_CALL_LIMIT_SECONDS must be a whole number of seconds from 1 to 45, not '"
                + value
                + "'");
  }

  @Test
  void the_executor_takes_whole_seconds_from_1_to_45() {
    try (JobkitClient client = JobkitClient.builder().baseUrl("http://127.0.0.1:9").build()) {
      ToolExecutor.Builder builder = ToolExecutor.builder(client);
      assertThat(builder.callLimit(Duration.ofSeconds(45))).isSameAs(builder);
      for (Duration bad :
          new Duration[] {Duration.ZERO, Duration.ofSeconds(46), Duration.ofMillis(1500)}) {
        assertThatThrownBy(() -> builder.callLimit(bad))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("whole seconds from 1 to 45");
      }
    }
  }
}
