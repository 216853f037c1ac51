package dev.jobkit.shell.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Java runtimes on this machine, and the one the local service and the shell run on: {@code
 * JOBKIT_JAVA_HOME} if set, else the newest one present, Java 17 at the least. A newer JVM starts
 * the service faster (Java 24 and later map an AOT cache of loaded and linked classes and, from 25,
 * method profiles; docs/server.md, Start-up).
 */
public final class Jvms {

  /** The oldest Java the service runs on. */
  public static final int FLOOR = 17;

  private static final Pattern VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)[^\"]*\"");

  private static final List<String> INSTALL_DIRS =
      List.of("/usr/lib/jvm", "/usr/java", "/opt/java", "/Library/Java/JavaVirtualMachines");

  private Jvms() {}

  /**
   * One Java runtime.
   *
   * @param home its home directory
   * @param feature its feature version (17, 21, 25 …)
   */
  public record Jvm(Path home, int feature) {

    /** Its {@code java} launcher. */
    public Path java() {
      return home.resolve("bin").resolve("java");
    }

    /** Whether it can use an AOT cache ({@code -XX:AOTCache}, JEP 483; profiles from 25). */
    public boolean aotCache() {
      return feature >= 25;
    }

    /** Whether it warns about native access unless allowed ({@code --enable-native-access}). */
    public boolean restrictsNativeAccess() {
      return feature >= 22;
    }
  }

  /** The JVM running this code. */
  public static Jvm current() {
    return new Jvm(Paths.get(System.getProperty("java.home")), Runtime.version().feature());
  }

  /**
   * The runtime to start: {@code JOBKIT_JAVA_HOME} when set (refused if it is no Java {@value
   * #FLOOR}+), else the newest one found, the current one among equals.
   */
  public static Jvm chosen() {
    String configured = System.getenv("JOBKIT_JAVA_HOME");
    if (configured != null && !configured.isBlank()) {
      Path home = Paths.get(configured.strip());
      return at(home)
          .filter(jvm -> jvm.feature() >= FLOOR)
          .orElseThrow(
              () ->
                  new ServiceUnavailableException(
                      "JOBKIT_JAVA_HOME="
                          + configured
                          + " is no Java "
                          + FLOOR
                          + " or later (no bin/java and release file there); unset it to use the"
                          + " newest Java found"));
    }
    return installed().stream()
        .max(Comparator.comparingInt(Jvm::feature))
        .filter(newest -> newest.feature() > current().feature())
        .orElse(current());
  }

  /**
   * Every runtime of Java {@value #FLOOR} or later found in the usual places: this JVM, {@code
   * JAVA_HOME}, and the directories packages install into.
   */
  public static List<Jvm> installed() {
    Map<Path, Jvm> found = new LinkedHashMap<>();
    List<Path> homes = new ArrayList<>();
    homes.add(current().home());
    String javaHome = System.getenv("JAVA_HOME");
    if (javaHome != null && !javaHome.isBlank()) {
      homes.add(Paths.get(javaHome.strip()));
    }
    for (String dir : INSTALL_DIRS) {
      Path base = Paths.get(dir);
      if (!Files.isDirectory(base)) {
        continue;
      }
      try (Stream<Path> children = Files.list(base)) {
        children
            .sorted()
            .forEach(
                child -> {
                  homes.add(child);
                  homes.add(child.resolve("Contents").resolve("Home")); // macOS bundles
                });
      } catch (IOException unreadable) {
        // A directory we may not list holds nothing we can run.
      }
    }
    for (Path home : homes) {
      at(home)
          .filter(jvm -> jvm.feature() >= FLOOR)
          .ifPresent(jvm -> found.putIfAbsent(realPath(jvm.home()), jvm));
    }
    return List.copyOf(found.values());
  }

  /** The runtime at {@code home}, read from its {@code release} file; empty if none is there. */
  static Optional<Jvm> at(Path home) {
    Path release = home.resolve("release");
    if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      Matcher version = VERSION.matcher(Files.readString(release, StandardCharsets.UTF_8));
      return version.find()
          ? Optional.of(new Jvm(home, Integer.parseInt(version.group(1))))
          : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  private static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }
}
