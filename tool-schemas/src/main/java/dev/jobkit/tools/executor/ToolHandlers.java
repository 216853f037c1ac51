package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.tools.registry.AppInputs;
import dev.jobkit.tools.registry.Inputs;
import dev.jobkit.tools.registry.ResultsInputs;
import dev.jobkit.tools.registry.Schemas;
import dev.jobkit.tools.registry.StatsInputs;
import dev.jobkit.tools.registry.Tool;
import dev.jobkit.tools.registry.Tools;
import dev.jobkit.tools.registry.UserInputs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one table of what each tool does, keyed by its input record. Adding a tool is adding its
 * record to {@link Tools} and one line here. A tool {@link Tool#guarded()} must be registered with
 * {@link Table#guarded}, which runs it through the guarded protocol, and no other with it: the
 * table refuses to be built otherwise, and also when a tool has no handler or two.
 */
final class ToolHandlers {

  private final Map<Class<? extends Record>, Entry<?>> byInput;

  private ToolHandlers(Map<Class<? extends Record>, Entry<?>> byInput) {
    this.byInput = Map.copyOf(byInput);
  }

  /** The handlers of every tool in {@link Tools}. */
  static ToolHandlers of(
      JobkitClient client, Duration verifyTimeout, Duration callLimit, GuardedCalls guarded) {
    JobTools jobs = new JobTools(client);
    Waits waits = new Waits(client, callLimit);
    JobActions actions = new JobActions(client, verifyTimeout, callLimit);
    UserTools users = new UserTools(client);
    AppTools apps = new AppTools(client);
    StatsTools stats = new StatsTools(client);
    ResultsTools results = new ResultsTools(client);
    return new Table(Tools.all(), guarded)
        .answers(Inputs.ListJobs.class, jobs::list)
        .answers(Inputs.GetJob.class, jobs::get)
        .guarded(Inputs.SubmitJob.class, actions::submit)
        .guarded(Inputs.SubmitJobs.class, actions::submitAll)
        .answers(Inputs.UpdateJob.class, jobs::update)
        .guarded(Inputs.StopJob.class, actions::stop)
        .guarded(Inputs.DeleteJob.class, actions::delete)
        .guarded(Inputs.FlushJobs.class, actions::flush)
        .follows(Inputs.GetOperation.class, waits::operation)
        .answers(Inputs.GetJobLogs.class, jobs::logs)
        .answers(Inputs.GetJobEvents.class, jobs::events)
        .follows(Inputs.WaitForJob.class, waits::waitFor)
        .answers(AppInputs.ListApps.class, in -> apps.list())
        .answers(AppInputs.GetApp.class, apps::get)
        .answers(AppInputs.SubmitAppJob.class, apps::submit)
        .answers(StatsInputs.JobStats.class, stats::stats)
        .answers(ResultsInputs.GetJobResults.class, results::results)
        .answers(ResultsInputs.ShareJob.class, results::share)
        .answers(ResultsInputs.ListJobShares.class, results::shares)
        .answers(ResultsInputs.RevokeJobShare.class, results::revoke)
        .answers(UserInputs.Whoami.class, in -> users.whoami())
        .answers(UserInputs.ListUsers.class, in -> users.list())
        .guarded(UserInputs.CreateUser.class, users::create)
        .guarded(UserInputs.SetSchedulingMode.class, users::setMode)
        .build();
  }

  /** Runs a call of {@code tool} with its arguments read into {@code input}. */
  ToolResult handle(Tool tool, Record input, ObjectNode arguments, CallContext call) {
    Entry<?> entry = byInput.get(tool.input());
    if (entry == null) {
      throw new IllegalStateException("no handler for " + tool.name());
    }
    return entry.handle(input, arguments, call);
  }

  /** One tool's handler, with the input type it takes and whether it runs guarded. */
  private record Entry<I extends Record>(Class<I> input, ToolHandler<I> handler, boolean guarded) {
    ToolResult handle(Record in, ObjectNode arguments, CallContext call) {
      return handler.handle(input.cast(in), arguments, call);
    }
  }

  /** Collects the handlers, then checks them against the tools. */
  static final class Table {
    private final List<Tool> tools;
    private final GuardedCalls protocol;
    private final Map<Class<? extends Record>, Entry<?>> byInput = new HashMap<>();

    /** A table for {@code tools}, whose guarded ones run through {@code protocol}. */
    Table(List<Tool> tools, GuardedCalls protocol) {
      this.tools = List.copyOf(tools);
      this.protocol = protocol;
    }

    /** A tool that is not guarded and answers its output record. */
    <I extends Record> Table answers(Class<I> input, Function<I, ? extends Record> work) {
      return follows(input, (in, call) -> work.apply(in));
    }

    /** A tool that is not guarded and follows the call (progress, cancellation) while it works. */
    <I extends Record> Table follows(
        Class<I> input, BiFunction<I, CallContext, ? extends Record> work) {
      return add(
          new Entry<>(
              input,
              (in, arguments, call) ->
                  new ToolResult(false, Schemas.JSON.valueToTree(work.apply(in, call))),
              false));
    }

    /**
     * A guarded tool: the action of its input goes through the guarded protocol (pre-check, a
     * person's yes, execute, verify).
     */
    <I extends Record> Table guarded(Class<I> input, Function<I, GuardedAction> action) {
      Tool tool =
          tools.stream()
              .filter(t -> t.input() == input)
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("no tool takes " + input));
      return add(
          new Entry<>(
              input,
              (in, arguments, call) -> protocol.run(tool, action.apply(in), arguments, call),
              true));
    }

    private Table add(Entry<?> entry) {
      if (byInput.putIfAbsent(entry.input(), entry) != null) {
        throw new IllegalStateException("two handlers for " + entry.input().getSimpleName());
      }
      return this;
    }

    /**
     * The table, once every tool has a handler of its kind and every handler a tool.
     *
     * @throws IllegalStateException naming what is missing, left over or not guarded as its tool
     */
    ToolHandlers build() {
      Map<Class<? extends Record>, Entry<?>> left = new HashMap<>(byInput);
      for (Tool tool : tools) {
        Entry<?> entry = left.remove(tool.input());
        if (entry == null) {
          throw new IllegalStateException("no handler for tool " + tool.name());
        }
        if (entry.guarded() != tool.guarded()) {
          throw new IllegalStateException(
              "tool "
                  + tool.name()
                  + (tool.guarded()
                      ? " is guarded: register it with guarded(...)"
                      : " is not guarded: register it with answers(...) or follows(...)"));
        }
      }
      if (!left.isEmpty()) {
        throw new IllegalStateException(
            "handlers for no tool: " + left.keySet().stream().map(Class::getSimpleName).toList());
      }
      return new ToolHandlers(byInput);
    }
  }
}
