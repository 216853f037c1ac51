package dev.jobkit.shell;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;
import dev.jobkit.tools.mcp.JobkitMcpServer;

/**
 * {@code jobkit mcp}: the MCP server of the agent tools over stdio, on the same connection the
 * shell uses (the local service of the data dir, started if needed, or {@code JOBKIT_URL} and
 * {@code JOBKIT_API_KEY}). Stdout belongs to the MCP protocol: nothing else may be printed there.
 */
final class McpLauncher {

  private McpLauncher() {}

  /** Runs the MCP server until stdin closes; returns the exit code. */
  static int run(String[] args) {
    if (args.length > 0) {
      System.err.println(
          "jobkit mcp takes no arguments (it serves MCP over stdin and stdout); not "
              + String.join(" ", args));
      return 2;
    }
    return JobkitMcpServer.runOnStdio(
        () -> {
          Connection c = connect();
          return JobkitClient.builder()
              .baseUrl(c.baseUrl())
              .apiKey(c.apiKey())
              .actingAsAgent()
              .build();
        });
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
