package dev.jobkit.tools.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobkit.sdk.lifecycle.Operation;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle decides what is guarded ({@link Operation#guarded()}, from its risk); the tools
 * that perform an operation on jobs follow it rather than deciding on their own.
 */
class OperationGuardTest {

  /** Each tool that performs an operation of the lifecycle table, and that operation. */
  private static final Map<String, Operation> PERFORMS =
      Map.of(
          "stop_job", Operation.STOP,
          "delete_job", Operation.DELETE,
          "flush_jobs", Operation.FLUSH,
          "update_job", Operation.UPDATE,
          "get_job_logs", Operation.LOGS);

  @Test
  void a_tool_is_guarded_exactly_when_the_operation_it_performs_is() {
    PERFORMS.forEach(
        (name, operation) -> {
          Tool tool = Tools.find(name).orElseThrow(() -> new AssertionError("no tool " + name));
          assertThat(tool.guarded())
              .as("%s performs %s", name, operation)
              .isEqualTo(operation.guarded());
        });
  }

  @Test
  void every_guarded_operation_has_a_guarded_tool() {
    for (Operation operation : Operation.values()) {
      if (operation.guarded()) {
        assertThat(PERFORMS).containsValue(operation);
      }
    }
  }

  @Test
  void no_tool_opens_a_web_terminal_which_is_for_people_only() {
    for (Tool tool : Tools.all()) {
      assertThat(tool.name()).doesNotContainIgnoringCase("terminal");
      assertThat(tool.description()).as(tool.name()).doesNotContain("/terminal");
    }
    assertThat(Tools.names()).doesNotContain("terminal", "open_terminal", "job_terminal");
  }
}
