package dev.jobkit.bench;

import dev.jobkit.shell.local.Jvms;
import dev.jobkit.shell.local.ServiceLaunch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Section 14: a fresh service as a new user meets it, no warm-up. Each run starts a service process
 * on a new data dir (embedded H2) and times, from the process's start: {@code /healthz} answering;
 * then {@code singles} no-op jobs submitted one at a time over HTTP (the mean submit, through a
 * blocking client: {@link Io#post}); then, once they have ended, {@code batch_jobs} no-op jobs in
 * batches of 100, first submit → no job active (polled every 10 ms), against spawning {@code true}
 * as often directly on as many threads as the service has slots, timed just before. Two ways to
 * start are measured, alternating: the executable jar as {@code java -jar} on this JVM, and the
 * shell's launcher ({@link ServiceLaunch}: the newest Java, the extracted jar, Spring's AOT mode
 * and the build's start-up archive). A third run per round starts the launcher's way and submits
 * the singles while a job of the same user runs all along ({@code sleep}) in serial mode, so that
 * none of them runs: what a submit costs a cold service alone, against what it costs beside the
 * jobs it started (its batch stage is left out). Two more start the launcher's way and submit the
 * singles (held the same way) while jobs spin on every core, one per slot, at the default {@code
 * jobkit.executor.job-niceness} and at 0: what the jobs' lower priority leaves the service.
 */
final class ColdStart {

  /**
   * Medians over the runs of one way to start; no batch figures (NaN) for held submits, no later
   * rounds (NaN) for them either.
   */
  record Result(
      String name,
      double startMillis,
      double submitMillis,
      double batchRate,
      double ratio,
      double lastRoundMillis) {}

  private static final String KEY = "jk_bench_cold_admin_key_0123456789abcdef";
  private static final int BATCH = 100;

  /** A job that keeps a core busy until it is stopped. */
  private static final String SPIN = "{\"shell\":\"while :; do :; done\",\"max_attempts\":1}";

  private final int runs;
  private final int singles;
  private final int batchJobs;
  private final boolean threads;
  private final int laterRounds;
  private final int slots = Runtime.getRuntime().availableProcessors();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param threads whether to print, for each run, where the service's CPU went during the singles
   *     and how long its threads waited for a core ({@link ThreadTimes})
   * @param laterRounds how many more rounds of {@code singles} submits a run with running jobs
   *     makes after its batch stage, on the same service: how fast it warms up
   */
  ColdStart(int runs, int singles, int batchJobs, boolean threads, int laterRounds) {
    this.runs = runs;
    this.singles = singles;
    this.batchJobs = batchJobs;
    this.threads = threads;
    this.laterRounds = laterRounds;
  }

  List<Result> run() throws Exception {
    Path jar = Path.of("server/target/jobkit-server.jar").toAbsolutePath();
    Path shellCopy = Path.of("shell/target/jobkit-server.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar) || !Files.isRegularFile(shellCopy)) {
      throw new IllegalStateException("bench/run packages the server and the shell first");
    }
    ServiceLaunch launcher = ServiceLaunch.of(shellCopy, Jvms.chosen());
    List<String> plain =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            jar.toString());
    String launcherName =
        "launcher (Java "
            + launcher.jvm().feature()
            + (launcher.archive().isPresent()
                ? launcher.jvm().aotCache() ? ", AOT cache)" : ", CDS)"
                : ", no archive)");
    String plainName = "java -jar (Java " + Runtime.version().feature() + ")";
    System.out.printf("  %s: %s%n", plainName, String.join(" ", plain));
    System.out.printf("  %s: %s%n", launcherName, String.join(" ", launcher.command()));
    List<Run> launcherRuns = new ArrayList<>();
    List<Run> plainRuns = new ArrayList<>();
    List<Run> heldRuns = new ArrayList<>();
    List<Run> nicedRuns = new ArrayList<>();
    List<Run> unnicedRuns = new ArrayList<>();
    String heldName = launcherName + ", jobs held";
    String nicedName = launcherName + ", jobs held, " + slots + " spinning (job-niceness 15)";
    String unnicedName = launcherName + ", jobs held, " + slots + " spinning (job-niceness 0)";
    List<String> unniced = new ArrayList<>(launcher.command());
    unniced.add("--jobkit.executor.job-niceness=0");
    for (int i = 1; i <= runs; i++) {
      plainRuns.add(once(plainName, plain, i, Mode.RUNNING));
      launcherRuns.add(once(launcherName, launcher.command(), i, Mode.RUNNING));
      heldRuns.add(once(heldName, launcher.command(), i, Mode.HELD));
      // Alternating which goes first.
      if (i % 2 == 1) {
        nicedRuns.add(once(nicedName, launcher.command(), i, Mode.SPINNING));
        unnicedRuns.add(once(unnicedName, unniced, i, Mode.SPINNING));
      } else {
        unnicedRuns.add(once(unnicedName, unniced, i, Mode.SPINNING));
        nicedRuns.add(once(nicedName, launcher.command(), i, Mode.SPINNING));
      }
    }
    return List.of(
        summary(plainName, plainRuns),
        summary(launcherName, launcherRuns),
        summary(heldName, heldRuns),
        summary(nicedName, nicedRuns),
        summary(unnicedName, unnicedRuns));
  }

  /**
   * What runs while the singles are submitted: the jobs they start; nothing (a job holds them);
   * nothing of theirs, but a job spinning on every core.
   */
  private enum Mode {
    RUNNING,
    HELD,
    SPINNING
  }

  private record Run(
      double startMillis,
      double submitMillis,
      double batchRate,
      double ratio,
      double lastRoundMillis) {}

  private Run once(String name, List<String> launch, int round, Mode mode) throws Exception {
    Path dataDir = Io.newDataDir("jobkit-bench-cold-");
    Path log = Files.createTempFile("jobkit-bench-cold-", ".log");
    int port = Io.freePort();
    List<String> command = new ArrayList<>(launch);
    command.addAll(
        List.of(
            "--server.port=" + port,
            "--server.address=127.0.0.1",
            "--jobkit.data-dir=" + dataDir,
            "--jobkit.auth.admin-key=" + KEY,
            "--jobkit.scheduling.parallel-limit=" + (singles + batchJobs),
            "--jobkit.limits.max-queued-jobs-per-user=" + Math.max(10_000, singles + batchJobs)));
    String base = "http://127.0.0.1:" + port;
    long t0 = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      while (!healthy(base)) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the service exited:\n" + Files.readString(log));
        }
        Thread.sleep(10);
      }
      double start = (System.nanoTime() - t0) / 1e6;

      List<String> spinning = new ArrayList<>();
      if (mode == Mode.SPINNING) {
        for (int i = 0; i < slots; i++) {
          spinning.add(
              RunningService.JSON
                  .readTree(send(base, "POST", "/api/v1/jobs", SPIN, 201))
                  .get("id")
                  .asString());
        }
        for (String id : spinning) {
          awaitStatus(base, id, "running");
        }
      }
      if (mode != Mode.RUNNING) {
        // Serial: while a job runs, the submitter's next jobs wait in the queue.
        send(base, "PUT", "/api/v1/users/admin/scheduling", "{\"mode\":\"serial\"}", 200);
        send(base, "POST", "/api/v1/jobs", "{\"command\":[\"sleep\",\"600\"]}", 201);
      }
      ThreadTimes times = threads ? ThreadTimes.from(process.pid()) : null;
      double submit = singles(base);
      if (times != null) {
        List<String> lines = times.since(8);
        System.out.printf("  %s, run %d, during the singles: %s%n", name, round, lines.get(0));
        lines.subList(1, lines.size()).forEach(line -> System.out.printf("  %s%n", line));
      }
      for (String id : spinning) {
        // 202 while its processes are being stopped, 200 if it was CANCELED within the call.
        send(base, "POST", "/api/v1/jobs/" + id + "/stop", "", 202, 200);
      }
      for (String id : spinning) {
        awaitStatus(base, id, "canceled");
      }
      if (mode != Mode.RUNNING) {
        System.out.printf(
            "  %s, run %d: /healthz after %.0f ms; %d single submits, %.2f ms each%n",
            name, round, start, singles, submit);
        return new Run(start, submit, Double.NaN, Double.NaN, Double.NaN);
      }
      awaitIdle(base);

      double direct = batchJobs / seconds(Throughput.spawnParallel(batchJobs, slots));
      String spec = "{\"command\":[\"true\"]}";
      long b0 = System.nanoTime();
      for (int done = 0; done < batchJobs; done += BATCH) {
        int size = Math.min(BATCH, batchJobs - done);
        send(
            base,
            "POST",
            "/api/v1/jobs/batch",
            "{\"jobs\":[" + String.join(",", Collections.nCopies(size, spec)) + "]}",
            201);
      }
      awaitIdle(base);
      double batchRate = batchJobs / ((System.nanoTime() - b0) / 1e9);
      int failed =
          RunningService.JSON
              .readTree(send(base, "GET", "/api/v1/jobs?status=failed&limit=1", null, 200))
              .get("items")
              .size();
      if (failed > 0) {
        throw new IllegalStateException("a job failed; the service's output: " + log);
      }
      System.out.printf(
          "  %s, run %d: /healthz after %.0f ms; %d single submits, %.2f ms each; %d jobs in"
              + " batches: %.0f jobs/s, direct %.0f/s, ratio %.2f%n",
          name, round, start, singles, submit, batchJobs, batchRate, direct, batchRate / direct);
      List<String> later = new ArrayList<>();
      double last = Double.NaN;
      for (int r = 2; r <= laterRounds + 1; r++) {
        awaitIdle(base);
        last = singles(base);
        later.add(String.format("%.2f", last));
      }
      if (!later.isEmpty()) {
        System.out.printf(
            "  %s, run %d: rounds 2-%d of %d single submits, same service: %s ms each%n",
            name, round, laterRounds + 1, singles, String.join(", ", later));
      }
      return new Run(start, submit, batchRate, batchRate / direct, last);
    } finally {
      process.destroy();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
      Io.deleteAtEnd(dataDir);
      Files.deleteIfExists(log);
    }
  }

  /** Submits {@code singles} no-op jobs one at a time; the mean submit, in milliseconds. */
  private double singles(String base) {
    long s0 = System.nanoTime();
    for (int i = 0; i < singles; i++) {
      Io.post(base, KEY, "/api/v1/jobs", "{\"command\":[\"true\"]}", 201);
    }
    return (System.nanoTime() - s0) / 1e6 / singles;
  }

  private static Result summary(String name, List<Run> runs) {
    return new Result(
        name,
        Stats.median(runs.stream().map(Run::startMillis).toList()),
        Stats.median(runs.stream().map(Run::submitMillis).toList()),
        Stats.median(runs.stream().map(Run::batchRate).toList()),
        Stats.median(runs.stream().map(Run::ratio).toList()),
        Stats.median(runs.stream().map(Run::lastRoundMillis).toList()));
  }

  private void awaitIdle(String base) throws Exception {
    String active =
        "status=QUEUED&status=CLAIMED&status=STAGED_IN&status=PREPROCESSED&status=RUNNING"
            + "&status=RUN_DONE&status=POSTPROCESSED&status=STAGED_OUT&status=RESTART_READY"
            + "&status=CANCEL_REQUESTED&status=AWAITING_PARENTS";
    while (!RunningService.JSON
        .readTree(send(base, "GET", "/api/v1/jobs?limit=1&" + active, null, 200))
        .get("items")
        .isEmpty()) {
      Thread.sleep(10);
    }
  }

  private void awaitStatus(String base, String id, String status) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!RunningService.JSON
        .readTree(send(base, "GET", "/api/v1/jobs/" + id, null, 200))
        .get("status")
        .asString()
        .equalsIgnoreCase(status)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("job " + id + " is not " + status + " after a minute");
      }
      Thread.sleep(10);
    }
  }

  private boolean healthy(String base) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String send(String base, String method, String path, String body, int... expected) {
    return Io.send(http, base, KEY, method, path, body, expected);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
