package dev.jobkit.server.exec;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.CodeSource;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.commons.math3.util.FastMath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The classpath the programs of the shipped apps run on, staged where their pods can read it: at
 * each start the classes of {@code dev.jobkit.server.ml.run} are copied from the service's own
 * classpath (its jar, or {@code target/classes} in tests) into {@code
 * <data-dir>/apps/jobkit-apps.jar}, and Apache Commons Math's jar, as it is, next to it as {@code
 * commons-math3.jar} (named by the first jar's {@code Class-Path}). When pods run as other users
 * (the service is root) {@code apps/} is {@code 0710} and the jars {@code 0640}, all with the
 * run-as group, like the data dir itself: a pod may read those jars and nothing else there. They
 * run on the service's own {@code java} ({@code java.home}).
 *
 * <p>Commons Math is copied whole, not class by class: its 1,300 classes inflated and deflated
 * again took about 0.3 s of CPU at every start, beside the start itself.
 */
@Component
public class AppClasspath implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(AppClasspath.class);

  /** The apps' programs, as a class-path pattern. */
  private static final String PROGRAMS = "dev/jobkit/server/ml/run/";

  /** Commons Math's jar, next to {@link #jar()}. */
  private static final String MATH_JAR = "commons-math3.jar";

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
    // Commons Math first: the apps' jar names it, so once that is in place both are.
    long mathBytes = place(dir.resolve(MATH_JAR), group, AppClasspath::copyMathJar);
    long programs = place(jar(), group, AppClasspath::writePrograms);
    log.info(
        "staged the shipped apps' classpath ({} classes, and Commons Math's jar of {} KiB) in {}"
            + " ms: {}",
        programs,
        mathBytes / 1024,
        (System.nanoTime() - started) / 1_000_000,
        jar());
    Optional<String> unreachable = users.unreachable(java);
    unreachable.ifPresent(
        why -> log.error("the shipped apps (train, predict) cannot run java {}: {}", java, why));
    return unreachable.map(why -> "their pods cannot run " + java + ": " + why);
  }

  /** Writes one staged file; says how much it wrote (classes, bytes). */
  private interface Content {
    long writeTo(Path target) throws IOException;
  }

  /**
   * Writes {@code file} through a temporary file next to it, with the pods' group and mode, and
   * moves it in place: a pod still running on the last one keeps its open file.
   */
  private static long place(Path file, int group, Content content) throws IOException {
    Path staging = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      long written = content.writeTo(staging);
      if (group >= 0) {
        Files.setAttribute(staging, "unix:gid", group, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rw-r-----"));
      } else {
        Files.setPosixFilePermissions(staging, JobFiles.PRIVATE_FILE);
      }
      Files.move(
          staging, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return written;
    } finally {
      Files.deleteIfExists(staging);
    }
  }

  /**
   * Copies the jar Commons Math is loaded from: a file ({@code lib/} of the extracted service, the
   * local Maven repository in tests) or an entry of the executable jar ({@code jar:nested:…!/}).
   */
  private static long copyMathJar(Path target) throws IOException {
    CodeSource source = FastMath.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IOException("cannot tell which jar Commons Math is loaded from");
    }
    URL location = source.getLocation();
    URLConnection connection = location.openConnection();
    URL jarFile = connection instanceof JarURLConnection jar ? jar.getJarFileURL() : location;
    try (InputStream in = jarFile.openStream()) {
      return Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Writes the apps' programs into a jar whose class path names Commons Math's. */
  private static long writePrograms(Path target) throws IOException {
    PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
    TreeMap<String, Resource> classes = new TreeMap<>();
    for (Resource resource : resolver.getResources("classpath*:" + PROGRAMS + "**/*.class")) {
      String url = resource.getURL().toString();
      classes.putIfAbsent(url.substring(url.lastIndexOf(PROGRAMS)), resource);
    }
    if (classes.isEmpty()) {
      throw new IOException("the service's classpath lacks the apps' classes: " + PROGRAMS);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, MATH_JAR);
    try (OutputStream file = Files.newOutputStream(target);
        JarOutputStream jar = new JarOutputStream(file, manifest)) {
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
