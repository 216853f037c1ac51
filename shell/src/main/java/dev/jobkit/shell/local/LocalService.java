package dev.jobkit.shell.local;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The job service of one data dir, run as a detached background process so that jobs outlive the
 * shell that started it. Its pid and port are recorded in {@code <data-dir>/service.properties},
 * its output goes to {@code <data-dir>/service.log}, and its admin key is read from {@code
 * <data-dir>/credentials} (or {@code JOBKIT_ADMIN_KEY}, which the service prefers too).
 */
public final class LocalService {

  /**
   * How long a start may take before the shell gives up when {@code JOBKIT_START_TIMEOUT} is not
   * set. The service needs about 10 s on an idle two-core machine; a loaded one (a build, a busy
   * laptop) can take many times that, and waiting costs less than a failed first command.
   */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(3);

  private final Path dataDir;

  private LocalService(Path dataDir) {
    this.dataDir = dataDir.toAbsolutePath().normalize();
  }

  /** The local service of {@code dataDir} (nothing is started). */
  public static LocalService of(Path dataDir) {
    return new LocalService(dataDir);
  }

  /**
   * The data dir: {@code JOBKIT_HOME} if set, else {@code ~/.jobkit}, or {@code /var/lib/jobkit}
   * for root (the service's own default: its pods run as unprivileged users, who cannot pass
   * through {@code /root}).
   */
  public static Path defaultDataDir() {
    String home = System.getenv("JOBKIT_HOME");
    if (home != null && !home.isBlank()) {
      return Paths.get(home.strip());
    }
    if (new UnixSystem().getUid() == 0) {
      return Paths.get("/var/lib/jobkit");
    }
    return Paths.get(System.getProperty("user.home"), ".jobkit");
  }

  /** This service's data dir. */
  public Path dataDir() {
    return dataDir;
  }

  /** Where the service writes its output. */
  public Path logFile() {
    return dataDir.resolve("service.log");
  }

  private Path stateFile() {
    return dataDir.resolve("service.properties");
  }

  /**
   * A running service process of this data dir as recorded in its state file, whether or not it
   * answers yet.
   */
  public Optional<Running> recorded() {
    Path file = stateFile();
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(reader);
      Running running =
          new Running(
              Long.parseLong(p.getProperty("pid")),
              Integer.parseInt(p.getProperty("port")),
              Instant.parse(p.getProperty("started_at")));
      return running.alive() ? Optional.of(running) : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      // A half-written or foreign file: treat the service as not running; a start rewrites it.
      return Optional.empty();
    }
  }

  /** The running service if it answers its health check now. */
  public Optional<Running> running() {
    return recorded().filter(Running::healthy);
  }

  /**
   * The running service, started first if needed; waits until it answers. Two shells starting at
   * once start one service: the check and the start happen under a file lock.
   *
   * @param progress told, in words, what is happening (for example "starting the local service")
   * @throws ServiceUnavailableException if it could not be started
   */
  public Running ensureRunning(Consumer<String> progress) {
    Duration timeout = startTimeout(); // a bad setting is refused before anything starts
    try {
      Files.createDirectories(dataDir);
      try (FileChannel channel =
              FileChannel.open(
                  dataDir.resolve("service.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        Optional<Running> recorded = recorded();
        if (recorded.isPresent()) {
          if (!recorded.get().healthy()) {
            progress.accept("waiting for the local service (pid " + recorded.get().pid() + ")");
            awaitHealthy(recorded.get(), null, timeout);
          }
          return recorded.get();
        }
        progress.accept(
            "starting the local service of " + dataDir + " (output in " + logFile() + ")");
        return start(ServiceLaunch.local(), timeout);
      }
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot use the data dir " + dataDir + ": " + e, e);
    }
  }

  /** Starts the service as {@code launch} says (no lock taken) and waits until it answers. */
  Running start(ServiceLaunch launch, Duration timeout) throws IOException {
    Files.createDirectories(dataDir);
    int port = freePort();
    List<String> command = new ArrayList<>();
    // setsid: the service leads its own session, so closing the shell's terminal (SIGHUP to its
    // process group) leaves it and its jobs running.
    if (Files.isExecutable(Paths.get("/usr/bin/setsid"))
        || Files.isExecutable(Paths.get("/bin/setsid"))) {
      command.add("setsid");
    }
    command.addAll(launch.command());
    command.add("--server.port=" + port);
    command.add("--server.address=127.0.0.1");
    command.add("--jobkit.data-dir=" + dataDir);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // The service takes its settings from its arguments; a shell pointed elsewhere must not leak
    // that into the service it starts.
    builder.environment().remove("JOBKIT_URL");
    builder.environment().remove("JOBKIT_API_KEY");
    Process process = builder.start();
    Running running = new Running(process.pid(), port, Instant.now());
    writeState(running);
    awaitHealthy(running, process, timeout);
    return running;
  }

  /**
   * How long a start may take: {@code JOBKIT_START_TIMEOUT} (a duration such as {@code 5m}), else
   * {@link #DEFAULT_START_TIMEOUT}.
   *
   * @throws ServiceUnavailableException if the variable is set to something that is no duration
   */
  public static Duration startTimeout() {
    String given = System.getenv("JOBKIT_START_TIMEOUT");
    if (given == null || given.isBlank()) {
      return DEFAULT_START_TIMEOUT;
    }
    try {
      return dev.jobkit.shell.render.Times.parseDuration(given, "JOBKIT_START_TIMEOUT");
    } catch (IllegalArgumentException e) {
      throw new ServiceUnavailableException(e.getMessage(), e);
    }
  }

  private void awaitHealthy(Running running, Process process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!running.healthy()) {
      boolean dead = process != null ? !process.isAlive() : !running.alive();
      if (dead) {
        deleteState();
        throw new ServiceUnavailableException(
            "the local service exited during its start; the end of "
                + logFile()
                + ":\n"
                + logTail());
      }
      if (System.nanoTime() > deadline) {
        throw new ServiceUnavailableException(
            "the local service (pid "
                + running.pid()
                + ") did not answer within "
                + dev.jobkit.shell.render.Times.short_(timeout)
                + " (JOBKIT_START_TIMEOUT=10m waits longer); it goes on starting. The end of "
                + logFile()
                + ":\n"
                + logTail());
      }
      try {
        // Polling a process we do not own: there is no event to wait for. A refused connection
        // costs microseconds, so a short interval costs nothing and answers up to 20 ms late.
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException(
            "interrupted while the local service was starting", e);
      }
    }
  }

  /**
   * Stops the running service (its running jobs are ended by its shutdown) and waits until its
   * process is gone.
   *
   * @return the service that was stopped, or empty if none was running
   */
  public Optional<Running> stop(Duration timeout) {
    Optional<Running> recorded = recorded();
    if (recorded.isEmpty()) {
      deleteState();
      return Optional.empty();
    }
    ProcessHandle handle = ProcessHandle.of(recorded.get().pid()).orElse(null);
    if (handle != null) {
      handle.destroy();
      try {
        handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException slow) {
        handle.destroyForcibly();
        handle.onExit().join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while stopping the local service", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
    deleteState();
    return recorded;
  }

  /** The admin key of this data dir: {@code JOBKIT_ADMIN_KEY}, else its credentials file. */
  public String adminKey() {
    String env = System.getenv("JOBKIT_ADMIN_KEY");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    Path file = dataDir.resolve("credentials");
    Properties credentials = new Properties();
    try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      credentials.load(reader);
    } catch (IOException e) {
      throw new ServiceUnavailableException(
          "cannot read the admin key of the local service from " + file + ": " + e.getMessage(), e);
    }
    String key = credentials.getProperty("admin_key");
    if (key == null || key.isBlank()) {
      throw new ServiceUnavailableException(file + " has no admin_key line");
    }
    return key.strip();
  }

  private void writeState(Running running) throws IOException {
    Path tmp = dataDir.resolve("service.properties.tmp");
    Files.writeString(
        tmp,
        "# The local job service started by the jobkit shell.\npid="
            + running.pid()
            + "\nport="
            + running.port()
            + "\nstarted_at="
            + running.startedAt()
            + "\n",
        StandardCharsets.UTF_8);
    Files.move(
        tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void deleteState() {
    try {
      Files.deleteIfExists(stateFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /**
   * The server's executable jar: {@code JOBKIT_SERVER_JAR}, else {@code jobkit-server.jar} next to
   * the shell's jar (the build puts it there), else {@code server/target/jobkit-server.jar} of the
   * source tree.
   */
  public static Path serverJar() {
    String configured = System.getenv("JOBKIT_SERVER_JAR");
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured.strip());
    }
    List<Path> candidates = new ArrayList<>();
    try {
      Path self =
          Paths.get(LocalService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path dir = Files.isDirectory(self) ? self.getParent() : self.getParent();
      candidates.add(dir.resolve("jobkit-server.jar"));
      candidates.add(dir.getParent().getParent().resolve("server/target/jobkit-server.jar"));
    } catch (URISyntaxException | RuntimeException unknownLocation) {
      // Fall through to the working directory's source tree.
    }
    candidates.add(Paths.get("server/target/jobkit-server.jar"));
    return candidates.stream()
        .filter(Files::isRegularFile)
        .findFirst()
        .orElseThrow(
            () ->
                new ServiceUnavailableException(
                    "cannot find the service's jar (looked at "
                        + candidates
                        + "); build it with 'mvn -B -q -DskipTests package' or set"
                        + " JOBKIT_SERVER_JAR"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /**
   * A service process.
   *
   * @param pid its process id
   * @param port the port it listens on (127.0.0.1)
   * @param startedAt when the shell started it
   */
  public record Running(long pid, int port, Instant startedAt) {

    /** Its address. */
    public String url() {
      return "http://127.0.0.1:" + port;
    }

    /** Whether its process exists. */
    public boolean alive() {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Whether it answers its health check. */
    public boolean healthy() {
      // One HTTP/1.1 request on a socket of its own, not HttpURLConnection (whose first use
      // looks for URL handlers in every jar of the class path: 25 ms of a one-shot command) nor
      // java.net.http (a selector thread and an SSL context): the service is on 127.0.0.1 and
      // answers "HTTP/1.1 200" on its first line when it is up.
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
        socket.setSoTimeout(2000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] first = new byte[12]; // "HTTP/1.1 200"
        int read = socket.getInputStream().readNBytes(first, 0, first.length);
        String status = new String(first, 0, read, StandardCharsets.US_ASCII);
        return status.startsWith("HTTP/1.") && status.endsWith(" 200");
      } catch (IOException e) {
        return false;
      }
    }
  }
}
