package dev.jobkit.shell.local;

import dev.jobkit.shell.local.Jvms.Jvm;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * How the local service's JVM is started: which Java, which options, which jar.
 *
 * <p>The build leaves, next to the shell's jar, the service's executable jar ({@code
 * jobkit-server.jar}) and the same jar extracted ({@code service/}: the application's jar and its
 * libraries as plain jars, which load faster than nested ones and which a class data archive can
 * name), with a start-up archive trained on a real workload for the Java it chose ({@code
 * service/archive.properties} says which). The service then runs in Spring's AOT mode ({@code
 * -Dspring.aot.enabled=true}: bean definitions worked out by the build), on the newest Java found
 * ({@link Jvms#chosen()}), mapping that archive: an AOT cache on Java 25+, a CDS archive before,
 * with C1 as its only compiler.
 *
 * @param jvm the Java to run
 * @param jar the service's jar
 * @param aotMode whether to run on the bean definitions the build made
 * @param archive the class data archive to map, made by that Java for that jar
 * @param trainingOutput where a training run writes its archive at exit, or null
 */
public record ServiceLaunch(
    Jvm jvm, Path jar, boolean aotMode, Optional<Path> archive, Path trainingOutput) {

  /** The extracted service next to the shell's jar, if the build made it. */
  static final String SERVICE_DIR = "service";

  private static final String ARCHIVE_PROPERTIES = "archive.properties";

  /**
   * The launch of the local service: {@code JOBKIT_SERVER_JAR} as it is if set; else the build's
   * extracted service with its archive when the chosen Java is the one it was trained on; else the
   * executable jar.
   */
  public static ServiceLaunch local() {
    Jvm jvm = Jvms.chosen();
    String configured = System.getenv("JOBKIT_SERVER_JAR");
    if (configured != null && !configured.isBlank()) {
      // Any jar: it may have no AOT-processed bean definitions.
      return new ServiceLaunch(jvm, Paths.get(configured.strip()), false, Optional.empty(), null);
    }
    return of(LocalService.serverJar(), jvm);
  }

  /**
   * The launch of the build's service jar {@code jar} on {@code jvm}: from its extracted copy with
   * its archive when the build made them next to it, else the jar itself.
   */
  public static ServiceLaunch of(Path jar, Jvm jvm) {
    Path extracted = jar.resolveSibling(SERVICE_DIR).resolve(jar.getFileName());
    if (Files.isRegularFile(extracted)) {
      return new ServiceLaunch(jvm, extracted, true, archiveFor(extracted.getParent(), jvm), null);
    }
    return new ServiceLaunch(jvm, jar, true, Optional.empty(), null);
  }

  /** A training run of the extracted service that writes its archive to {@code output} at exit. */
  static ServiceLaunch training(Jvm jvm, Path extractedJar, Path output) {
    return new ServiceLaunch(jvm, extractedJar, true, Optional.empty(), output);
  }

  /** The archive's file name for {@code jvm}: an AOT cache, or a dynamic CDS archive. */
  static String archiveName(Jvm jvm) {
    return jvm.aotCache() ? "jobkit-server.aot" : "jobkit-server.jsa";
  }

  /** Records that {@code dir}'s archive was made by {@code jvm}. */
  static void recordArchive(Path dir, Jvm jvm) throws IOException {
    Properties p = new Properties();
    p.setProperty("java.home", jvm.home().toString());
    p.setProperty("archive", archiveName(jvm));
    try (var writer = Files.newBufferedWriter(dir.resolve(ARCHIVE_PROPERTIES))) {
      p.store(writer, "The start-up archive of this service, and the Java that made it");
    }
  }

  private static Optional<Path> archiveFor(Path dir, Jvm jvm) {
    Properties p = new Properties();
    try (Reader reader =
        Files.newBufferedReader(dir.resolve(ARCHIVE_PROPERTIES), StandardCharsets.UTF_8)) {
      p.load(reader);
    } catch (IOException none) {
      return Optional.empty();
    }
    Path archive = dir.resolve(p.getProperty("archive", archiveName(jvm)));
    boolean sameJava = jvm.home().toString().equals(p.getProperty("java.home"));
    return sameJava && Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
  }

  /** The command line, up to and including the jar; the service's own arguments follow. */
  public List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(jvm.java().toString());
    if (jvm.restrictsNativeAccess()) {
      command.add("--enable-native-access=ALL-UNNAMED"); // JNA: pods, PTYs, credentials
    }
    // C1 only: C2 would spend a core compiling through the start and the first thousands of jobs
    // (on 2 cores, 2.5 s of CPU before /healthz answers), for no throughput a local service shows:
    // spawning processes and writing the database dominate a job (docs/server.md, "Start-up").
    command.add("-XX:TieredStopAtLevel=1");
    // C1 at a tenth of its thresholds (about 20 calls instead of 200): much of a request's path
    // runs a few times a request, so at the default thresholds the first hundreds of submits ran
    // interpreted. Not where an AOT cache (Java 25+) already says what to compile: its training
    // run, at these thresholds, recorded every method the workload compiled, and the service
    // compiles those at their first calls. Lowering the thresholds there as well compiled 27,000
    // methods in the first 600 jobs (C1 half a core all along) and made the start, the submits and
    // the batches slower (docs/server.md, "Start-up").
    if (trainingOutput != null || archive.isEmpty() || !jvm.aotCache()) {
      command.add("-XX:CompileThresholdScaling=0.1");
    }
    // The serial collector, as the JVM itself picks on one core or a small heap: G1's concurrent
    // threads and barriers cost a local service more than its short pauses (docs/server.md).
    command.add("-XX:+UseSerialGC");
    if (trainingOutput != null) {
      command.add(
          (jvm.aotCache() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + trainingOutput);
    }
    archive.ifPresent(
        file -> {
          command.add((jvm.aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + file);
          // A stale archive is skipped, not reported at every start.
          if (jvm.aotCache()) {
            command.add("-Xlog:aot*=off");
          }
          command.add("-Xlog:cds*=off");
        });
    if (aotMode) {
      command.add("-Dspring.aot.enabled=true");
    }
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }
}
