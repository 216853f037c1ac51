/**
 * The MCP server over stdio: {@code tools/list} from the registry (with annotations and output
 * schemas), {@code tools/call} through the {@link dev.jobkit.tools.executor.ToolExecutor}, and the
 * human's yes to destructive calls through {@code elicitation/create} when the client supports it.
 */
package dev.jobkit.tools.mcp;
