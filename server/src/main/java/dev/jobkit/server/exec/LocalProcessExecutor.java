package dev.jobkit.server.exec;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs pods as local processes. Each pod is started through {@code setsid}, so it leads its own
 * process group: stopping a job signals the whole group, which reaches every descendant, and once a
 * pod's main process has exited whatever it left behind in its group is terminated too.
 */
@Component
public class LocalProcessExecutor implements JobExecutor {

  private static final Logger log = LoggerFactory.getLogger(LocalProcessExecutor.class);

  /** Variables of the service's environment that a job must never see. */
  private static final Set<String> SECRETS = Set.of("JOBKIT_ADMIN_KEY", "JOBKIT_API_KEY");

  private static final Duration LEFTOVER_KILL_WAIT = Duration.ofSeconds(5);

  private final JobFiles files;
  private final int slots;
  private final Duration gracePeriod;
  private final String setsid;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final ExecutorService reapers =
      Executors.newCachedThreadPool(DaemonThreads.named("jobkit-pod-reaper"));
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-kill-timer"));
  private volatile boolean shuttingDown;

  public LocalProcessExecutor(JobkitProperties properties) {
    this.files = new JobFiles(properties.dataDir());
    this.slots = properties.executor().effectiveSlots();
    this.gracePeriod = properties.executor().stopGracePeriod();
    this.setsid =
        findOnPath("setsid", System.getenv("PATH"))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the local executor needs the setsid command (util-linux) on the PATH"))
            .toString();
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public StartedAttempt start(Launch launch) {
    Map<String, String> env = environment(launch);
    List<String> argv = argv(launch, env);
    files.prepare(launch.jobId(), launch.podCount());
    Run run = new Run(launch.jobId(), launch.attempt(), launch.podCount());
    try {
      for (int pod = 0; pod < launch.podCount(); pod++) {
        Path logFile = files.log(launch.jobId(), pod);
        if (launch.attempt() > 1) {
          Files.writeString(
              logFile,
              "[jobkit] attempt "
                  + launch.attempt()
                  + " of "
                  + launch.maxAttempts()
                  + " started at "
                  + Instant.now()
                  + "\n",
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND);
        }
        ProcessBuilder builder =
            new ProcessBuilder(argv)
                .directory(files.podWorkDir(launch.jobId(), pod).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        Map<String, String> podEnv = builder.environment();
        podEnv.clear();
        podEnv.putAll(env);
        podEnv.put("JOBKIT_POD_INDEX", Integer.toString(pod));
        run.processes.add(builder.start());
      }
    } catch (IOException e) {
      run.killAll(ProcessGroups.SIGKILL);
      throw new LaunchFailedException("could not start the job's processes: " + e.getMessage());
    }
    runs.put(launch.jobId(), run);
    return run;
  }

  @Override
  public boolean terminate(String jobId, boolean force) {
    Run run = runs.get(jobId);
    if (run == null) {
      return false;
    }
    run.terminate(force);
    return true;
  }

  @Override
  public void shutdown() {
    shuttingDown = true;
    runs.values().forEach(r -> r.killAll(ProcessGroups.SIGTERM));
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    for (Run run : runs.values()) {
      for (Process p : run.processes) {
        try {
          p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      run.killAll(ProcessGroups.SIGKILL);
    }
    reapers.shutdownNow();
    timers.shutdownNow();
  }

  /** Identifies leftovers by their recorded pid and the job id in their environment. */
  @Override
  public void reclaim(String jobId, List<Long> pids) {
    for (long pid : pids) {
      if (ProcessGroups.belongsToJob(pid, jobId)) {
        log.info("killing process group {} left behind by job {}", pid, jobId);
        ProcessGroups.signal(pid, ProcessGroups.SIGKILL);
      }
    }
  }

  private Map<String, String> environment(Launch launch) {
    Map<String, String> env = new HashMap<>(System.getenv());
    SECRETS.forEach(env::remove);
    env.putAll(launch.env());
    env.put("JOBKIT_JOB_ID", launch.jobId());
    env.put("JOBKIT_POD_COUNT", Integer.toString(launch.podCount()));
    env.put("JOBKIT_ATTEMPT", Integer.toString(launch.attempt()));
    env.put("JOBKIT_OUTPUT_DIR", files.outputDir(launch.jobId()).toString());
    env.put("JOBKIT_PROGRESS_FILE", files.progressFile(launch.jobId()).toString());
    env.put("JOBKIT_METRICS_FILE", files.metricsFile(launch.jobId()).toString());
    return env;
  }

  private List<String> argv(Launch launch, Map<String, String> env) {
    List<String> argv = new ArrayList<>();
    argv.add(setsid);
    if (launch.shell() != null) {
      argv.addAll(List.of("/bin/sh", "-c", launch.shell()));
      return argv;
    }
    String program = launch.command().get(0);
    boolean found =
        program.contains("/")
            ? Files.isExecutable(Path.of(program))
            : findOnPath(program, env.get("PATH")).isPresent();
    if (!found) {
      throw new LaunchFailedException(
          "command not found: "
              + program
              + (program.contains("/") ? "" : " (searched the PATH of the job's environment)"));
    }
    argv.addAll(launch.command());
    return argv;
  }

  static Optional<Path> findOnPath(String program, String path) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** The processes of one attempt. */
  private final class Run implements StartedAttempt {
    private final String jobId;
    private final int attempt;
    private final List<Process> processes = new ArrayList<>();
    private final Integer[] exitCodes;
    private int remaining;
    private int failedPod = -1;
    private boolean terminated;
    private Consumer<AttemptEnd> onEnd;

    Run(String jobId, int attempt, int podCount) {
      this.jobId = jobId;
      this.attempt = attempt;
      this.exitCodes = new Integer[podCount];
      this.remaining = podCount;
    }

    @Override
    public List<Long> pids() {
      return processes.stream().map(Process::pid).toList();
    }

    @Override
    public void watch(Consumer<AttemptEnd> onEnd) {
      this.onEnd = onEnd;
      for (int pod = 0; pod < processes.size(); pod++) {
        int index = pod;
        Process process = processes.get(pod);
        reapers.execute(() -> reap(index, process));
      }
    }

    @Override
    public void abandon() {
      runs.remove(jobId, this);
      killAll(ProcessGroups.SIGKILL);
    }

    private void reap(int pod, Process process) {
      int code;
      try {
        code = process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      boolean last;
      synchronized (this) {
        exitCodes[pod] = code;
        if (code != 0 && failedPod < 0 && !terminated) {
          failedPod = pod;
          // One pod failed: the attempt has failed, so its siblings are stopped.
          if (remaining > 1) {
            terminate(false);
          }
        }
        last = --remaining == 0;
      }
      if (last) {
        finish();
      }
    }

    private void finish() {
      // The main processes are gone; end whatever they left in their groups.
      for (Process p : processes) {
        endGroup(p.pid());
      }
      runs.remove(jobId, this);
      if (shuttingDown) {
        return;
      }
      AttemptEnd end;
      synchronized (this) {
        end = new AttemptEnd(jobId, attempt, List.of(exitCodes), failedPod, terminated);
      }
      try {
        onEnd.accept(end);
      } catch (RuntimeException e) {
        log.error("recording the end of job {} attempt {} failed", jobId, attempt, e);
      }
    }

    private void endGroup(long pgid) {
      if (!ProcessGroups.hasLiveMembers(pgid)) {
        return;
      }
      ProcessGroups.signal(pgid, ProcessGroups.SIGTERM);
      if (waitUntilEmpty(pgid, terminated ? gracePeriod : Duration.ofSeconds(2))) {
        return;
      }
      ProcessGroups.signal(pgid, ProcessGroups.SIGKILL);
      if (!waitUntilEmpty(pgid, LEFTOVER_KILL_WAIT)) {
        log.warn("process group {} of job {} survived SIGKILL", pgid, jobId);
      }
    }

    private boolean waitUntilEmpty(long pgid, Duration limit) {
      long deadline = System.nanoTime() + limit.toNanos();
      while (ProcessGroups.hasLiveMembers(pgid)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }

    synchronized void terminate(boolean force) {
      terminated = true;
      killAll(force ? ProcessGroups.SIGKILL : ProcessGroups.SIGTERM);
      if (!force) {
        timers.schedule(
            () -> {
              if (runs.get(jobId) == this) {
                killAll(ProcessGroups.SIGKILL);
              }
            },
            gracePeriod.toMillis(),
            TimeUnit.MILLISECONDS);
      }
    }

    void killAll(int signal) {
      for (Process p : processes) {
        ProcessGroups.signal(p.pid(), signal);
      }
    }
  }
}
