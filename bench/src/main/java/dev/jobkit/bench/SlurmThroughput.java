package dev.jobkit.bench;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Section 11 (issue 15): no-op jobs through Jobkit's Slurm executor against {@code sbatch} alone,
 * on the same cluster. Throughput: {@code jobs} jobs of {@code true}, first submission to the last
 * end (Jobkit: batches of 100 over HTTP, to the last {@code finished_at}; {@code sbatch}: one
 * {@code sbatch --wrap true} after the other, as a script would, to the {@code squeue} poll, every
 * 20 ms, that finds none left). Submit to running: one job at a time, {@code samples} times, each
 * printing {@code date +%s%N} as its first act; the figure is that time minus the time taken just
 * before the submission (one clock: the same machine). Jobkit's own {@code RUNNING} event is when
 * its pods were submitted to Slurm, printed beside it.
 */
final class SlurmThroughput {

  record Result(
      int jobs,
      double serviceRate,
      double sbatchRate,
      Stats serviceStart,
      Stats sbatchStart,
      Stats serviceRunningEvent) {}

  private static final int BATCH = 100;

  private final RunningService service;
  private final int jobs;
  private final int samples;

  SlurmThroughput(RunningService service, int jobs, int samples) {
    this.service = service;
    this.jobs = jobs;
    this.samples = samples;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("slurmbench", "parallel");
    Path outputs = Io.newDataDir("jobkit-bench-sbatch-");
    try {
      // Warm-up: the first job after a fresh start of the cluster takes seconds.
      viaService(user, 5);
      viaSbatch(5);
      Duration service = viaService(user, jobs);
      Duration sbatch = viaSbatch(jobs);
      double serviceRate = jobs / (service.toNanos() / 1e9);
      double sbatchRate = jobs / (sbatch.toNanos() / 1e9);
      System.out.printf(
          "  %d jobs: Jobkit %.2f s (%.1f jobs/s), sbatch alone %.2f s (%.1f jobs/s)%n",
          jobs, service.toNanos() / 1e9, serviceRate, sbatch.toNanos() / 1e9, sbatchRate);
      List<Long> serviceStarts = new ArrayList<>();
      List<Long> serviceEvents = new ArrayList<>();
      List<Long> sbatchStarts = new ArrayList<>();
      for (int i = 0; i < samples; i++) {
        long[] s = startViaService(user);
        serviceStarts.add(s[0]);
        serviceEvents.add(s[1]);
        sbatchStarts.add(startViaSbatch(outputs));
      }
      Result result =
          new Result(
              jobs,
              serviceRate,
              sbatchRate,
              Stats.ofNanos(serviceStarts),
              Stats.ofNanos(sbatchStarts),
              Stats.ofNanos(serviceEvents));
      System.out.printf("  submit -> running, Jobkit: %s%n", result.serviceStart());
      System.out.printf("  submit -> running, sbatch alone: %s%n", result.sbatchStart());
      System.out.printf(
          "  Jobkit's RUNNING event (pods submitted to Slurm): %s%n", result.serviceRunningEvent());
      return result;
    } finally {
      Io.deleteAtEnd(outputs);
    }
  }

  /** {@code count} jobs through the service; first submission to the last {@code finished_at}. */
  private Duration viaService(RunningService.Client user, int count) throws Exception {
    String spec = "{\"command\":[\"true\"]}";
    Set<String> ids = new HashSet<>();
    Instant first = Instant.now();
    for (int done = 0; done < count; done += BATCH) {
      int size = Math.min(BATCH, count - done);
      String body = "{\"jobs\":[" + String.join(",", Collections.nCopies(size, spec)) + "]}";
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
      Thread.sleep(100); // the clock stops at the last finished_at, not at this poll
    }
    Instant last = first;
    for (String id : ids) {
      JsonNode job = user.get("/api/v1/jobs/" + id);
      if (!"SUCCEEDED".equals(job.get("status").asString())) {
        throw new IllegalStateException("job did not succeed: " + job);
      }
      Instant finished = Instant.parse(job.get("finished_at").asString());
      if (finished.isAfter(last)) {
        last = finished;
      }
    }
    return Duration.between(first, last);
  }

  /** {@code count} {@code sbatch --wrap true}, one after the other, until none is left. */
  private static Duration viaSbatch(int count) throws Exception {
    List<String> ids = new ArrayList<>();
    long first = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ids.add(submit("--output=/dev/null", "--wrap=true"));
    }
    while (stillThere(ids)) {
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - first);
  }

  /**
   * One job through the service as {@code user}: [submit -> its first act, submit event -> RUNNING
   * event], in nanoseconds. Also section 13's.
   */
  static long[] startViaService(RunningService.Client user) throws Exception {
    long before = epochNanos();
    String id =
        user.send("POST", "/api/v1/jobs", "{\"shell\":\"date +%s%N\"}", 201).get("id").asString();
    while (!"SUCCEEDED".equals(user.get("/api/v1/jobs/" + id).get("status").asString())) {
      Thread.sleep(20);
    }
    String log = user.get("/api/v1/jobs/" + id + "/log").get("content").asString().strip();
    Instant submitted = null;
    Instant running = null;
    for (JsonNode event : user.get("/api/v1/jobs/" + id + "/events")) {
      String to = event.get("to_status").asString();
      if (submitted == null) {
        submitted = Instant.parse(event.get("at").asString());
      }
      if ("RUNNING".equals(to)) {
        running = Instant.parse(event.get("at").asString());
      }
    }
    return new long[] {
      Long.parseLong(log) - before, Duration.between(submitted, running).toNanos()
    };
  }

  /** One {@code sbatch} job: submit -> its first act. */
  static long startViaSbatch(Path outputs) throws Exception {
    Path out = outputs.resolve("start-" + System.nanoTime() + ".out");
    long before = epochNanos();
    String id = submit("--output=" + out, "--wrap=date +%s%N");
    while (stillThere(List.of(id)) || !Files.exists(out)) {
      Thread.sleep(20);
    }
    return Long.parseLong(Files.readString(out).strip()) - before;
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  static String submit(String... options) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("sbatch", "--parsable", "--chdir=/tmp"));
    argv.addAll(List.of(options));
    return run(argv).strip();
  }

  /**
   * Whether any of the jobs (or any task of the arrays) is still pending, running or completing.
   */
  static boolean stillThere(List<String> ids) throws IOException, InterruptedException {
    String out =
        run(
            List.of(
                "squeue",
                "--noheader",
                "--states=all",
                "--jobs=" + String.join(",", ids),
                "--Format=State:|"));
    return out.lines()
        .anyMatch(l -> l.matches("(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED)\\|"));
  }

  static String run(List<String> argv) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
    }
    return out;
  }
}
