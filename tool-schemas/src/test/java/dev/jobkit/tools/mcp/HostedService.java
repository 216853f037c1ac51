package dev.jobkit.tools.mcp;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.server.support.JobkitServer;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One service (four slots) per test class, with an admin client, gated jobs, and the official
 * TypeScript MCP client signed in as the admin; after each test the jobs still active are flushed.
 *
 * <pre>{@code
 * @RegisterExtension static final HostedService hosted = new HostedService();
 * }</pre>
 */
final class HostedService implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final Map<String, String> environment;
  private JobkitServer server;
  private JobkitClient admin;
  private GatedJobs gates;
  private TypeScriptHost host;

  /** With the MCP server's default settings. */
  HostedService() {
    this(Map.of());
  }

  /** With more environment variables for the MCP server ({@code JOBKIT_MCP_…}). */
  HostedService(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = JobkitServer.start("--jobkit.executor.slots=4");
    admin = JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(JobkitServer.ADMIN_KEY).build();
    gates = new GatedJobs(admin);
    host = TypeScriptHost.start(server.baseUrl(), JobkitServer.ADMIN_KEY, false, environment);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    admin.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try (JobkitServer s = server;
        JobkitClient c = admin;
        TypeScriptHost h = host) {
      // closed in reverse order: the host before the service
    }
  }

  JobkitServer server() {
    return server;
  }

  JobkitClient admin() {
    return admin;
  }

  GatedJobs gates() {
    return gates;
  }

  TypeScriptHost host() {
    return host;
  }
}
