package dev.jobkit.server.support;

import dev.jobkit.sdk.JobkitClient;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The service a test class runs against, as a JUnit extension: one real service per test JVM,
 * shared by every class that registers {@link #shared()}, and a user of its own for each class, so
 * a class sees, stops and flushes only its own jobs, and classes can run at the same time.
 *
 * <pre>{@code
 * @RegisterExtension static final JobkitService service = JobkitService.shared();
 *
 * @Test
 * void a_job_runs() {
 *   Job job = service.user().submitShell(service.gates().script("run"));
 *   ...
 * }
 * }</pre>
 *
 * <p>The @Nested classes of a class share its service, user and gates.
 *
 * <p>A class that must restart its service, or needs settings the others must not see, registers
 * {@link #own(String...)}: a service of its own, started before its first test and stopped after
 * its last. Either way, after the class's last test the jobs of its users are flushed and its
 * {@link #gates()} and clients are closed.
 *
 * <p>The shared service has {@value #SHARED_SLOTS} slots, so that classes running at once do not
 * wait for each other's jobs; a class that counts slots brings its own service.
 */
public final class JobkitService implements BeforeAllCallback, AfterAllCallback {

  // Numbers the names this JVM gives: four random hex digits alone once gave two users of one
  // class (WorkerProtocolIT makes dozens) the same name, and the second was refused with 409.
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** How many pods the shared service runs at once. */
  public static final int SHARED_SLOTS = 24;

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(JobkitService.class);

  private final List<String> ownSettings;

  /** The class that registered this extension; JUnit calls it for its @Nested classes too. */
  private Class<?> ownerClass;

  private String userMode = "parallel";
  private JobkitServer server;
  private String userName;
  private String userKey;
  private Api user;
  private Gates gates;
  private final List<Api> users = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  private JobkitService(List<String> ownSettings) {
    this.ownSettings = ownSettings;
  }

  /** The JVM's one shared service, started by the first class that asks for it. */
  public static JobkitService shared() {
    return new JobkitService(null);
  }

  /** A service of this class's own, with extra {@code --k=v} settings. */
  public static JobkitService own(String... settings) {
    return new JobkitService(List.of(settings));
  }

  /**
   * Gives this class's user the scheduling mode {@code mode} ({@code serial}: one job at a time,
   * the rest queued) instead of {@code parallel}.
   */
  public JobkitService userMode(String mode) {
    this.userMode = mode;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (ownerClass != null) {
      return; // a @Nested class of the owner: it shares the owner's service and user
    }
    ownerClass = context.getRequiredTestClass();
    if (ownSettings != null) {
      server = JobkitServer.start(ownSettings.toArray(String[]::new));
    } else {
      // Closed by JUnit when the whole run ends: the root store closes what is AutoCloseable.
      server =
          context
              .getRoot()
              .getStore(NAMESPACE)
              .computeIfAbsent(
                  JobkitServer.class,
                  k -> JobkitServer.start("--jobkit.executor.slots=" + SHARED_SLOTS),
                  JobkitServer.class);
    }
    gates = Gates.create();
    String prefix = context.getRequiredTestClass().getSimpleName().toLowerCase(Locale.ROOT);
    userName = uniqueName(prefix.length() > 40 ? prefix.substring(0, 40) : prefix);
    userKey = createUser(userName, userMode);
    user = new Api(server.baseUrl(), userKey, userName);
    users.add(user);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != ownerClass) {
      return;
    }
    try {
      for (Api each : users) {
        // At the service's address now: a class of its own service may have restarted it, which
        // moves it to a new port.
        each.at(server.baseUrl()).flushAndAwait("scope=all");
      }
    } finally {
      for (int i = closeables.size() - 1; i >= 0; i--) {
        AutoCloseable closeable = closeables.get(i);
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot close " + closeable, e);
        }
      }
      gates.close();
      if (ownSettings != null) {
        server.close();
      }
    }
  }

  /** The service itself: its address, data dir and beans. */
  public JobkitServer server() {
    return server;
  }

  /** The admin, over plain HTTP. */
  public Api admin() {
    return server.admin();
  }

  /** This class's user ({@code parallel} scheduling unless {@link #userMode} said otherwise). */
  public Api user() {
    return user;
  }

  /** The name of this class's user. */
  public String userName() {
    return userName;
  }

  /** An API key of this class's user. */
  public String userKey() {
    return userKey;
  }

  /**
   * Another user of this class, named {@code <prefix>-<random>}, with the given scheduling mode
   * ({@code serial} or {@code parallel}); their jobs are flushed after the class too. The client
   * knows its user's {@link Api#name()} and {@link Api#key()}.
   */
  public Api newUser(String prefix, String mode) {
    String name = uniqueName(prefix);
    Api other = new Api(server.baseUrl(), createUser(name, mode), name);
    synchronized (users) {
      users.add(other);
    }
    return other;
  }

  /** The SDK client of a key (the class user's: {@link #userKey()}), closed after the class. */
  public JobkitClient client(String key) {
    JobkitClient client = JobkitClient.builder().baseUrl(server.baseUrl()).apiKey(key).build();
    synchronized (closeables) {
      closeables.add(client);
    }
    return client;
  }

  /** Closes {@code closeable} after the class's last test, before the service stops. */
  public <T extends AutoCloseable> T closeAfterAll(T closeable) {
    synchronized (closeables) {
      closeables.add(closeable);
    }
    return closeable;
  }

  /** This class's gates: jobs that run until the test lets them end. */
  public Gates gates() {
    return gates;
  }

  private String createUser(String name, String mode) {
    return server.newUser(name, mode).key();
  }

  private static String uniqueName(String prefix) {
    return prefix
        + "-"
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt())
        + "-"
        + NAMES.incrementAndGet();
  }
}
