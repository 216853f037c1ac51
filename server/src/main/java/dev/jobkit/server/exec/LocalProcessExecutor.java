package dev.jobkit.server.exec;

import dev.jobkit.server.DaemonThreads;
import dev.jobkit.server.JobkitProperties;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs pods as local processes. Each pod starts in a new session, so it leads its own process
 * group: stopping a job signals the whole group, which reaches every descendant, and once a pod's
 * main process has exited whatever it left behind in its group is terminated too. What leaves the
 * group (a new session, a double fork) is found by {@link Descendants} (a cgroup per pod, or a
 * marker in the environment) and killed with the pod before its end is reported.
 *
 * <p>Pods start with {@code posix_spawn(3)} and {@code POSIX_SPAWN_SETSID} ({@link PosixSpawn})
 * where the C library has it (glibc 2.34+), else through the {@code setsid} command and {@link
 * ProcessBuilder}, which costs one more {@code exec} per pod.
 *
 * <p>Jobs are untrusted code. A pod's environment is an allow-list ({@code PATH}, {@code HOME},
 * {@code LANG}, {@code LC_*}, {@code TZ}, {@code USER}, the job's own {@code env} and the {@code
 * JOBKIT_*} variables, with the job token), never the service's. When the service is root, each
 * job's pods run as a user of the job's own ({@link PodUsers}), switched in the same spawn: from a
 * thread that has become that user ({@link ThreadCredentials}), or through {@code setpriv} in front
 * of the command where that is not possible (the {@code setsid} path, unknown architectures); when
 * the attempt ends, every process of that user is killed before the uid is handed back.
 *
 * <p>A pod's output goes through a pipe that a {@link LogPump} copies into its log, up to {@code
 * jobkit.executor.max-log-bytes-per-pod}; the attempt's end is reported once its logs are drained.
 *
 * <p>Over 400 lines because it follows an attempt from its spawn to its reported end (start, stop,
 * leftovers, logs, hand-back of the uid), whose order matters; the mechanisms live in their own
 * classes ({@link PosixSpawn}, {@link Descendants}, {@link LogPump}, {@link PodUsers}).
 */
public class LocalProcessExecutor implements JobExecutor {

  private static final Logger log = LoggerFactory.getLogger(LocalProcessExecutor.class);

  private static final Duration LEFTOVER_KILL_WAIT = Duration.ofSeconds(5);

  private static final Duration LOG_DRAIN_WAIT = Duration.ofSeconds(2);

  private static final SecureRandom MARKERS = new SecureRandom();

  private final JobFiles files;
  private final PodUsers users;
  private final DataDirModes dataDir;
  private final PodEnvironment environment;
  private final String setpriv;
  private final int serviceGid;
  private final int slots;
  private final Duration gracePeriod;
  private final long maxLogBytes;
  private final boolean spawnDirectly;
  private final String setsid;
  private final Descendants descendants;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  // Launches reserved and not started yet, with the stop that came meanwhile.
  private final Map<String, Reservation> reserved = new ConcurrentHashMap<>();
  private final ExecutorService pumps =
      Executors.newCachedThreadPool(DaemonThreads.named("jobkit-pod-log"));
  private final ExecutorService reapers;
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-kill-timer"));
  private volatile boolean shuttingDown;

  /**
   * How long a shutdown waits for the ends being recorded when it began: a pod that exited by
   * itself just before has its end written while the database is still there, instead of failing
   * against a closed one and leaving the job to recovery as lost.
   */
  private static final Duration END_RECORDING_WAIT = Duration.ofSeconds(10);

  // How much above the service's nice value pods run (Niceness).
  private final int niceness;
  private final String nice; // the nice command, when pods start through setsid and either is > 0
  private final Object endsLock = new Object();
  private int recordingEnds; // guarded by endsLock

  LocalProcessExecutor(
      JobkitProperties properties,
      JobFiles files,
      PodUsers users,
      DataDirModes dataDir,
      PodEnvironment environment) {
    this.files = files;
    this.users = users;
    this.dataDir = dataDir;
    this.environment = environment;
    this.slots = properties.executor().effectiveSlots();
    this.gracePeriod = properties.executor().stopGracePeriod();
    this.maxLogBytes = properties.executor().maxLogBytesPerPod().toBytes();
    this.niceness = properties.executor().jobNiceness();
    int lifecycleNiceness = properties.executor().lifecycleNiceness();
    // They wait for pods and record their ends, above the service like the launchers.
    this.reapers =
        Executors.newCachedThreadPool(
            Niceness.daemonThreads("jobkit-pod-reaper", lifecycleNiceness));
    if (maxLogBytes < 1) {
      throw new IllegalStateException(
          "jobkit.executor.max-log-bytes-per-pod must be at least 1 byte, not " + maxLogBytes);
    }
    this.spawnDirectly = PosixSpawn.available() && !properties.executor().useSetsidCommand();
    this.setsid =
        spawnDirectly
            ? null
            : findOnPath("setsid", System.getenv("PATH"))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "this C library has no posix_spawn with POSIX_SPAWN_SETSID, so the"
                                + " local executor needs the setsid command (util-linux) on the"
                                + " PATH"))
                .toString();
    // Where no thread of the service starts the pod, the nice command sets its nice value.
    this.nice =
        spawnDirectly || (niceness == 0 && lifecycleNiceness == 0)
            ? null
            : findOnPath("nice", System.getenv("PATH"))
                .or(() -> findOnPath("nice", PodEnvironment.DEFAULT_PATH))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "jobkit.executor.job-niceness is "
                                + niceness
                                + " and lifecycle-niceness "
                                + lifecycleNiceness
                                + ", and pods start through the setsid command, so the local"
                                + " executor needs the nice command (coreutils) on the PATH"))
                .toString();
    if (spawnDirectly && lifecycleNiceness > niceness) {
      // The launchers could not start these threads below their own nice value.
      Niceness.prepare(niceness);
    }
    boolean needsSetpriv = users.switching() && !(spawnDirectly && ThreadCredentials.available());
    this.setpriv =
        needsSetpriv
            ? findOnPath("setpriv", System.getenv("PATH"))
                .or(() -> findOnPath("setpriv", PodEnvironment.DEFAULT_PATH))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "the service runs as root, so pods run as other users, and this"
                                + " machine needs the setpriv command (util-linux) for that"))
                .toString()
            : null;
    this.serviceGid = users.switching() ? 0 : -1;
    if (users.switching() && setpriv == null) {
      PosixSpawn.prepare();
    }
    int maxProcesses = properties.executor().maxProcessesPerPod();
    if (maxProcesses < 2) {
      throw new IllegalStateException(
          "jobkit.executor.max-processes-per-pod must be at least 2, not " + maxProcesses);
    }
    this.descendants = Descendants.choose(properties.executor().descendants(), maxProcesses);
    log.debug(
        "pods start {}{}",
        spawnDirectly ? "with posix_spawn" : "through " + setsid,
        users.switching()
            ? setpriv != null ? " as pod users through " + setpriv : " as pod users"
            : "");
  }

  @Override
  public int slots() {
    return slots;
  }

  /** How long a look at a job's processes waits for a reserved launch to start them. */
  private static final Duration RESERVED_START_WAIT = Duration.ofSeconds(5);

  /**
   * The job's processes; for a launch that is reserved and not started yet (its job is already
   * recorded {@code RUNNING}) once they have started, waiting at most {@link #RESERVED_START_WAIT}.
   * Null when there are none.
   */
  private Run runOf(String jobId) {
    long deadline = System.nanoTime() + RESERVED_START_WAIT.toNanos();
    while (true) {
      // The start puts the run in runs before the reservation goes: so the reservation is looked
      // at first. Looked at after the run, a start in between would find neither.
      boolean reservedNow = reserved.containsKey(jobId);
      Run run = runs.get(jobId);
      if (run != null || !reservedNow || System.nanoTime() >= deadline) {
        return run;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /** A stop that came for a reserved launch before its processes started. */
  private enum PendingStop {
    NONE,
    TERM,
    KILL
  }

  /**
   * A launch reserved and not started yet: the stop that came meanwhile (NONE if none), and the
   * program the reservation found on the job's {@code PATH}, which its start runs without looking
   * again (milliseconds later; a look is a failed {@code access} for every directory before it).
   */
  private record Reservation(PendingStop stop, String program) {
    Reservation stopped(PendingStop also) {
      return new Reservation(max(stop, also), program);
    }
  }

  @Override
  public boolean reserve(Launch launch) {
    if (dataDir.unreachable().isPresent() || launch.hook() != null) {
      return false;
    }
    String program;
    try {
      program = program(argvOf(launch).get(0), environment.ofAttempt(launch, null));
    } catch (LaunchFailedException notFound) {
      return false; // started the usual way, it fails before RUNNING with the reason
    }
    reserved.put(launch.jobId(), new Reservation(PendingStop.NONE, program));
    return true;
  }

  @Override
  public void unreserve(String jobId) {
    reserved.remove(jobId);
  }

  @Override
  public StartedAttempt start(Launch launch) {
    Run run;
    try {
      Reservation reservation = reserved.get(launch.jobId());
      run = startRun(launch, reservation == null ? null : reservation.program());
    } catch (RuntimeException e) {
      reserved.remove(launch.jobId());
      throw e;
    }
    // Put in runs before the reservation goes: a terminate finds one or the other.
    Reservation reservation = reserved.remove(launch.jobId());
    PendingStop stop = reservation == null ? PendingStop.NONE : reservation.stop();
    if (stop == PendingStop.TERM || stop == PendingStop.KILL) {
      run.terminate(stop == PendingStop.KILL);
    }
    return run;
  }

  /** The job's argv: its command, or its shell line run by {@code /bin/sh -c}. */
  private static List<String> argvOf(Launch launch) {
    return launch.shell() != null ? List.of("/bin/sh", "-c", launch.shell()) : launch.command();
  }

  /**
   * Starts the launch's pods; {@code reservedProgram}: its program as its reservation found it, or
   * null to look it up.
   */
  private Run startRun(Launch launch, String reservedProgram) {
    Optional<String> unreachable = dataDir.unreachable();
    if (unreachable.isPresent()) {
      throw new LaunchFailedException(unreachable.get());
    }
    PodUsers.Lease lease = users.switching() ? users.lease(launch.jobId()) : null;
    PodUser user = lease == null ? null : lease.user();
    Run run =
        new Run(launch.jobId(), launch.attempt(), launch.processes(), lease, launch.hook() != null);
    try {
      Map<String, String> env = environment.ofAttempt(launch, user);
      List<String> argv = argvOf(launch);
      String program = reservedProgram != null ? reservedProgram : program(argv.get(0), env);
      files.prepare(launch.jobId(), launch.podCount(), user);
      for (int pod = 0; pod < launch.processes(); pod++) {
        Path logFile = files.log(launch.jobId(), pod);
        JobFiles.appendStartLine(logFile, launch, argv);
        Map<String, String> podEnv = environment.ofPod(env, launch, pod, user);
        String marker = newMarker();
        podEnv.put("JOBKIT_POD_MARKER", marker);
        Path workDir = files.podWorkDir(launch.jobId(), pod);
        Descendants.Tree tree = descendants.track(launch.jobId(), launch.attempt(), pod, marker);
        run.trees.add(tree);
        run.pods.add(startPod(program, argv, podEnv, workDir, logFile, user, tree));
        run.podEnvs.add(Map.copyOf(podEnv));
      }
    } catch (IOException | RuntimeException e) {
      run.killAll(ProcessGroups.SIGKILL);
      run.releaseWhenGone();
      if (e instanceof LaunchFailedException failed) {
        throw failed;
      }
      throw new LaunchFailedException("could not start the job's processes: " + e.getMessage());
    }
    runs.put(launch.jobId(), run);
    return run;
  }

  private Pod startPod(
      String program,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      Path logFile,
      PodUser user,
      Descendants.Tree tree)
      throws IOException {
    CgroupDescendants.Placement placement = tree.spawnInto();
    if (spawnDirectly) {
      LogPump.Piped output = LogPump.pipe(logFile, maxLogBytes);
      PosixSpawn.Spawned spawned;
      try {
        spawned =
            setpriv == null
                ? PosixSpawn.spawn(
                    program,
                    argv,
                    env,
                    workDir,
                    output.writeEnd(),
                    reapers,
                    new PosixSpawn.Child(user, placement, niceness))
                : PosixSpawn.spawn(
                    setpriv,
                    asUser(user, argv),
                    env,
                    workDir,
                    output.writeEnd(),
                    reapers,
                    new PosixSpawn.Child(null, placement, niceness));
      } catch (IOException | RuntimeException e) {
        output.abort();
        throw e;
      }
      return new Pod(spawned.pid(), spawned.exit(), output.start(pumps));
    }
    List<String> withSetsid = new ArrayList<>(argv.size() + 12);
    if (placement != null) {
      // Not the thread trick: ProcessBuilder may start the JDK's reaper thread from this thread,
      // which would then live in the pod's cgroup. A shell that is still the service moves itself.
      withSetsid.addAll(
          List.of("/bin/sh", "-c", "echo 0 > \"$0\" && exec \"$@\"", placement.into().toString()));
    }
    // The nice command counts from the launching thread's value, not the service's.
    int adjustment = Niceness.above(Niceness.SERVICE, niceness) - Niceness.ofThisThread();
    if (nice != null && (adjustment > 0 || (adjustment < 0 && users.switching()))) {
      withSetsid.addAll(List.of(nice, "-n", Integer.toString(adjustment)));
    }
    withSetsid.add(setsid);
    withSetsid.addAll(asUser(user, argv));
    ProcessBuilder builder =
        new ProcessBuilder(withSetsid)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    LogPump output;
    try {
      output = LogPump.start(logFile, maxLogBytes, process, pumps);
    } catch (IOException e) {
      process.destroyForcibly();
      throw e;
    }
    return new Pod(process.pid(), process.onExit().thenApply(Process::exitValue), output);
  }

  /**
   * {@code setpriv} in front of the command, for a pod user (the command as it is for none): it
   * keeps argv[0] as written and finds it on the job's {@code PATH}, as the direct start does.
   */
  private List<String> asUser(PodUser user, List<String> argv) {
    if (user == null) {
      return argv;
    }
    List<String> command = new ArrayList<>(argv.size() + 7);
    command.add(setpriv);
    command.add("--reuid=" + user.uid());
    command.add("--regid=" + user.gid());
    command.add("--groups=" + user.group());
    command.add("--no-new-privs");
    command.add("--");
    command.addAll(argv);
    return command;
  }

  /**
   * Starts {@code /bin/bash -i} (or {@code /bin/sh -i} without bash) on a new pseudo-terminal in
   * the pod's work dir, with the pod's environment plus {@code TERM=xterm-256color} (and an empty
   * {@code HISTFILE} unless the job set one: the shell leaves no history in the work dir), as the
   * pod's user, in a new session whose controlling terminal it is, in the pod's cgroup or with its
   * marker: the job's stop, end or uid hand-back kills it with the pod's other processes.
   */
  @Override
  public PodTerminal openTerminal(String jobId, int pod) {
    Run run = terminalRun(jobId, pod);
    Map<String, String> env = new java.util.HashMap<>(run.podEnvs.get(pod));
    env.put("TERM", "xterm-256color");
    env.putIfAbsent("HISTFILE", "");
    String shell = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
    PodUser user = run.lease == null ? null : run.lease.user();
    Pty pty = null;
    try {
      pty = Pty.open(80, 24);
      if (user != null) {
        pty.giveTo(user);
      }
      PosixSpawn.Spawned spawned =
          PosixSpawn.spawnOnTerminal(
              shell,
              List.of(shell, "-i"),
              env,
              files.podWorkDir(jobId, pod),
              pty.slave(),
              reapers,
              new PosixSpawn.Child(user, run.trees.get(pod).spawnInto(), niceness));
      PodTerminal terminal = new PodTerminal(jobId, pod, pty, spawned, timers);
      run.terminals.add(terminal);
      terminal.ended().whenComplete((code, error) -> run.terminals.remove(terminal));
      if (runs.get(jobId) != run || run.pods.get(pod).exit().isDone()) {
        // The pod ended while the shell started: the attempt's end may have missed it.
        terminal.hangUp();
      }
      return terminal;
    } catch (IOException e) {
      if (pty != null) {
        pty.close();
      }
      throw new java.io.UncheckedIOException("could not start a shell in pod " + pod, e);
    }
  }

  @Override
  public void checkTerminal(String jobId, int pod) {
    terminalRun(jobId, pod);
  }

  /** The running attempt whose pod {@code pod} a terminal may open into; else why not. */
  private Run terminalRun(String jobId, int pod) {
    if (!PosixSpawn.available()) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.UNSUPPORTED,
          "this machine's C library has no posix_spawn with what a terminal needs (glibc 2.34 or"
              + " newer)");
    }
    if (users.switching() && !ThreadCredentials.available()) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.UNSUPPORTED,
          "on this processor architecture the service cannot start a shell as a pod user");
    }
    Run run = runOf(jobId);
    if (run == null) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.NOT_HERE,
          "job " + jobId + " has no processes running on this service's executor");
    }
    if (run.hook) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.NOT_HERE,
          "job " + jobId + " runs an app step, not its pods");
    }
    if (pod < 0 || pod >= run.pods.size()) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.NO_SUCH_POD,
          "job " + jobId + " has pods 0 to " + (run.pods.size() - 1) + ", not " + pod);
    }
    if (run.pods.get(pod).exit().isDone()) {
      throw new TerminalRefusedException(
          TerminalRefusedException.Reason.NO_SUCH_POD,
          "pod " + pod + " of job " + jobId + " has ended");
    }
    return run;
  }

  @Override
  public boolean terminate(String jobId, boolean force) {
    Run run = runs.get(jobId);
    if (run == null) {
      PendingStop stop = force ? PendingStop.KILL : PendingStop.TERM;
      if (reserved.computeIfPresent(jobId, (id, before) -> before.stopped(stop)) != null) {
        return true; // its start ends it
      }
      // Or it started between the two looks: the start put it in runs before it left reserved.
      run = runs.get(jobId);
      if (run == null) {
        return false;
      }
    }
    run.terminate(force);
    return true;
  }

  /** The harder of two stops: KILL over TERM over none. */
  private static PendingStop max(PendingStop a, PendingStop b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public void shutdown() {
    synchronized (endsLock) {
      shuttingDown = true; // from here on no end is recorded: recovery settles those jobs
    }
    runs.values().forEach(r -> r.killAll(ProcessGroups.SIGTERM));
    runs.values().forEach(Run::hangUpTerminals);
    long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    for (Run run : runs.values()) {
      for (Pod pod : run.pods) {
        try {
          pod.exit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException stillRunning) {
          // killed below
        }
      }
      run.killAll(ProcessGroups.SIGKILL);
      run.endDescendants();
      run.handBack();
      run.closeLogs();
    }
    awaitRecordingEnds();
    users.close();
    descendants.close();
    reapers.shutdownNow();
    pumps.shutdownNow();
    timers.shutdownNow();
  }

  /** Waits, at most {@link #END_RECORDING_WAIT}, until no end is being recorded. */
  private void awaitRecordingEnds() {
    long deadline = System.nanoTime() + END_RECORDING_WAIT.toNanos();
    synchronized (endsLock) {
      while (recordingEnds > 0) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          log.warn("{} attempts' ends were still being recorded at shutdown", recordingEnds);
          return;
        }
        try {
          endsLock.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * Identifies leftovers by their recorded pid and the job id in their environment, and kills every
   * other process with the job's id in its environment too (those that left the pods' groups).
   */
  @Override
  public void reclaim(String jobId, List<Long> pids) {
    for (long pid : pids) {
      if (ProcessGroups.belongsToJob(pid, jobId)) {
        log.info("killing process group {} left behind by job {}", pid, jobId);
        ProcessGroups.signal(pid, ProcessGroups.SIGKILL);
      }
    }
    List<Long> others = MarkerDescendants.withEnvironment("JOBKIT_JOB_ID=" + jobId);
    if (!others.isEmpty()) {
      log.info("killing processes {} left behind by job {}", others, jobId);
      others.forEach(pid -> ProcessGroups.kill(pid, ProcessGroups.SIGKILL));
    }
  }

  /** A random marker for one pod's environment, which its descendants inherit. */
  private static String newMarker() {
    byte[] bytes = new byte[16];
    MARKERS.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * The file the job's argv[0] names, looked up on the PATH of the job's environment (not the
   * service's) when it has no slash: posix_spawn does not search, and the job keeps its argv[0] as
   * written.
   */
  private String program(String name, Map<String, String> env) {
    // As a shell would for the pod's user: a PATH entry that user cannot run (a root service's
    // PATH may start in /root) is passed over.
    Optional<Path> resolved =
        name.contains("/")
            ? Optional.of(Path.of(name)).filter(Files::isExecutable)
            : findOnPath(name, env.get("PATH"), users::mayRun);
    return resolved
        .map(Path::toString)
        .orElseThrow(
            () ->
                new LaunchFailedException(
                    "command not found: "
                        + name
                        + (name.contains("/")
                            ? ""
                            : " (searched the PATH of the job's environment)")));
  }

  static Optional<Path> findOnPath(String program, String path) {
    return findOnPath(program, path, candidate -> true);
  }

  private static Optional<Path> findOnPath(String program, String path, Predicate<Path> usable) {
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, program);
        // java.io.File's checks answer false for a missing file; Files' throw and catch an
        // exception inside for each directory of the PATH before the program's.
        File file = candidate.toFile();
        if (file.canExecute() && !file.isDirectory() && usable.test(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * One pod's main process: its pid (also its process group id), its exit code once known, and the
   * pump of its output into its log.
   */
  private record Pod(long pid, CompletableFuture<Integer> exit, LogPump output) {}

  /** The processes of one attempt. */
  private final class Run implements StartedAttempt {
    private final String jobId;
    private final int attempt;
    private final PodUsers.Lease lease;
    private final boolean hook;
    private final List<Pod> pods = new ArrayList<>();
    private final List<Map<String, String>> podEnvs = new ArrayList<>();
    private final List<PodTerminal> terminals = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Descendants.Tree> trees = new ArrayList<>();
    private final Integer[] exitCodes;
    private int remaining;
    private int failedPod = -1;
    private boolean terminated;
    private Consumer<AttemptEnd> onEnd;

    Run(String jobId, int attempt, int podCount, PodUsers.Lease lease, boolean hook) {
      this.jobId = jobId;
      this.attempt = attempt;
      this.lease = lease;
      this.hook = hook;
      this.exitCodes = new Integer[podCount];
      this.remaining = podCount;
    }

    @Override
    public List<Long> pids() {
      return pods.stream().map(Pod::pid).toList();
    }

    @Override
    public void watch(Consumer<AttemptEnd> onEnd) {
      this.onEnd = onEnd;
      for (int index = 0; index < pods.size(); index++) {
        int pod = index;
        // Async: ending a pod may wait for the leftovers of its group, never on the caller.
        pods.get(pod).exit().whenCompleteAsync((code, error) -> reap(pod, code, error), reapers);
      }
    }

    @Override
    public CompletableFuture<Void> abandon() {
      runs.remove(jobId, this);
      hangUpTerminals();
      killAll(ProcessGroups.SIGKILL);
      return releaseWhenGone();
    }

    /**
     * Hands the pod user back: kills whatever it still runs (children that left the pod's group
     * too), closes the job's directory to it, and only then frees its uid for another job.
     */
    void handBack() {
      if (lease != null) {
        lease.release(() -> files.close(jobId, serviceGid));
      }
    }

    /**
     * Kills whatever the pods left anywhere ({@link Descendants}) and forgets them; how many
     * processes were killed.
     */
    int endDescendants() {
      int killed = 0;
      for (Descendants.Tree tree : trees) {
        try {
          int count = tree.killAll(LEFTOVER_KILL_WAIT);
          if (count < 0) {
            log.warn("some processes of job {} survived SIGKILL", jobId);
          } else {
            killed += count;
          }
          tree.release();
        } catch (RuntimeException e) {
          log.error("could not end the processes job {} left behind", jobId, e);
        }
      }
      return killed;
    }

    /**
     * Waits for the pods' output to be drained into their logs (at most {@link #LOG_DRAIN_WAIT} in
     * all: a process the service could not kill may hold a pipe), then closes the logs.
     *
     * @return the pods whose log was cut at the limit
     */
    List<Integer> closeLogs() {
      long deadline = System.nanoTime() + LOG_DRAIN_WAIT.toNanos();
      List<Integer> cut = new ArrayList<>();
      for (int pod = 0; pod < pods.size(); pod++) {
        LogPump output = pods.get(pod).output();
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!output.awaitDrained(left)) {
          log.warn("the output of pod {} of job {} is still open; its log is closed", pod, jobId);
        }
        output.close();
        if (output.cut()) {
          cut.add(pod);
        }
      }
      return cut;
    }

    /**
     * {@link #endDescendants}, {@link #handBack} and {@link #closeLogs} once the main processes are
     * reaped, off the caller's thread.
     */
    CompletableFuture<Void> releaseWhenGone() {
      return CompletableFuture.allOf(pods.stream().map(Pod::exit).toArray(CompletableFuture[]::new))
          .handleAsync(
              (done, error) -> {
                endDescendants();
                handBack();
                closeLogs();
                return null;
              },
              reapers);
    }

    private void reap(int pod, Integer exitCode, Throwable error) {
      if (error != null) {
        log.error("lost track of pod {} of job {}", pod, jobId, error);
      }
      int code = exitCode != null ? exitCode : -1;
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

    /** Hangs up the attempt's web terminals: a job that ends ends its terminals. */
    void hangUpTerminals() {
      terminals.forEach(PodTerminal::hangUp);
    }

    private void finish() {
      hangUpTerminals();
      // The main processes are gone; end whatever they left, in their groups and elsewhere.
      for (int pod = 0; pod < pods.size(); pod++) {
        endPod(pods.get(pod).pid(), trees.get(pod));
      }
      int escaped = endDescendants();
      if (escaped > 0) {
        log.info("killed {} processes that job {} left outside its process groups", escaped, jobId);
      }
      try {
        handBack();
      } catch (RuntimeException e) {
        log.error("could not hand back the pod user of job {}", jobId, e);
      }
      // Every process is gone: the logs are complete once the pipes are drained.
      List<Integer> logsCut = closeLogs();
      runs.remove(jobId, this);
      synchronized (endsLock) {
        if (shuttingDown) {
          return;
        }
        recordingEnds++;
      }
      try {
        AttemptEnd end;
        synchronized (this) {
          end =
              new AttemptEnd(
                  jobId,
                  attempt,
                  List.of(exitCodes),
                  failedPod,
                  terminated,
                  logsCut,
                  maxLogBytes,
                  pids());
        }
        onEnd.accept(end);
      } catch (RuntimeException e) {
        log.error("recording the end of job {} attempt {} failed", jobId, attempt, e);
      } finally {
        synchronized (endsLock) {
          recordingEnds--;
          endsLock.notifyAll();
        }
      }
    }

    /**
     * Ends what a pod left behind in its group and elsewhere: TERM, and KILL for what is left after
     * 2 s (the grace period after a stop).
     */
    private void endPod(long pgid, Descendants.Tree tree) {
      if (!ProcessGroups.hasLiveMembers(pgid) && tree.members().isEmpty()) {
        return;
      }
      ProcessGroups.signal(pgid, ProcessGroups.SIGTERM);
      tree.signal(ProcessGroups.SIGTERM);
      if (waitUntilEmpty(pgid, tree, terminated ? gracePeriod : Duration.ofSeconds(2))) {
        return;
      }
      ProcessGroups.signal(pgid, ProcessGroups.SIGKILL);
      // The rest of the tree is killed by endDescendants.
      if (!waitUntilEmpty(pgid, null, LEFTOVER_KILL_WAIT)) {
        log.warn("process group {} of job {} survived SIGKILL", pgid, jobId);
      }
    }

    private boolean waitUntilEmpty(long pgid, Descendants.Tree tree, Duration limit) {
      long deadline = System.nanoTime() + limit.toNanos();
      while (ProcessGroups.hasLiveMembers(pgid) || (tree != null && !tree.members().isEmpty())) {
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
      hangUpTerminals();
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
      for (Pod p : pods) {
        ProcessGroups.signal(p.pid(), signal);
      }
      for (Descendants.Tree tree : trees) {
        tree.signal(signal);
      }
    }
  }
}
