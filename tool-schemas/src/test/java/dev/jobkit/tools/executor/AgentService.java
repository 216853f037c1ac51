package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.users.NewUser;
import dev.jobkit.sdk.users.Role;
import dev.jobkit.sdk.users.SchedulingMode;
import dev.jobkit.server.support.Gate;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.RecordingProxy;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The service the executor's tests run against: one real service per test JVM, a user of its own
 * for each test class (so a class's flush removes only its own jobs), and for each test a fresh
 * {@link RecordingProxy} that the executor's client goes through, so that a test counts exactly the
 * requests the executor sent. Arranging and inspecting go straight to the service and are not
 * counted.
 *
 * <pre>{@code
 * @RegisterExtension static final AgentService service = new AgentService();
 * ...
 * String id = service.running("nightly");
 * ToolExecutor tools = ToolExecutor.builder(service.agent()).mode(ConfirmationMode.AUTO).build();
 * }</pre>
 *
 * <p>After each test, the class user's active jobs are flushed.
 */
final class AgentService
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(AgentService.class);

  /** Long enough for a job to start on a busy 2-core machine; a waiter returns as soon as it is. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private JobkitServer server;
  private JobkitClient admin;
  private String user;
  private JobkitClient direct;
  private String agentKey;
  private RecordingProxy proxy;
  private JobkitClient agent;
  private JobkitClient adminAgent;

  @Override
  public void beforeAll(ExtensionContext context) {
    // Closed by JUnit when the whole run ends (the root store closes what is AutoCloseable).
    server =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .computeIfAbsent(
                JobkitServer.class,
                k -> JobkitServer.start("--jobkit.executor.slots=8"),
                JobkitServer.class);
    admin = JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(JobkitServer.ADMIN_KEY).build();
    user =
        context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT)
            + "-"
            + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    admin.users().create(new NewUser(user, Role.USER, SchedulingMode.PARALLEL));
    String key = admin.users().createKey(user).key();
    direct = JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(key).build();
    agentKey = admin.users().createKey(user).key();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    proxy = new RecordingProxy(server.baseUrl());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    try {
      direct.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
    } finally {
      if (agent != null) {
        agent.close();
        agent = null;
      }
      if (adminAgent != null) {
        adminAgent.close();
        adminAgent = null;
      }
      proxy.close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    direct.close();
    admin.close();
  }

  /** The service itself. */
  JobkitServer server() {
    return server;
  }

  /** The name of this class's user. */
  String user() {
    return user;
  }

  /** This class's user, straight to the service: for arranging and inspecting, not counted. */
  JobkitClient direct() {
    return direct;
  }

  /** This class's user through this test's proxy, acting as an agent: what executors use. */
  JobkitClient agent() {
    if (agent == null) {
      agent = agentClient(agentKey);
    }
    return agent;
  }

  /**
   * Like {@link #agent()}, with a read timeout of its own, for a call the service takes long to
   * answer; the caller closes it.
   */
  JobkitClient agentWaitingUpTo(Duration readTimeout) {
    return JobkitClient.builder()
        .baseUrl(proxy.baseUrl())
        .apiKey(agentKey)
        .actingAsAgent()
        .readTimeout(readTimeout)
        .build();
  }

  /** The admin through this test's proxy, acting as an agent: for the admin tools. */
  JobkitClient adminAgent() {
    if (adminAgent == null) {
      adminAgent = agentClient(JobkitServer.ADMIN_KEY);
    }
    return adminAgent;
  }

  /** An executor in {@code mode} for this class's user, its answers checked. */
  CheckedTools tools(ConfirmationMode mode) {
    return new CheckedTools(ToolExecutor.builder(agent()).mode(mode).build());
  }

  /**
   * An executor in mode HOST for this class's user whose confirmer adds what it is asked to {@code
   * asked} and answers {@code answer}.
   */
  CheckedTools host(List<Precheck> asked, boolean answer) {
    return new CheckedTools(
        ToolExecutor.builder(agent())
            .mode(ConfirmationMode.HOST)
            .confirmer(
                p -> {
                  asked.add(p);
                  return answer;
                })
            .build());
  }

  /** The admin, straight to the service. */
  JobkitClient admin() {
    return admin;
  }

  /** What reached the service through this test's proxy. */
  RecordingProxy proxy() {
    return proxy;
  }

  /** How many job submissions (one or a batch) reached the service through this test's proxy. */
  long submissions() {
    return proxy.count("POST", "/api/v1/jobs") + proxy.count("POST", "/api/v1/jobs/batch");
  }

  /** How many stops of {@code jobId} reached the service through this test's proxy. */
  long stopsOf(String jobId) {
    return proxy.count("POST", "/api/v1/jobs/" + jobId + "/stop");
  }

  /**
   * Submits (directly, not through a tool) a job named {@code name} that runs until {@link #open}
   * lets it go, and waits until it is RUNNING.
   */
  String running(String name) {
    String id =
        direct.jobs().submit(JobSpec.builder().shell(Gate.WAIT).displayName(name).build()).id();
    direct.jobs().await(id, s -> s == JobStatus.RUNNING, PATIENCE);
    return id;
  }

  /** Lets a job of {@link #running} end (SUCCEEDED). */
  void open(String jobId) {
    Gate.open(server, jobId);
  }

  /** Lets a job of {@link #running} end and waits until it has. */
  void finish(String jobId) {
    open(jobId);
    direct.jobs().await(jobId, JobStatus::isTerminal, PATIENCE);
  }

  /** The job's state now. */
  JobStatus statusOf(String jobId) {
    return direct.jobs().get(jobId).status();
  }

  private JobkitClient agentClient(String key) {
    return JobkitClient.builder().baseUrl(proxy.baseUrl()).apiKey(key).actingAsAgent().build();
  }
}
