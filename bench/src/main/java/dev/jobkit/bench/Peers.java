package dev.jobkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Section 13 (issue 17): Jobkit against its peers in one run, each timed right after spawning
 * {@code true} directly ({@code jobs} times on as many threads as the service has slots, as section
 * 1 does), so every ratio to direct spawning has its own direct figure of the same moment.
 *
 * <ul>
 *   <li>Cold: JobRunr fresh in this JVM (see {@link JobRunrPeer}): one job's submit → start, then a
 *       round of {@code jobs} jobs, with no warm-up.
 *   <li>Warm-up: {@code warmup} jobs through the service (batches of 100 over HTTP) and through
 *       JobRunr, and a small Slurm array.
 *   <li>{@code rounds} rounds of: direct, the service; direct, JobRunr; direct, a Slurm array of
 *       {@code slurmJobs} tasks of {@code true} (first {@code sbatch} → the {@code squeue} poll,
 *       every 20 ms, that finds none left). The figures are the rounds' medians; Jobkit ÷ a peer is
 *       the median of the rounds' own quotients.
 *   <li>Submit → start, one job at a time on idle systems: the service's {@code RUNNING} event
 *       minus its submission event, and the first act of a job printing {@code date +%s%N} (as
 *       section 11); JobRunr's job noting {@code System.nanoTime()} as it starts; an {@code sbatch}
 *       of {@code date +%s%N} (section 11's).
 * </ul>
 *
 * Slurm takes part when {@code sbatch} and {@code squeue} are on the {@code PATH} and {@code
 * squeue} answers; otherwise its figures say why they are missing.
 */
final class Peers {

  /** One system's figures: medians over the rounds; the ratio is to direct spawning. */
  record Figures(String name, int jobs, double rate, double ratio, Stats start) {}

  record Result(
      int slots,
      double directRate,
      Figures jobkit,
      Stats jobkitFirstAct,
      long jobrunrColdStartNanos,
      Figures jobrunrCold,
      Figures jobrunrWarm,
      double jobkitOverJobrunr,
      Optional<Figures> slurm,
      String slurmMissing,
      double jobkitOverSlurm) {}

  /** JobRunr's and the service's: one job, waited for, before the timed samples. */
  private static final int START_WARM_UP = 10;

  /** Slurm's array limit unless configured otherwise ({@code MaxArraySize}, 1001). */
  private static final int ARRAY = 1000;

  private final RunningService service;
  private final int slots;
  private final int jobs;
  private final int rounds;
  private final int samples;
  private final int warmup;
  private final int slurmJobs;
  private final int slurmSamples;

  Peers(
      RunningService service,
      int slots,
      int jobs,
      int rounds,
      int samples,
      int warmup,
      int slurmJobs,
      int slurmSamples) {
    this.service = service;
    this.slots = slots;
    this.jobs = jobs;
    this.rounds = rounds;
    this.samples = samples;
    this.warmup = warmup;
    this.slurmJobs = slurmJobs;
    this.slurmSamples = slurmSamples;
  }

  Result run() throws Exception {
    RunningService.Client user = service.newUser("peers", "parallel");
    String slurmMissing = slurmMissing();
    String slurmName = slurmMissing == null ? slurmVersion() : "Slurm";
    System.out.printf(
        "  JobRunr %s: in-memory storage, poll interval %d ms, %d workers; Slurm: %s%n",
        JobRunrPeer.version(),
        JobRunrPeer.POLL_INTERVAL.toMillis(),
        slots,
        slurmMissing == null ? slurmName : "skipped: " + slurmMissing);
    List<Double> directs = new ArrayList<>();
    try (JobRunrPeer jobrunr = new JobRunrPeer(slots)) {
      long coldStart = jobrunr.startLatency();
      double coldDirect = rate(jobs, Throughput.spawnParallel(jobs, slots));
      double coldRate = rate(jobs, jobrunr.throughput(jobs));
      directs.add(coldDirect);
      System.out.printf(
          "  cold JobRunr: first job's submit -> start %.0f ms; then direct %.0f/s, JobRunr %d jobs"
              + " %.0f jobs/s, ratio %.2f%n",
          coldStart / 1e6, coldDirect, jobs, coldRate, coldRate / coldDirect);
      Figures jobrunrCold =
          new Figures(
              "JobRunr " + JobRunrPeer.version(), jobs, coldRate, coldRate / coldDirect, null);

      System.out.printf(
          "  warm-up: %d jobs through the service, %d through JobRunr%s%n",
          warmup, warmup, slurmMissing == null ? ", a Slurm array of 5" : "");
      for (int done = 0; done < warmup; done += 2000) {
        Throughput.runThroughService(user, Math.min(2000, warmup - done));
      }
      jobrunr.throughput(warmup);
      if (slurmMissing == null) {
        slurmArray(5);
      }

      List<Double> jobkitRates = new ArrayList<>();
      List<Double> jobkitRatios = new ArrayList<>();
      List<Double> jobrunrRates = new ArrayList<>();
      List<Double> jobrunrRatios = new ArrayList<>();
      List<Double> slurmRates = new ArrayList<>();
      List<Double> slurmRatios = new ArrayList<>();
      List<Double> overJobrunr = new ArrayList<>();
      List<Double> overSlurm = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        double direct1 = rate(jobs, Throughput.spawnParallel(jobs, slots));
        double jobkit = rate(jobs, Throughput.runThroughService(user, jobs));
        double direct2 = rate(jobs, Throughput.spawnParallel(jobs, slots));
        double runr = rate(jobs, jobrunr.throughput(jobs));
        directs.addAll(List.of(direct1, direct2));
        jobkitRates.add(jobkit);
        jobkitRatios.add(jobkit / direct1);
        jobrunrRates.add(runr);
        jobrunrRatios.add(runr / direct2);
        overJobrunr.add(jobkit / runr);
        String slurmLine = "";
        if (slurmMissing == null) {
          double direct3 = rate(jobs, Throughput.spawnParallel(jobs, slots));
          double slurm = rate(slurmJobs, slurmArray(slurmJobs));
          directs.add(direct3);
          slurmRates.add(slurm);
          slurmRatios.add(slurm / direct3);
          overSlurm.add(jobkit / slurm);
          slurmLine =
              String.format(
                  "; direct %.0f/s, Slurm %d jobs %.1f jobs/s (%.4f)",
                  direct3, slurmJobs, slurm, slurm / direct3);
        }
        System.out.printf(
            "  round %d: direct %.0f/s, Jobkit %.0f jobs/s (%.2f); direct %.0f/s, JobRunr %.0f"
                + " jobs/s (%.2f)%s; load average %.1f%n",
            round,
            direct1,
            jobkit,
            jobkit / direct1,
            direct2,
            runr,
            runr / direct2,
            slurmLine,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
      }

      List<Long> jobkitRunning = new ArrayList<>();
      List<Long> jobkitFirstAct = new ArrayList<>();
      for (int i = 0; i < START_WARM_UP + samples; i++) {
        long[] s = SlurmThroughput.startViaService(user);
        if (i >= START_WARM_UP) {
          jobkitFirstAct.add(s[0]);
          jobkitRunning.add(s[1]);
        }
      }
      List<Long> jobrunrStarts = new ArrayList<>();
      for (int i = 0; i < START_WARM_UP + samples; i++) {
        // A job enqueued right after the last one ended would meet JobRunr's poll cycle at the
        // same phase each time (or the look for new work that follows a job): a random pause
        // lets the enqueue land anywhere in the cycle, as an idle server's would.
        Thread.sleep(
            java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(JobRunrPeer.POLL_INTERVAL.toMillis()));
        long s = jobrunr.startLatency();
        if (i >= START_WARM_UP) {
          jobrunrStarts.add(s);
        }
      }
      Figures jobkitFigures =
          new Figures(
              "Jobkit",
              jobs,
              Stats.median(jobkitRates),
              Stats.median(jobkitRatios),
              Stats.ofNanos(jobkitRunning));
      Figures jobrunrWarm =
          new Figures(
              jobrunrCold.name(),
              jobs,
              Stats.median(jobrunrRates),
              Stats.median(jobrunrRatios),
              Stats.ofNanos(jobrunrStarts));
      System.out.printf("  submit -> RUNNING, Jobkit (events): %s%n", jobkitFigures.start());
      System.out.printf(
          "  submit -> first act, Jobkit (a job printing date +%%s%%N): %s%n",
          Stats.ofNanos(jobkitFirstAct));
      System.out.printf("  submit -> start, JobRunr: %s%n", jobrunrWarm.start());

      Optional<Figures> slurm = Optional.empty();
      if (slurmMissing == null) {
        List<Long> starts = slurmStarts();
        slurm =
            Optional.of(
                new Figures(
                    slurmName,
                    slurmJobs,
                    Stats.median(slurmRates),
                    Stats.median(slurmRatios),
                    Stats.ofNanos(starts)));
        System.out.printf("  submit -> start, Slurm (sbatch alone): %s%n", slurm.get().start());
      }
      return new Result(
          slots,
          Stats.median(directs),
          jobkitFigures,
          Stats.ofNanos(jobkitFirstAct),
          coldStart,
          jobrunrCold,
          jobrunrWarm,
          Stats.median(overJobrunr),
          slurm,
          slurmMissing,
          slurm.isPresent() ? Stats.median(overSlurm) : Double.NaN);
    }
  }

  private List<Long> slurmStarts() throws Exception {
    Path outputs = Io.newDataDir("jobkit-bench-peers-");
    try {
      List<Long> starts = new ArrayList<>();
      for (int i = 0; i < slurmSamples; i++) {
        starts.add(SlurmThroughput.startViaSbatch(outputs));
      }
      return starts;
    } finally {
      Io.deleteAtEnd(outputs);
    }
  }

  /**
   * {@code count} tasks of {@code true} as {@code sbatch --array} jobs of up to {@value #ARRAY}
   * tasks; first submission until {@code squeue} shows none of them pending, running or completing.
   */
  private static Duration slurmArray(int count) throws Exception {
    List<String> ids = new ArrayList<>();
    long first = System.nanoTime();
    for (int done = 0; done < count; done += ARRAY) {
      int size = Math.min(ARRAY, count - done);
      ids.add(
          SlurmThroughput.submit("--output=/dev/null", "--array=0-" + (size - 1), "--wrap=true"));
    }
    while (SlurmThroughput.stillThere(ids)) {
      Thread.sleep(20);
    }
    return Duration.ofNanos(System.nanoTime() - first);
  }

  /** Why Slurm cannot take part, or null when {@code squeue} answers. */
  private static String slurmMissing() throws InterruptedException {
    for (String command : List.of("sbatch", "squeue")) {
      if (!onPath(command)) {
        return "no Slurm (" + command + " is not on the PATH)";
      }
    }
    try {
      Process squeue =
          new ProcessBuilder("squeue", "--noheader")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!squeue.waitFor(10, TimeUnit.SECONDS)) {
        squeue.destroyForcibly();
        return "no Slurm (squeue did not answer in 10 s)";
      }
      return squeue.exitValue() == 0
          ? null
          : "no Slurm (squeue exited with " + squeue.exitValue() + ")";
    } catch (IOException e) {
      return "no Slurm (" + e.getMessage() + ")";
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  /** "Slurm 22.05.8" from {@code sbatch --version} ("slurm-wlm 22.05.8", "slurm 23.11.4"). */
  private static String slurmVersion() throws IOException, InterruptedException {
    String out = SlurmThroughput.run(List.of("sbatch", "--version")).strip();
    String version = out.substring(out.lastIndexOf(' ') + 1);
    return version.matches("[0-9][0-9.]*") ? "Slurm " + version : "Slurm";
  }

  private static double rate(int count, Duration elapsed) {
    return count / (elapsed.toNanos() / 1e9);
  }
}
