/**
 * Runs tool calls against the service: {@link dev.jobkit.tools.executor.ToolExecutor#execute}
 * validates the arguments against the tool's schema first, answers structured JSON, fences job
 * output as untrusted, and takes destructive tools through the guarded two-phase protocol with
 * signed, single-use confirmation tokens and a human gate.
 */
package dev.jobkit.tools.executor;
