package dev.jobkit.shell;

import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;

/**
 * {@code jobkit mcp}: the MCP server of the agent tools over stdio, on the same connection the
 * shell uses (the local service of the data dir, started if needed, or {@code JOBKIT_URL} and
 * {@code JOBKIT_API_KEY}). Stdout belongs to the MCP protocol: nothing else may be printed there.
 */
final class McpLauncher {

  private McpLauncher() {}

  /**
   * Runs the MCP server until stdin closes; returns the exit code.
   *
   * <p>TODO(lead, issue 5): once the shell depends on jobkit-tool-schemas, replace the body with
   * {@code Connection c = connect();} and the tool-schemas MCP server on a client of {@code
   * JobkitClient.builder().baseUrl(c.baseUrl()).apiKey(c.apiKey()).actingAsAgent().build()}. Until
   * then it refuses without connecting, so that it does not start a local service for nothing.
   */
  static int run(String[] args) {
    System.err.println(
        "jobkit mcp: the MCP server is not wired in yet (issue 5); nothing was started");
    return 1;
  }

  /**
   * The connection the shell would use, resolved the same way; the local service's start notices go
   * to stderr, never stdout.
   */
  static Connection connect() {
    return Connection.resolve(
        null,
        LocalService.defaultDataDir(),
        System.getenv(),
        message -> System.err.println(message));
  }
}
