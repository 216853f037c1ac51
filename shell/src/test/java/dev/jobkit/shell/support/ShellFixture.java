package dev.jobkit.shell.support;

import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.guard.Confirmers;
import dev.jobkit.sdk.guard.FlushScope;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.server.support.JobkitService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * What the shell's integration tests run on, as a JUnit extension: the JVM's shared service with a
 * user of the class's own ({@link JobkitService}), that user's SDK client for arranging and
 * checking, a data dir of the class's own for the shell (its history and config, never ~), and the
 * packaged shell pointed at them, one-shot or in a terminal. After each test the user's active jobs
 * are flushed, unless the class keeps them for all its tests.
 *
 * <pre>{@code
 * @RegisterExtension static final ShellFixture shell = ShellFixture.create("NO_COLOR", "1");
 *
 * Jobkit.Result list = shell.run("job", "list");
 * try (Tmux tmux = shell.interactive()) { ... }
 * }</pre>
 */
public final class ShellFixture implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

  /**
   * How long a test waits for a screen, a job or a command: returns as soon as it is there.
   * Generous: CI machines have stalled for over a minute under the whole suite.
   */
  public static final Duration SCREEN = Duration.ofSeconds(120);

  private final JobkitService service = JobkitService.shared();
  private final String[] extraEnv;
  private boolean flushAfterEach = true;
  private Path home;
  private JobkitClient client;

  private ShellFixture(String[] extraEnv) {
    this.extraEnv = extraEnv;
  }

  /**
   * The fixture; {@code extraEnv} are more name/value pairs for the shell ({@code NO_COLOR, 1}).
   */
  public static ShellFixture create(String... extraEnv) {
    return new ShellFixture(extraEnv);
  }

  /** Keeps the user's jobs from one test to the next (the class arranges them once). */
  public ShellFixture keepingJobsBetweenTests() {
    this.flushAfterEach = false;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    service.beforeAll(context);
    try {
      home = Files.createTempDirectory("jobkit-shell-home-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    client = service.client(service.userKey());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (flushAfterEach) {
      client.guarded(Confirmers.assumeYes()).flush(FlushScope.ACTIVE);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      service.afterAll(context);
    } finally {
      FileSystemUtils.deleteRecursively(home.toFile());
    }
  }

  /** The service and the class's user. */
  public JobkitService service() {
    return service;
  }

  /** The class's user through the SDK: for arranging and checking, not for what is tested. */
  public JobkitClient client() {
    return client;
  }

  /** The shell's data dir. */
  public Path home() {
    return home;
  }

  /** The shell's environment: the service's URL, the user's key, the data dir, the extras. */
  public Map<String, String> env() {
    return Jobkit.env(service, home, extraEnv);
  }

  /** One command of the packaged shell without a terminal. */
  public Jobkit.Result run(String... args) {
    return Jobkit.run(env(), args);
  }

  /** The interactive shell in a terminal, once its prompt shows. */
  public Tmux interactive() {
    return Jobkit.interactive(env(), SCREEN);
  }

  /** A job named {@code name} that sleeps for five minutes, once it is RUNNING. */
  public Job sleeper(String name) {
    Job job =
        client.jobs().submit(JobSpec.builder().command("sleep", "300").displayName(name).build());
    return client.jobs().await(job.id(), s -> s == JobStatus.RUNNING, SCREEN);
  }
}
