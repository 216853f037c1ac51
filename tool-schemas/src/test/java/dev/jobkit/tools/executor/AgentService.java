package dev.jobkit.tools.executor;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.guard.Precheck;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.Gates;
import dev.jobkit.server.support.JobkitServer;
import dev.jobkit.server.support.JobkitService;
import dev.jobkit.server.support.RecordingProxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The service the executor's tests run against: the JVM's shared {@link JobkitService} with a user
 * of the class's own (so a class's flush removes only its own jobs, and classes run at the same
 * time), and for each test a fresh {@link RecordingProxy} that the executor's client goes through,
 * so that a test counts exactly the requests the executor sent. Arranging and inspecting go
 * straight to the service and are not counted.
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

  /** Long enough for a job to start on a busy 2-core machine; a waiter returns as soon as it is. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  private final JobkitService service = JobkitService.shared();

  /** The gate of each job of {@link #running}, so that tests open a job's gate by its id. */
  private final Map<String, String> gateOfJob = new ConcurrentHashMap<>();

  private final AtomicInteger gatesMade = new AtomicInteger();
  private JobkitClient admin;
  private JobkitClient direct;
  private String agentKey;
  private RecordingProxy proxy;
  private JobkitClient agent;
  private JobkitClient adminAgent;

  @Override
  public void beforeAll(ExtensionContext context) {
    service.beforeAll(context);
    admin = service.client(JobkitServer.ADMIN_KEY);
    direct = service.client(service.userKey());
    agentKey = admin.users().createKey(service.userName()).key();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    proxy = new RecordingProxy(service.server().baseUrl());
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
    service.afterAll(context);
  }

  /** The service itself. */
  JobkitServer server() {
    return service.server();
  }

  /** The name of this class's user. */
  String user() {
    return service.userName();
  }

  /** This class's user, straight to the service: for arranging and inspecting, not counted. */
  JobkitClient direct() {
    return direct;
  }

  /** This class's gates, for a job a test submits itself; {@link #running} opens by job id. */
  Gates gates() {
    return service.gates();
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

  /**
   * The admin through this test's proxy, acting as an agent: for the admin tools only. Its jobs
   * would be no class's, and a flush of it would remove other classes' jobs: it submits and flushes
   * nothing.
   */
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

  /** The admin, straight to the service: for the users, never to list or flush all jobs. */
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
    String gate = "job-" + gatesMade.incrementAndGet();
    String id =
        direct
            .jobs()
            .submit(JobSpec.builder().shell(service.gates().script(gate)).displayName(name).build())
            .id();
    gateOfJob.put(id, gate);
    direct.jobs().await(id, s -> s == JobStatus.RUNNING, PATIENCE);
    return id;
  }

  /** Lets a job of {@link #running} end (SUCCEEDED). */
  void open(String jobId) {
    String gate = gateOfJob.get(jobId);
    if (gate == null) {
      throw new IllegalArgumentException(jobId + " is not a job of running(name)");
    }
    service.gates().open(gate);
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
