package dev.jobkit.server.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service as a process of its own, from the packaged jar ({@code target/jobkit-server.jar},
 * which the package phase builds before the integration tests), as a person starts it: on a port it
 * chooses and logs, with its output in a file. What a test needs when one JVM must not hold two
 * services, or when a service must die by {@code kill -9}.
 *
 * <pre>{@code
 * try (ServiceProcess service = ServiceProcess.start(dataDir, log, "--jobkit.executor.slots=4")) {
 *   Api admin = service.admin();
 *   ...
 *   service.kill(); // SIGKILL of the JVM itself: no clean stop
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

  private static final Duration START = Duration.ofSeconds(180);

  /** What the service logs once it listens (at info, which {@link #start} turns on). */
  private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

  private final Process process;
  private final Path log;
  private final int port;

  private ServiceProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts the service on {@code dataDir} with the harness's admin key, its output to {@code log},
   * and waits until it answers {@code /healthz}; {@code args} are extra {@code --k=v} settings.
   * Fails with the log if the process exits first.
   */
  public static ServiceProcess start(Path dataDir, Path log, String... args) {
    Process process = launch(dataDir, log, args);
    try {
      int port =
          await()
              .atMost(START)
              .pollInterval(Duration.ofMillis(100))
              .until(() -> portOf(process, log), p -> p > 0);
      ServiceProcess started = new ServiceProcess(process, log, port);
      await()
          .atMost(START)
          .ignoreExceptions()
          .until(
              () -> {
                if (!process.isAlive()) {
                  throw new AssertionError("the service exited:\n" + started.logText());
                }
                return started.admin().get("/healthz").status() == 200;
              });
      return started;
    } catch (RuntimeException | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
  }

  private static Process launch(Path dataDir, Path log, String... args) {
    Path jar = Path.of("target/jobkit-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: the package phase builds it before the integration tests");
    }
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--jobkit.data-dir=" + dataDir,
                "--jobkit.auth.admin-key=" + JobkitServer.ADMIN_KEY,
                "--logging.level.root=warn",
                "--logging.level.org.springframework.boot.tomcat.TomcatWebServer=info"));
    command.addAll(List.of(args));
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int portOf(Process process, Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log) : "";
    if (!process.isAlive()) {
      throw new AssertionError("the service exited with " + process.exitValue() + ":\n" + text);
    }
    Matcher started = TOMCAT_STARTED.matcher(text);
    return started.find() ? Integer.parseInt(started.group(1)) : 0;
  }

  /** The JVM's pid. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The admin, over plain HTTP. */
  public Api admin() {
    return new Api(baseUrl(), JobkitServer.ADMIN_KEY);
  }

  /** The same user's client, at this service. */
  public Api as(Api user) {
    return user.at(baseUrl());
  }

  /** What the service wrote to its output so far. */
  public String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * {@code kill -9} of the JVM itself (the process this class started is {@code java}, no shell in
   * between), waited for: no clean stop, no release of anything it holds.
   */
  public void kill() {
    try {
      process.destroyForcibly().waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whether process {@code pid} is this service or one of its descendants (its pods are its
   * children, in sessions of their own).
   */
  public boolean isAncestorOf(long pid) {
    Optional<ProcessHandle> at = ProcessHandle.of(pid);
    while (at.isPresent()) {
      if (at.get().pid() == process.pid()) {
        return true;
      }
      at = at.get().parent();
    }
    return false;
  }

  /** Stops the service: SIGTERM and a wait of 30 s for a clean stop, then SIGKILL. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
