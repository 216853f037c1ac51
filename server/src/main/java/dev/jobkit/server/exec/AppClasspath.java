package dev.jobkit.server.exec;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The classpath the programs of the shipped apps run on, staged where their pods can read it: at
 * each start the classes of {@code dev.jobkit.server.ml.run} and of Apache Commons Math are copied
 * from the service's own classpath (its fat jar, or {@code target/classes} and the local Maven
 * repository in tests) into {@code <data-dir>/apps/jobkit-apps.jar}. When pods run as other users
 * (the service is root) {@code apps/} is {@code 0710} and the jar {@code 0640}, both with the
 * run-as group, like the data dir itself: a pod may read that jar and nothing else there. They run
 * on the service's own {@code java} ({@code java.home}).
 */
@Component
public class AppClasspath implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AppClasspath.class);

  /** What the apps' programs need, as class-path patterns. */
  private static final List<String> PACKAGES =
      List.of("dev/jobkit/server/ml/run/", "org/apache/commons/math3/");

  private final Path dir;
  private final PodUsers users;
  private final Path java = Path.of(System.getProperty("java.home"), "bin", "java");
  private volatile boolean running;
  private volatile CompletableFuture<Optional<String>> staged =
      CompletableFuture.completedFuture(Optional.of("the service has not started"));

  AppClasspath(JobkitProperties properties, PodUsers users) {
    this.dir = properties.dataDir().toAbsolutePath().normalize().resolve("apps");
    this.users = users;
  }

  /** The jar the apps' programs run from. */
  public Path jar() {
    return dir.resolve("jobkit-apps.jar");
  }

  /** The argv that runs {@code mainClass} of the staged classpath with the service's java. */
  public List<String> command(String mainClass) {
    return List.of(
        java.toString(), "-Xss1m", "-XX:+UseSerialGC", "-cp", jar().toString(), mainClass);
  }

  /**
   * Why the shipped apps cannot run here, if they cannot: waits for the staging that {@link #start}
   * began (about a second, once per start).
   */
  public Optional<String> problem() {
    try {
      return staged.get(2, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      return Optional.of("staging their classpath failed: " + e.getCause());
    } catch (TimeoutException e) {
      return Optional.of("staging their classpath in " + dir + " takes too long");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted while staging their classpath");
    }
  }

  /**
   * Stages the jar in the background: a start does not wait for it, a submission of the apps does.
   */
  @Override
  public void start() {
    staged = new CompletableFuture<>();
    running = true;
    Thread thread =
        DaemonThreads.named("app-classpath")
            .newThread(
                () -> {
                  try {
                    staged.complete(stage());
                  } catch (IOException | RuntimeException e) {
                    if (running) {
                      log.error("cannot stage the shipped apps' classpath in {}", dir, e);
                    } else {
                      // Stopped meanwhile (a test's data dir may be gone already): nothing to run.
                      log.debug("the service stopped while staging the apps' classpath", e);
                    }
                    staged.completeExceptionally(e);
                  }
                });
    thread.start();
  }

  private Optional<String> stage() throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(dir);
    int group = users.group();
    Files.setPosixFilePermissions(dir, JobFiles.PRIVATE_DIR);
    if (group >= 0) {
      Files.setAttribute(dir, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(dir, JobFiles.PASSAGE_DIR);
    }
    Path staging = Files.createTempFile(dir, "jobkit-apps", ".tmp");
    try {
      int entries = write(staging);
      if (group >= 0) {
        Files.setAttribute(staging, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-r-----"));
      } else {
        Files.setPosixFilePermissions(staging, JobFiles.PRIVATE_FILE);
      }
      // A pod still running on the last one keeps its open file.
      Files.move(
          staging, jar(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      log.info(
          "staged the shipped apps' classpath ({} classes) in {} ms: {}",
          entries,
          (System.nanoTime() - started) / 1_000_000,
          jar());
    } finally {
      Files.deleteIfExists(staging);
    }
    Optional<String> unreachable = users.unreachable(java);
    unreachable.ifPresent(
        why -> log.error("the shipped apps (train, predict) cannot run java {}: {}", java, why));
    return unreachable.map(why -> "their pods cannot run " + java + ": " + why);
  }

  private static int write(Path target) throws IOException {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    TreeMap<String, Resource> classes = new TreeMap<>();
    for (String prefix : PACKAGES) {
      for (Resource resource : resolver.getResources("classpath*:" + prefix + "**/*.class")) {
        String url = resource.getURL().toString();
        int at = url.lastIndexOf(prefix);
        classes.putIfAbsent(url.substring(at), resource);
      }
    }
    if (classes.keySet().stream().noneMatch(name -> name.startsWith(PACKAGES.get(0)))
        || classes.keySet().stream().noneMatch(name -> name.startsWith(PACKAGES.get(1)))) {
      throw new IOException("the service's classpath lacks the apps' classes: " + PACKAGES);
    }
    try (OutputStream file = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(file)) {
      for (var entry : classes.entrySet()) {
        jar.putNextEntry(new JarEntry(entry.getKey()));
        try (InputStream in = entry.getValue().getInputStream()) {
          in.transferTo(jar);
        }
        jar.closeEntry();
      }
    }
    return classes.size();
  }

  @Override
  public void stop() {
    running = false;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return -150; // after DataDirModes has set the data dir's group, before the engine starts
  }
}
