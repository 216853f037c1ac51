package dev.jobkit.bench;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Figure 1: no-op jobs through their whole lifecycle, against spawning the same command directly.
 * The service's rate runs from the first submission to the last {@code finished_at}; the direct
 * rate spawns and waits for the same number of processes on as many threads as the service has
 * slots.
 */
final class Throughput {

  /** Medians over the rounds; the ratio is the median of the rounds' own ratios. */
  record Result(
      int jobs,
      int slots,
      double serviceRate,
      double directRate,
      double sequentialRate,
      double ratio) {}

  private static final List<String> COMMAND = List.of("true");
  private static final int BATCH = 100;

  private final RunningService service;
  private final int jobs;
  private final int slots;
  private final int rounds;
  private final int warmUpJobs;

  Throughput(RunningService service, int jobs, int slots, int rounds, int warmUpJobs) {
    this.service = service;
    this.jobs = jobs;
    this.slots = slots;
    this.rounds = rounds;
    this.warmUpJobs = warmUpJobs;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("throughput", "parallel");
    // Warm up as JMH would, until steady state: on 2 cores the JIT keeps compiling the service's
    // paths (H2's above all) for thousands of jobs. Measured here with 1,000 warm-up jobs, rounds
    // of 2,000 ran at 368, 443, 447, 587, 749, 790 jobs/s, the JVM's CPU per job falling from 4.6
    // to 1.8 ms; timing the early rounds would time the compiler.
    System.out.printf(
        "  warm-up: 1000 direct spawns, %d jobs through the service (until the JIT is done)%n",
        warmUpJobs);
    spawnParallel(1000, slots);
    for (int done = 0; done < warmUpJobs; done += 2000) {
      runThroughService(user, Math.min(2000, warmUpJobs - done));
    }

    double sequential = 500 / seconds(spawnParallel(500, 1));
    System.out.printf("  direct spawn of %s, sequential: %.0f/s%n", COMMAND, sequential);
    double likeExecutor = jobs / seconds(spawnLikeExecutor(jobs, slots));
    System.out.printf(
        "  (for reference, not in the ratio: spawned as the executor's fallback does, through"
            + " setsid with output appended to a file: %.0f/s on %d threads)%n",
        likeExecutor, slots);

    // This machine's speed wanders by tens of percent from minute to minute: each round times the
    // direct spawns and the service back to back, and the figures are the rounds' medians.
    List<Double> directRates = new ArrayList<>();
    List<Double> serviceRates = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
    List<java.util.Map<String, Object>> rows = List.of();
    for (int round = 1; round <= rounds; round++) {
      double direct = jobs / seconds(spawnParallel(jobs, slots));
      H2Statements statements = new H2Statements(service);
      statements.start();
      long cpuBefore = cpuNanos();
      Duration elapsed = runThroughService(user, jobs);
      long cpu = cpuNanos() - cpuBefore;
      rows = statements.stop();
      double serviceRate = jobs / seconds(elapsed);
      directRates.add(direct);
      serviceRates.add(serviceRate);
      ratios.add(serviceRate / direct);
      System.out.printf(
          "  round %d: direct %.0f/s on %d threads; service %d jobs in batches of %d, %.0f jobs/s;"
              + " ratio %.2f; this JVM used %.1f ms of CPU per job (%.0f%% of the %d cores);"
              + " load average %.1f%n",
          round,
          direct,
          slots,
          jobs,
          BATCH,
          serviceRate,
          serviceRate / direct,
          cpu / 1e6 / jobs,
          100.0 * cpu / elapsed.toNanos() / Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().availableProcessors(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
    System.out.println("  the costliest statements of the last round, as H2 timed them:");
    H2Statements.print(rows, 8);
    return new Result(
        jobs,
        slots,
        Stats.median(serviceRates),
        Stats.median(directRates),
        sequential,
        Stats.median(ratios));
  }

  /**
   * Submits {@code count} jobs of {@code true} in batches of 100 as {@code user}; the time from the
   * first submit to the last {@code finished_at}. The user's other jobs must have ended.
   */
  static Duration runThroughService(RunningService.Client user, int count) throws Exception {
    String spec = "{\"command\":[\"true\"]}";
    List<String> ids = new ArrayList<>();
    Instant first = Instant.now();
    for (int done = 0; done < count; done += BATCH) {
      int size = Math.min(BATCH, count - done);
      String body =
          "{\"jobs\":[" + String.join(",", java.util.Collections.nCopies(size, spec)) + "]}";
      for (JsonNode job : user.send("POST", "/api/v1/jobs/batch", body, 201).get("items")) {
        ids.add(job.get("id").asString());
      }
    }
    String active =
        Arrays.stream(JobStatus.values())
            .filter(s -> !s.isTerminal())
            .map(s -> "status=" + s.name())
            .collect(Collectors.joining("&"));
    while (!user.get("/api/v1/jobs?owner=me&limit=1&" + active).get("items").isEmpty()) {
      Thread.sleep(200); // the clock stops at the last finished_at, not at this poll
    }
    // Read back every job of this round: all must have succeeded; the last finish ends the clock.
    Instant last = first;
    int succeeded = 0;
    java.util.Set<String> mine = new java.util.HashSet<>(ids);
    String cursor = null;
    do {
      JsonNode page =
          user.get(
              "/api/v1/jobs?owner=me&limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      for (JsonNode job : page.get("items")) {
        if (mine.remove(job.get("id").asString())) {
          if (!"SUCCEEDED".equals(job.get("status").asString())) {
            throw new IllegalStateException("job did not succeed: " + job);
          }
          succeeded++;
          Instant finished = Instant.parse(job.get("finished_at").asString());
          if (finished.isAfter(last)) {
            last = finished;
          }
        }
      }
      JsonNode next = page.get("next_cursor");
      cursor = next == null || next.isNull() ? null : next.asString();
    } while (cursor != null && !mine.isEmpty());
    if (succeeded != count) {
      throw new IllegalStateException(succeeded + " of " + count + " jobs found SUCCEEDED");
    }
    return Duration.between(first, last);
  }

  /** Spawns {@code count} processes of the command, {@code threads} at a time, each waited for. */
  static Duration spawnParallel(int count, int threads) throws Exception {
    return spawn(count, threads, () -> new ProcessBuilder(COMMAND));
  }

  /** As {@link #spawnParallel}, but through setsid with output appended to a file. */
  static Duration spawnLikeExecutor(int count, int threads) throws Exception {
    java.io.File log = java.io.File.createTempFile("jobkit-bench-", ".log");
    try {
      List<String> argv = new ArrayList<>(List.of("setsid"));
      argv.addAll(COMMAND);
      return spawn(
          count,
          threads,
          () ->
              new ProcessBuilder(argv)
                  .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.appendTo(log)));
    } finally {
      log.delete();
    }
  }

  private static Duration spawn(
      int count, int threads, java.util.function.Supplier<ProcessBuilder> builder)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long start = System.nanoTime();
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int share = count / threads + (t < count % threads ? 1 : 0);
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < share; i++) {
                    int code = builder.get().start().waitFor();
                    if (code != 0) {
                      throw new IllegalStateException(COMMAND + " exited with " + code);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get();
      }
      return Duration.ofNanos(System.nanoTime() - start);
    } finally {
      pool.shutdownNow();
    }
  }

  /** CPU time used by this JVM (the service and the client), not by the jobs' processes. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
