package dev.jobkit.tools.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmer;
import dev.jobkit.sdk.guard.Outcome;
import dev.jobkit.sdk.guard.OutcomeKind;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.Outputs;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.UserInputs;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The table of tool handlers: one per tool, and a guarded tool only through the guarded path. */
class ToolHandlersTest {

  private final GuardedCalls protocol =
      new GuardedCalls(new ConfirmationTokens(Clock.systemUTC(), ConfirmationTokens.MAX_LIFETIME));

  private static Tool tool(String name) {
    return Tools.find(name).orElseThrow();
  }

  @Test
  void every_tool_of_the_registry_has_a_handler_of_its_kind() {
    try (JobkitClient client = JobkitClient.builder().baseUrl("http://127.0.0.1:9").build()) {
      ToolHandlers.of(client, Duration.ofSeconds(1), Duration.ofSeconds(1), protocol);
    }
  }

  @Test
  void a_table_without_a_handler_for_a_tool_is_refused_naming_the_tool() {
    ToolHandlers.Table table =
        new ToolHandlers.Table(List.of(tool("whoami"), tool("list_users")), protocol)
            .answers(UserInputs.Whoami.class, in -> new Outputs.Identity("a", "user", "serial"));

    assertThatThrownBy(table::build).hasMessageContaining("list_users");
  }

  @Test
  void a_guarded_tool_registered_as_a_plain_one_is_refused() {
    ToolHandlers.Table table =
        new ToolHandlers.Table(List.of(tool("stop_job")), protocol)
            .answers(Inputs.StopJob.class, in -> new Outputs.Identity("a", "user", "serial"));

    assertThatThrownBy(table::build).hasMessageContaining("stop_job is guarded");
  }

  @Test
  void a_plain_tool_registered_as_a_guarded_one_is_refused() {
    ToolHandlers.Table table =
        new ToolHandlers.Table(List.of(tool("whoami")), protocol)
            .guarded(UserInputs.Whoami.class, in -> new Recorded());

    assertThatThrownBy(table::build).hasMessageContaining("whoami is not guarded");
  }

  @Test
  void a_second_handler_for_a_tool_is_refused() {
    ToolHandlers.Table table =
        new ToolHandlers.Table(List.of(tool("stop_job")), protocol)
            .guarded(Inputs.StopJob.class, in -> new Recorded());

    assertThatThrownBy(() -> table.guarded(Inputs.StopJob.class, in -> new Recorded()))
        .hasMessageContaining("two handlers for StopJob");
  }

  @Test
  void a_guarded_handler_runs_the_guarded_protocol_and_without_a_person_executes_nothing() {
    Recorded action = new Recorded();
    ToolHandlers handlers =
        new ToolHandlers.Table(List.of(tool("stop_job")), protocol)
            .guarded(Inputs.StopJob.class, in -> action)
            .build();
    var arguments = Schemas.JSON.createObjectNode().put("job_id", "job_1");

    ToolResult result =
        handlers.handle(
            tool("stop_job"),
            new Inputs.StopJob("job_1", null),
            arguments,
            CallContext.of(ConfirmationMode.DENY, null));

    assertThat(result.isError()).isTrue();
    assertThat(result.content().path("status").asString()).isEqualTo("refused");
    assertThat(result.content().path("reason").asString()).isEqualTo("confirmation_unavailable");
    assertThat(action.prechecks).hasValue(1);
    assertThat(action.executions).hasValue(0);
  }

  @Test
  void a_job_gone_between_the_calls_pre_check_and_the_actions_is_refused_as_not_found() {
    AtomicInteger asked = new AtomicInteger();
    ToolHandlers handlers =
        new ToolHandlers.Table(List.of(tool("delete_job")), protocol)
            .guarded(Inputs.DeleteJob.class, in -> new GoneWhenActing())
            .build();
    var arguments = Schemas.JSON.createObjectNode().put("job_id", "job_1");

    ToolResult result =
        handlers.handle(
            tool("delete_job"),
            new Inputs.DeleteJob("job_1", null, null),
            arguments,
            CallContext.of(
                ConfirmationMode.ELICIT,
                precheck -> {
                  asked.incrementAndGet();
                  return HumanGate.Answer.YES;
                }));

    assertThat(result.isError()).isTrue();
    assertThat(result.content().path("status").asString()).isEqualTo("refused");
    assertThat(result.content().path("outcome").asString()).isEqualTo("NOT_FOUND");
    assertThat(result.content().path("reason").asString()).isEqualTo("not_found");
    assertThat(result.content().path("message").asString()).contains("job_1");
    assertThat(result.content().has("precheck")).isFalse();
    assertThat(result.content().has("approved_by")).isFalse();
    assertThat(asked).hasValue(0);
  }

  /** A delete whose job is there for the call's pre-check and gone when the SDK reads it. */
  private static final class GoneWhenActing implements GuardedAction {
    @Override
    public String token() {
      return null;
    }

    @Override
    public Precheck precheck() {
      return Prechecks.of("delete", null, true, "It deletes the job.", "Delete it? [yes/no]");
    }

    @Override
    public Outcome execute(Confirmer human) {
      return new Outcome(
          OutcomeKind.NOT_FOUND,
          null,
          false,
          false,
          false,
          null,
          "there is no job job_1, or this key may not see it; nothing was done",
          null,
          Duration.ZERO);
    }
  }

  /** A guarded action that counts what was asked of it and allows everything. */
  private static final class Recorded implements GuardedAction {
    final AtomicInteger prechecks = new AtomicInteger();
    final AtomicInteger executions = new AtomicInteger();

    @Override
    public String token() {
      return null;
    }

    @Override
    public Precheck precheck() {
      prechecks.incrementAndGet();
      return Prechecks.of("stop", null, true, "It stops the job.", "Stop it? [yes/no]");
    }

    @Override
    public Outcome execute(Confirmer human) {
      executions.incrementAndGet();
      throw new AssertionError("executed without a person's yes");
    }
  }
}
