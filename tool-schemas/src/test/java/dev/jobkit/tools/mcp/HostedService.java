package dev.jobkit.tools.mcp;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JVM's shared {@link JobkitService} with a user of the class's own, and on top of it the
 * official TypeScript MCP client signed in as that user, an SDK client of the user and gated jobs
 * of theirs; after each test the user's jobs still active are flushed.
 *
 * <pre>{@code
 * @RegisterExtension static final HostedService hosted = new HostedService();
 * }</pre>
 */
final class HostedService implements BeforeAllCallback, AfterEachCallback, AfterAllCallback {

  private final JobkitService service = JobkitService.shared();
  private final Map<String, String> environment;
  private JobkitClient client;
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
    service.beforeAll(context);
    client = service.client(service.userKey());
    gates = new GatedJobs(client, service.gates());
    host = TypeScriptHost.start(service.server().baseUrl(), service.userKey(), false, environment);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try (TypeScriptHost h = host) {
      // the host (and its MCP server) before the service's own clean-up
    } finally {
      service.afterAll(context);
    }
  }

  JobkitServer server() {
    return service.server();
  }

  /** The class's user, whose key the host signed in with. */
  String userName() {
    return service.userName();
  }

  /** An API key of the class's user. */
  String userKey() {
    return service.userKey();
  }

  /** The class's user through the SDK, straight to the service: to arrange and inspect. */
  JobkitClient client() {
    return client;
  }

  GatedJobs gates() {
    return gates;
  }

  TypeScriptHost host() {
    return host;
  }
}
