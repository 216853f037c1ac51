package dev.jobkit.shell;

import dev.jobkit.shell.local.Connection;
import dev.jobkit.shell.local.LocalService;
import java.nio.file.Path;

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
   * <p>TODO(lead, issue 5): start the tool-schemas module's MCP server here, for example {@code
   * McpStdioServer.run(JobkitClient.builder().baseUrl(c.baseUrl()).apiKey(c.apiKey()).build())},
   * once the shell depends on jobkit-tool-schemas. The connection below is already resolved the way
   * the shell resolves it; its progress notices go to stderr, never stdout.
   */
  static int run(String[] args) {
    Path dataDir = LocalService.defaultDataDir();
    Connection c =
        Connection.resolve(null, dataDir, System.getenv(), message -> System.err.println(message));
    System.err.println(
        "jobkit mcp: the MCP server is not wired in yet (issue 5); the connection would be "
            + c.baseUrl()
            + " via "
            + c.source());
    return 1;
  }
}
