package dev.jobkit.server.exec;

import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.exec.SlurmCommands.JobState;
import dev.jobkit.server.exec.SlurmCommands.SlurmException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each pod as a Slurm batch job ({@code jobkit.executor.type=slurm}; docs/slurm.md): Jobkit
 * keeps the lifecycle and the scheduling between users, Slurm places the pods. A pod is submitted
 * with {@code sbatch}: its script (on standard input) sets the pod's environment — the same
 * allow-list local pods get ({@link PodEnvironment}), nothing of the service's: {@code sbatch}
 * itself runs with an environment of Jobkit's making ({@link SlurmCommands}) — and {@code exec}s
 * the job's command in the pod's work dir; its output is appended to the pod's log in the data dir,
 * which the cluster's nodes must see at the same path. The Slurm job's name is {@code jobkit:<job
 * id>:<attempt>:<pod>}, and its id is what the job's pod records as its {@code pid}.
 *
 * <p>One thread asks {@code squeue} for the state of every pod at once, each {@code poll-interval};
 * a pod has ended when Slurm says so, with its exit status ({@code squeue} has it for five minutes
 * after the end, without {@code slurmdbd}). A stop signals every process of the pods' Slurm jobs
 * ({@code scancel --full}: TERM, KILL after the grace period); Slurm's process tracking finds what
 * left the pod's session. The service's shutdown leaves the Slurm jobs running: the next start
 * {@link #adopt}s them.
 *
 * <p>When the service is root, pods run as the run-as account ({@code --uid}): Slurm needs an
 * account every node knows, so the jobs of a Slurm executor share it (docs/slurm.md, Security).
 *
 * <p>Over 400 lines because it follows an attempt from its submission to its reported end (submit,
 * poll, stop, adopt, the end), whose order matters; the commands and what their output means live
 * in {@link SlurmCommands}, the files in {@link JobFiles}.
 */
class SlurmExecutor implements JobExecutor {

  private static final Logger log = LoggerFactory.getLogger(SlurmExecutor.class);

  /**
   * How many polls in a row a submitted job may be missing from {@code squeue} before it is lost.
   */
  private static final int MISSING_POLLS = 20;

  private final JobFiles files;
  private final PodUsers users;
  private final DataDirModes dataDir;
  private final PodEnvironment environment;
  private final SlurmCommands slurm;
  private final JobkitProperties.Slurm config;
  private final int slots;
  private final Duration gracePeriod;
  private final long maxLogBytes;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<Long, PodRef> pods = new ConcurrentHashMap<>();
  private final ScheduledExecutorService poller;
  private final ExecutorService enders;
  private volatile boolean shuttingDown;
  private volatile String lastPollFailure;

  SlurmExecutor(
      JobkitProperties properties,
      JobFiles files,
      PodUsers users,
      DataDirModes dataDir,
      PodEnvironment environment) {
    int lifecycleNiceness = properties.executor().lifecycleNiceness();
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            Niceness.daemonThreads("jobkit-slurm-poll", lifecycleNiceness));
    this.enders =
        Executors.newCachedThreadPool(
            Niceness.daemonThreads("jobkit-slurm-end", lifecycleNiceness));
    this.files = files;
    this.users = users;
    this.dataDir = dataDir;
    this.environment = environment;
    this.config = properties.executor().slurm();
    this.slurm = SlurmCommands.find(config.commandDir());
    this.gracePeriod = properties.executor().stopGracePeriod();
    this.maxLogBytes = properties.executor().maxLogBytesPerPod().toBytes();
    if (config.slots() > 0) {
      this.slots = config.slots();
    } else {
      int cpus;
      try {
        cpus = slurm.cpus();
      } catch (SlurmException e) {
        throw new IllegalStateException(
            "jobkit.executor.type is slurm, and the cluster does not answer: " + e.getMessage(), e);
      }
      if (cpus < 1) {
        throw new IllegalStateException(
            "jobkit.executor.type is slurm, and sinfo shows no CPUs; set"
                + " jobkit.executor.slurm.slots");
      }
      this.slots = cpus;
    }
    long every = config.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    log.info("pods run as Slurm jobs, {} at once", slots);
  }

  @Override
  public int slots() {
    return slots;
  }

  @Override
  public StartedAttempt start(Launch launch) {
    Optional<String> unreachable = dataDir.unreachable();
    if (unreachable.isPresent()) {
      throw new LaunchFailedException(unreachable.get());
    }
    PodUser user = users.accountUser();
    Map<String, String> env = environment.ofAttempt(launch, user);
    List<String> argv =
        launch.shell() != null ? List.of("/bin/sh", "-c", launch.shell()) : launch.command();
    Run run = new Run(launch.jobId(), launch.attempt(), launch.processes(), user);
    try {
      files.prepare(launch.jobId(), launch.podCount(), user);
      if (user != null) {
        files.openLogs(launch.jobId(), launch.processes(), user);
      }
      for (int pod = 0; pod < launch.processes(); pod++) {
        Path logFile = files.log(launch.jobId(), pod);
        JobFiles.appendStartLine(logFile, launch, argv);
        Map<String, String> podEnv = environment.ofPod(env, launch, pod, user);
        String name =
            "jobkit:"
                + launch.jobId()
                + ":"
                + launch.attempt()
                + ":"
                + (launch.hook() == null ? Integer.toString(pod) : launch.hook());
        long id =
            slurm.submit(
                options(launch.jobId(), pod, name, user),
                SlurmCommands.batchScript(name, podEnv, argv));
        run.submitted(pod, id);
      }
    } catch (java.io.IOException | RuntimeException e) {
      run.abandon();
      throw new LaunchFailedException(
          "could not submit the job's pods to Slurm: " + e.getMessage());
    }
    runs.put(launch.jobId(), run);
    return run;
  }

  /** {@code sbatch}'s options for one pod. */
  private List<String> options(String jobId, int pod, String name, PodUser user) {
    List<String> options = new ArrayList<>();
    options.add("--job-name=" + name);
    options.add("--chdir=" + files.podWorkDir(jobId, pod));
    options.add("--output=" + files.log(jobId, pod));
    options.add("--open-mode=append");
    options.add("--ntasks=1");
    options.add("--cpus-per-task=" + config.cpusPerPod());
    // Jobkit retries attempts itself; a pod Slurm re-ran would be a second run nobody counted.
    options.add("--no-requeue");
    // The job gets sbatch's environment, which SlurmCommands makes (PATH, and SLURM_CONF if the
    // service has it), and the script sets the pod's. NONE makes slurmd try the user's login
    // environment (1.1-2.6 s a start here, against 0.4-0.5 s), NIL gave root jobs root's.
    options.add("--export=ALL");
    if (!config.partition().isBlank()) {
      options.add("--partition=" + config.partition());
    }
    if (!config.account().isBlank()) {
      options.add("--account=" + config.account());
    }
    if (user != null) {
      options.add("--uid=" + user.uid());
      options.add("--gid=" + user.gid());
    }
    return options;
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

  /**
   * Signals every process of the Slurm jobs among {@code ids} whose name says they are this job's
   * ({@code scancel --full}, KILL): a Slurm id that was reused for someone else's job is left
   * alone.
   */
  @Override
  public void reclaim(String jobId, List<Long> ids) {
    try {
      List<Long> ours =
          slurm.query(ids).values().stream()
              .filter(s -> !s.ended() && s.name().startsWith("jobkit:" + jobId + ":"))
              .map(JobState::id)
              .toList();
      if (!ours.isEmpty()) {
        log.info("canceling Slurm jobs {} left behind by job {}", ours, jobId);
        slurm.signal(ours, "KILL");
      }
    } catch (SlurmException e) {
      log.warn("could not cancel the Slurm jobs {} of job {}: {}", ids, jobId, e.getMessage());
    }
  }

  /**
   * Follows attempt {@code attempt} of a job again, after a restart of the service, when Slurm
   * still knows each of its pods' jobs by their ids and names: running ones are watched to their
   * end, ended ones report it at once with their exit codes. Empty when Slurm has forgotten one (or
   * cannot be asked): the attempt is lost.
   */
  @Override
  public Optional<StartedAttempt> adopt(String jobId, int attempt, List<Long> ids) {
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, JobState> states;
    try {
      states = slurm.query(ids);
    } catch (SlurmException e) {
      log.warn("cannot ask Slurm about job {}: {}", jobId, e.getMessage());
      return Optional.empty();
    }
    for (int pod = 0; pod < ids.size(); pod++) {
      JobState state = states.get(ids.get(pod));
      if (state == null || !state.name().equals("jobkit:" + jobId + ":" + attempt + ":" + pod)) {
        return Optional.empty();
      }
    }
    Run run = new Run(jobId, attempt, ids.size(), users.accountUser());
    for (int pod = 0; pod < ids.size(); pod++) {
      run.submitted(pod, ids.get(pod));
    }
    runs.put(jobId, run);
    log.info("adopted attempt {} of job {}: Slurm jobs {}", attempt, jobId, ids);
    return Optional.of(run);
  }

  /** Stops following the pods; their Slurm jobs run on, for the next start to adopt. */
  @Override
  public void shutdown() {
    shuttingDown = true;
    poller.shutdownNow();
    enders.shutdownNow();
  }

  /** One {@code squeue} for every pod followed; the ended ones are recorded. */
  private void poll() {
    try {
      List<Long> ids = new ArrayList<>(pods.keySet());
      if (ids.isEmpty()) {
        return;
      }
      Map<Long, JobState> states;
      try {
        states = slurm.query(ids);
      } catch (SlurmException e) {
        if (shuttingDown) {
          return; // interrupted by the shutdown
        }
        if (!e.getMessage().equals(lastPollFailure)) {
          log.warn("cannot read the state of the Slurm jobs; trying again: {}", e.getMessage());
        }
        lastPollFailure = e.getMessage();
        return;
      }
      lastPollFailure = null;
      for (long id : ids) {
        PodRef ref = pods.get(id);
        if (ref == null) {
          continue;
        }
        JobState state = states.get(id);
        if (state != null) {
          ref.missing = 0;
        }
        if (state == null ? ++ref.missing < MISSING_POLLS : !state.ended()) {
          continue;
        }
        pods.remove(id);
        ref.run().ended(ref.pod(), id, state);
      }
    } catch (RuntimeException e) {
      log.error("following the Slurm jobs failed; trying again", e);
    }
  }

  /** A pod followed by its Slurm job id, and how many polls in a row missed it. */
  private static final class PodRef {
    private final Run run;
    private final int pod;
    private int missing;

    PodRef(Run run, int pod) {
      this.run = run;
      this.pod = pod;
    }

    Run run() {
      return run;
    }

    int pod() {
      return pod;
    }
  }

  /** The pods of one attempt, as Slurm jobs. */
  private final class Run implements StartedAttempt {
    private final String jobId;
    private final int attempt;
    private final PodUser user;
    private final Long[] ids;
    private final Integer[] exitCodes;
    private final CompletableFuture<Void> gone = new CompletableFuture<>();
    private int remaining;
    private int failedPod = -1;
    private boolean terminated;
    private boolean abandoned;
    private Consumer<AttemptEnd> onEnd;
    private AttemptEnd end;

    Run(String jobId, int attempt, int podCount, PodUser user) {
      this.jobId = jobId;
      this.attempt = attempt;
      this.user = user;
      this.ids = new Long[podCount];
      this.exitCodes = new Integer[podCount];
    }

    synchronized void submitted(int pod, long id) {
      ids[pod] = id;
      remaining++;
      pods.put(id, new PodRef(this, pod));
    }

    @Override
    public synchronized List<Long> pids() {
      return List.of(ids);
    }

    @Override
    public void watch(Consumer<AttemptEnd> onEnd) {
      AttemptEnd ready;
      synchronized (this) {
        this.onEnd = onEnd;
        ready = end;
      }
      if (ready != null) {
        deliver(onEnd, ready);
      }
    }

    @Override
    public CompletableFuture<Void> abandon() {
      synchronized (this) {
        abandoned = true;
        if (remaining == 0) {
          enders.execute(this::finish);
        }
      }
      runs.remove(jobId, this);
      signal("KILL");
      return gone;
    }

    synchronized void terminate(boolean force) {
      terminated = true;
      signal(force ? "KILL" : "TERM");
      if (!force) {
        CompletableFuture.delayedExecutor(gracePeriod.toMillis(), TimeUnit.MILLISECONDS, enders)
            .execute(
                () -> {
                  if (runs.get(jobId) == this) {
                    signal("KILL");
                  }
                });
      }
    }

    /** Signals the pods that have not ended; a failure is logged, the next stop tries again. */
    private void signal(String signal) {
      List<Long> running = new ArrayList<>();
      synchronized (this) {
        for (int pod = 0; pod < ids.length; pod++) {
          if (ids[pod] != null && exitCodes[pod] == null) {
            running.add(ids[pod]);
          }
        }
      }
      try {
        slurm.signal(running, signal);
      } catch (SlurmException e) {
        log.error("could not signal the Slurm jobs of job {}: {}", jobId, e.getMessage());
      }
    }

    /** Pod {@code pod}'s Slurm job has ended; {@code state} is null when Slurm forgot it. */
    void ended(int pod, long id, JobState state) {
      boolean last;
      synchronized (this) {
        int code = state == null ? -1 : state.exitCode();
        exitCodes[pod] = code;
        if (!terminated && !abandoned && (state == null || state.unusual())) {
          files.note(
              jobId,
              pod,
              state == null
                  ? "Slurm job " + id + " is no longer known to Slurm; its end is not"
                  : "Slurm job " + id + " ended " + state.state() + " (" + state.reason() + ")");
        }
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
        enders.execute(this::finish);
      }
    }

    /** Every pod has ended: cuts the logs, closes the job's directory, reports the end. */
    private void finish() {
      List<Integer> logsCut = new ArrayList<>();
      for (int pod = 0; pod < ids.length; pod++) {
        // A Slurm pod writes its log itself: the limit can only be applied once it has ended.
        if (files.cutLog(jobId, pod, maxLogBytes)) {
          logsCut.add(pod);
        }
      }
      if (user != null) {
        try {
          files.close(jobId, 0);
        } catch (RuntimeException e) {
          log.error("could not close the directory of job {}", jobId, e);
        }
      }
      runs.remove(jobId, this);
      gone.complete(null);
      Consumer<AttemptEnd> to;
      AttemptEnd ended;
      synchronized (this) {
        if (abandoned || shuttingDown) {
          return;
        }
        end =
            new AttemptEnd(
                jobId,
                attempt,
                List.of(exitCodes),
                failedPod,
                terminated,
                logsCut,
                maxLogBytes,
                List.of());
        ended = end;
        to = onEnd;
      }
      if (to != null) {
        deliver(to, ended);
      }
    }

    private void deliver(Consumer<AttemptEnd> to, AttemptEnd ended) {
      try {
        to.accept(ended);
      } catch (RuntimeException e) {
        log.error("recording the end of job {} attempt {} failed", jobId, attempt, e);
      }
    }
  }
}
