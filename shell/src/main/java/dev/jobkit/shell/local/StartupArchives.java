package dev.jobkit.shell.local;

import dev.jobkit.sdk.JobQuery;
import dev.jobkit.sdk.JobkitClient;
import dev.jobkit.sdk.StatsQuery;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobSpec;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.shell.local.Jvms.Jvm;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The build's last step for the shell ({@code package}): chooses the Java that {@code ./jobkit} and
 * the local service will run on ({@link Jvms#chosen()}), extracts the service's jar into {@code
 * target/service/}, and trains a start-up archive for each:
 *
 * <ul>
 *   <li>the service: started from the extracted jar in Spring's AOT mode with {@code
 *       -XX:AOTCacheOutput} (Java 25+: classes loaded and linked, and method profiles) or {@code
 *       -XX:ArchiveClassesAtExit} (a dynamic CDS archive), it runs a real workload over HTTP
 *       through the SDK (single and batch submits of no-op jobs until they end, reads, lists, logs,
 *       events, statistics) and is stopped, which writes the archive;
 *   <li>the shell: its one-shot training ({@code --cds-training}) with the same Java; {@code
 *       target/jobkit.launch} then holds that Java and the options {@code ./jobkit} runs it with.
 * </ul>
 *
 * <p>{@code java -cp target/jobkit.jar dev.jobkit.shell.local.StartupArchives target}; a failure
 * fails the build, with the training run's output.
 */
public final class StartupArchives {

  private static final int SINGLE_SUBMITS = 200;
  private static final int BATCHES = 10;
  private static final int BATCH_SIZE = 30;

  private StartupArchives() {}

  /**
   * Runs the step.
   *
   * @param args the build's target directory
   */
  public static void main(String[] args) throws Exception {
    Path target = Paths.get(args[0]).toAbsolutePath();
    Jvm jvm = Jvms.chosen();
    Path service = extract(jvm, target.resolve("jobkit-server.jar"), target);
    trainService(jvm, service);
    trainShell(jvm, target);
  }

  private static Path extract(Jvm jvm, Path jar, Path target) throws IOException {
    Path dir = target.resolve(ServiceLaunch.SERVICE_DIR);
    deleteTree(dir);
    run(
        List.of(
            jvm.java().toString(),
            "-Djarmode=tools",
            "-jar",
            jar.toString(),
            "extract",
            "--destination",
            dir.toString()),
        target.resolve("service-extract.log"));
    return dir.resolve(jar.getFileName());
  }

  private static void trainService(Jvm jvm, Path jar) throws Exception {
    train(jvm, jar, jar.resolveSibling(ServiceLaunch.archiveName(jvm)), StartupArchives::workload);
    ServiceLaunch.recordArchive(jar.getParent(), jvm);
  }

  /**
   * Starts the extracted service {@code jar} in training mode on a new data dir, runs {@code
   * workload} against it and stops it, which writes its archive at {@code archive}. The service is
   * stopped and its data dir deleted whatever happens: it runs detached, and a build that failed
   * must not leave it running. When the workload, the stop or the archive fails, no archive is left
   * at {@code archive}.
   */
  static void train(Jvm jvm, Path jar, Path archive, Consumer<JobkitClient> workload)
      throws Exception {
    Path dataDir = Files.createTempDirectory("jobkit-training-");
    LocalService service = LocalService.of(dataDir);
    try {
      try {
        LocalService.Running running =
            service.start(ServiceLaunch.training(jvm, jar, archive), Duration.ofMinutes(5));
        try (JobkitClient client =
            JobkitClient.builder().baseUrl(running.url()).apiKey(service.adminKey()).build()) {
          workload.accept(client);
        }
      } finally {
        // A stop ends the JVM normally, which writes the archive.
        service.stop(Duration.ofMinutes(5));
      }
      if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
        throw new IllegalStateException(
            "the service's training run wrote no archive at "
                + archive
                + "; its output:\n"
                + Files.readString(service.logFile(), StandardCharsets.UTF_8));
      }
    } catch (Exception | Error e) {
      // An archive of a workload cut short is no archive to start from.
      Files.deleteIfExists(archive);
      throw e;
    } finally {
      deleteTree(dataDir);
    }
  }

  /** What a new user does first: jobs one by one and in batches, then reads them back. */
  private static void workload(JobkitClient client) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < SINGLE_SUBMITS; i++) {
      ids.add(
          client
              .jobs()
              .submit(JobSpec.builder().command("true").displayName("training").build())
              .id());
    }
    for (int b = 0; b < BATCHES; b++) {
      List<JobSpec> batch =
          IntStream.range(0, BATCH_SIZE)
              .mapToObj(i -> JobSpec.builder().shell("echo training " + i).build())
              .toList();
      client.jobs().submitBatch(batch).forEach(job -> ids.add(job.id()));
    }
    for (String id : ids) {
      client.jobs().await(id, JobStatus::isTerminal, Duration.ofMinutes(5));
    }
    Job last = client.jobs().get(ids.get(ids.size() - 1));
    client.jobs().events(last.id());
    client.jobs().logs(last.id()).tail();
    client.jobs().list(JobQuery.builder().status("succeeded").build());
    client.jobs().list(JobQuery.all());
    client.stats(StatsQuery.all());
  }

  private static void trainShell(Jvm jvm, Path target) throws IOException {
    Path archive = target.resolve(jvm.aotCache() ? "jobkit.aot" : "jobkit.jsa");
    Files.deleteIfExists(target.resolve("jobkit.aot"));
    Files.deleteIfExists(target.resolve("jobkit.jsa"));
    // The options ./jobkit runs with: a one-shot command is class loading, not compiled code.
    List<String> options = new ArrayList<>();
    if (jvm.restrictsNativeAccess()) {
      options.add("--enable-native-access=ALL-UNNAMED"); // JLine's terminal
    }
    options.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    List<String> command = new ArrayList<>();
    command.add(jvm.java().toString());
    command.addAll(options);
    command.add((jvm.aotCache() ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + archive);
    command.addAll(List.of("-jar", target.resolve("jobkit.jar").toString(), "--cds-training"));
    run(command, target.resolve("shell-training.log"));
    options.add((jvm.aotCache() ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + archive);
    // A stale archive (the jar rebuilt since) is skipped, never reported on a command's output.
    options.addAll(
        jvm.aotCache() ? List.of("-Xlog:aot*=off", "-Xlog:cds*=off") : List.of("-Xlog:cds*=off"));
    List<String> launch = new ArrayList<>();
    launch.add(jvm.java().toString());
    launch.addAll(options);
    Files.write(target.resolve("jobkit.launch"), launch, StandardCharsets.UTF_8);
  }

  private static void run(List<String> command, Path log) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not end in 10 minutes");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command)
              + " exited "
              + process.exitValue()
              + ":\n"
              + Files.readString(log, StandardCharsets.UTF_8));
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(StartupArchives::delete);
    }
  }

  private static void delete(Path path) {
    try {
      Files.delete(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
