/**
 * The MCP server over stdio: {@code tools/list} of the tools the options offer (with annotations
 * and output schemas), {@code tools/call} through the {@link
 * dev.jobkit.tools.executor.ToolExecutor} with the person asked through {@code elicitation/create}
 * when the client supports it, progress and cancellation for long calls, a job's log and events as
 * subscribable resources, and the prompt {@code diagnose_failed_job}.
 */
package dev.jobkit.tools.mcp;
