package dev.jobkit.server.support;

import dev.jobkit.server.JobkitServerApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Jobkit service for tests: the whole Spring Boot application on a random port, with its own
 * data dir (embedded H2 file database, job files, credentials), stoppable and restartable on the
 * same data dir.
 *
 * <pre>{@code
 * try (JobkitServer server = JobkitServer.start()) {
 *   Api admin = server.admin();
 *   ...
 * }
 * }</pre>
 */
public final class JobkitServer implements AutoCloseable {

  public static final String ADMIN_KEY = "jk_test_admin_key_0123456789abcdef";

  private final Path dataDir;
  private boolean ownsDataDir;
  private final String adminKey;
  private final List<String> extraArgs;
  private ConfigurableApplicationContext context;
  private int port;

  private JobkitServer(Path dataDir, String adminKey, List<String> extraArgs) {
    this.dataDir = dataDir;
    this.adminKey = adminKey;
    this.extraArgs = extraArgs;
  }

  /**
   * Starts a service on a new temporary data dir; {@code args} are extra {@code --k=v} settings.
   */
  public static JobkitServer start(String... args) {
    try {
      JobkitServer server = startOn(Files.createTempDirectory("jobkit-test-"), args);
      server.ownsDataDir = true;
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a service on an existing data dir. */
  public static JobkitServer startOn(Path dataDir, String... args) {
    JobkitServer server = new JobkitServer(dataDir, ADMIN_KEY, List.of(args));
    server.boot();
    return server;
  }

  /**
   * Starts a service on {@code dataDir} without the harness's admin key, as a first-time user
   * would: the service takes the key of {@code <data-dir>/credentials}, generating it if needed,
   * unless {@code args} configure one ({@code --jobkit.auth.admin-key=...}; passing that to {@link
   * #startOn} instead would give Spring two values, joined with a comma). {@link #admin()} is not
   * available; use {@link #withKey}.
   */
  public static JobkitServer startWithoutAdminKey(Path dataDir, String... args) {
    JobkitServer server = new JobkitServer(dataDir, null, List.of(args));
    server.boot();
    return server;
  }

  private void boot() {
    List<String> args = new ArrayList<>();
    args.add("--server.port=" + port);
    args.add("--jobkit.data-dir=" + dataDir);
    if (adminKey != null) {
      args.add("--jobkit.auth.admin-key=" + adminKey);
    }
    if (extraArgs.stream().noneMatch(a -> a.startsWith("--jobkit.executor.stop-grace-period="))) {
      args.add("--jobkit.executor.stop-grace-period=2s");
    }
    args.add("--logging.level.root=warn");
    args.add("--logging.level.dev.jobkit=warn");
    // The JDK's HTTP server behind the tests' proxies warns about every 204 it forwards.
    args.add("--logging.level.com.sun.net.httpserver=error");
    args.addAll(extraArgs);
    SpringApplication app = new SpringApplication(JobkitServerApplication.class);
    app.setListeners(
        app.getListeners().stream()
            .map(l -> l instanceof LoggingApplicationListener ? new LoggingKept() : l)
            .toList());
    // One start at a time in this JVM: Spring Boot's logging set-up of one start iterates the
    // system properties while another start sets some (ConcurrentModificationException), and test
    // classes run in parallel.
    synchronized (STARTING) {
      context = app.run(args.toArray(String[]::new));
    }
  }

  private static final Object STARTING = new Object();

  /**
   * Spring Boot's logging set-up, without its clean-up: at a service's stop (through a lifecycle
   * bean it registers) and at a failed start, Boot marks the JVM's logging as not set up, and the
   * next start then resets it. In this JVM several services run at once (test classes run in
   * parallel), and the others log on meanwhile, into a context with no appender at its reset level,
   * {@code DEBUG}: the build printed logback's "No appenders present" for them, and their lines of
   * that moment were lost. The logging of the tests' JVM is set up once and kept.
   */
  private static final class LoggingKept extends LoggingApplicationListener {

    // Boot registers its clean-up under this name unless a bean of the name is there.
    private static final String CLEAN_UP = "springBootLoggingLifecycle";

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
      if (event instanceof ApplicationFailedEvent) {
        return;
      }
      if (event instanceof ApplicationPreparedEvent prepared) {
        ConfigurableListableBeanFactory beans = prepared.getApplicationContext().getBeanFactory();
        if (!beans.containsBean(CLEAN_UP)) {
          beans.registerSingleton(CLEAN_UP, new Object());
        }
      }
      super.onApplicationEvent(event);
    }
  }

  /**
   * Stops the service, runs {@code whileDown}, and starts it again on the same port, so that
   * clients of the old one (an open event stream, say) find it again.
   */
  public void restartOnSamePort(Runnable whileDown) {
    port = port();
    stop();
    whileDown.run();
    boot();
  }

  /**
   * Stops the service (its running jobs' processes are killed) and starts it again, on a new port
   * unless it was restarted {@linkplain #restartOnSamePort on the same port} before.
   */
  public void restart() {
    stop();
    boot();
  }

  public void stop() {
    if (context != null) {
      context.close();
      context = null;
    }
  }

  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Where the files of job {@code jobId} live: {@code <data-dir>/jobs/<id>}. */
  public Path jobDir(String jobId) {
    return dataDir.resolve("jobs").resolve(jobId);
  }

  /** A client authenticated as the admin. */
  public Api admin() {
    if (adminKey == null) {
      throw new IllegalStateException(
          "this service was started without a configured admin key; read it from "
              + dataDir.resolve("credentials"));
    }
    return new Api(baseUrl(), adminKey);
  }

  /** A client with the given key, right or wrong. */
  public Api withKey(String key) {
    return new Api(baseUrl(), key);
  }

  /** A client with no key at all. */
  public Api anonymous() {
    return new Api(baseUrl(), null);
  }

  /**
   * Creates a user with the given scheduling mode and returns a client with a new key of theirs.
   */
  public Api newUser(String name, String mode) {
    return newUser(admin(), name, mode);
  }

  /**
   * {@link #newUser(String, String)} with a given admin's client (a service without the harness's
   * key).
   */
  public Api newUser(Api admin, String name, String mode) {
    admin
        .post("/api/v1/users", "{\"name\":\"" + name + "\",\"scheduling_mode\":\"" + mode + "\"}")
        .expect(201);
    String key =
        admin.post("/api/v1/users/" + name + "/keys", "").expect(201).json().get("key").asString();
    return new Api(baseUrl(), key, name);
  }

  /** Whatever the application context holds, for tests that look inside. */
  public <T> T bean(Class<T> type) {
    return context.getBean(type);
  }

  /** Stops the service and, if {@link #start} made its data dir, deletes it. */
  @Override
  public void close() {
    stop();
    if (ownsDataDir) {
      org.springframework.util.FileSystemUtils.deleteRecursively(dataDir.toFile());
    }
  }
}
