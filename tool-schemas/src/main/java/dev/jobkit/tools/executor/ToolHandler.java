package dev.jobkit.tools.executor;

import tools.jackson.databind.node.ObjectNode;

/**
 * What one tool does with a call whose arguments matched its input schema. Each tool has one,
 * registered in {@link ToolHandlers}; a guarded tool's handler is made there around its {@link
 * GuardedAction}, so that every guarded call goes through {@link GuardedCalls}.
 *
 * @param <I> the tool's input record ({@link dev.jobkit.tools.registry.Tool#input()})
 */
@FunctionalInterface
interface ToolHandler<I extends Record> {

  /**
   * Runs the call. Failures are thrown (the SDK's exceptions, {@link ToolExecutor.BadArguments},
   * {@link ToolExecutor.WaitCanceled}); {@link ToolExecutor} turns them into error results.
   *
   * @param input the arguments, read into the tool's input record
   * @param arguments the same arguments as JSON, nulls removed (what a confirmation token binds)
   * @param call where a person's yes comes from, where progress goes, whether the caller gave up
   */
  ToolResult handle(I input, ObjectNode arguments, CallContext call);
}
