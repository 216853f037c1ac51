/**
 * Runs tool calls against the service: {@link dev.jobkit.tools.executor.ToolExecutor#execute}
 * validates the arguments against the tool's schema first, answers structured JSON that matches the
 * tool's output schema (errors included), fences text a job wrote as untrusted, and takes every
 * guarded tool (running code, stop, delete, flush, admin writes) through the guarded protocol: one
 * call where a person can be asked ({@code ELICIT}), else short single-use confirmation tokens and
 * the mode's human gate. What each tool does is one handler in {@code ToolHandlers}, a guarded
 * tool's always around its {@code GuardedAction}; {@code JobViews}, {@code FlushViews} and {@code
 * UserViews} turn the SDK's types into the tools' output records.
 */
package dev.jobkit.tools.executor;
