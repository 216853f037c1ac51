package dev.jobkit.shell.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code job submit --timeout}: whole seconds from 1s to 30d, refused rather than rounded. */
class SubmitTimeoutTest {

  @Test
  void a_timeout_is_taken_in_whole_seconds() {
    assertThat(JobSubmitCommands.timeoutSeconds("90s")).isEqualTo(90);
    assertThat(JobSubmitCommands.timeoutSeconds("1h30m")).isEqualTo(5400);
    assertThat(JobSubmitCommands.timeoutSeconds("30d")).isEqualTo(30 * 86400);
  }

  @Test
  void zero_and_less_than_a_second_are_refused_not_rounded_up() {
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("0s"))
        .hasMessage(
            "--timeout must be at least 1s (a job's timeout counts whole seconds), not '0s'");
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("500ms"))
        .hasMessageStartingWith("--timeout must be at least 1s");
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("1500ms"))
        .hasMessage("--timeout counts whole seconds: 1s, not '1500ms'");
  }

  @Test
  void more_than_the_service_allows_is_refused_with_the_limit() {
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("31d"))
        .hasMessage("--timeout must be at most 30d, not '31d'");
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("10000000d"))
        .hasMessage("--timeout must be at most 3650d, not '10000000d'");
  }

  @Test
  void a_bare_number_is_refused_so_that_a_unit_typed_apart_is_not_taken_for_the_command() {
    // "--timeout 10 minutes sleep 1" once submitted the command "minutes sleep 1".
    assertThatThrownBy(() -> JobSubmitCommands.timeoutSeconds("10"))
        .hasMessage("--timeout needs a unit: 10s, 10m or 10h, not a bare '10'");
  }
}
