package dev.jobkit.server.exec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Runs the pods of one attempt of a job and stops them. The engine decides when; an executor only
 * starts processes, tells when they have all ended, and signals them.
 */
public interface JobExecutor {

  /**
   * One attempt to start.
   *
   * @param jobId the job
   * @param attempt its number, from 1
   * @param maxAttempts the job's attempt limit (only shown in the log marker of a retry)
   * @param command the argv to run, or null
   * @param shell the script to run with {@code /bin/sh -c}, or null
   * @param env the job's extra environment
   * @param podCount how many processes to start
   * @param token the attempt's job token, which its pods get as {@code JOBKIT_TOKEN}
   * @param hook the app hook this runs ({@code preprocess}, …) as one process in pod 0's work dir
   *     with pod 0's log and environment (and {@code JOBKIT_HOOK}), or null for the job's pods
   */
  record Launch(
      String jobId,
      int attempt,
      int maxAttempts,
      List<String> command,
      String shell,
      Map<String, String> env,
      int podCount,
      String token,
      String hook) {

    /** The launch of the job's pods. */
    public Launch(
        String jobId,
        int attempt,
        int maxAttempts,
        List<String> command,
        String shell,
        Map<String, String> env,
        int podCount,
        String token) {
      this(jobId, attempt, maxAttempts, command, shell, env, podCount, token, null);
    }

    /** How many processes this starts: the pods, or the hook's one. */
    public int processes() {
      return hook == null ? podCount : 1;
    }
  }

  /**
   * How an attempt ended, once every process of every pod is gone.
   *
   * @param jobId the job
   * @param attempt the attempt's number
   * @param exitCodes each pod's exit code, by pod index
   * @param failedPod the first pod that exited non-zero on its own, or -1
   * @param terminated whether the processes were signalled by {@link #terminate}
   * @param logsCut the pods whose log reached {@code logLimit} and was cut there, by pod index
   * @param logLimit the log limit in force ({@code jobkit.executor.max-log-bytes-per-pod})
   * @param pids each pod's process id, by pod index, recorded with the end (the write of the pids
   *     after the start may not have come yet); empty when this service did not start them
   */
  record AttemptEnd(
      String jobId,
      int attempt,
      List<Integer> exitCodes,
      int failedPod,
      boolean terminated,
      List<Integer> logsCut,
      long logLimit,
      List<Long> pids) {

    /** An end whose logs were not cut, of pods whose pids are not known here. */
    public AttemptEnd(
        String jobId, int attempt, List<Integer> exitCodes, int failedPod, boolean terminated) {
      this(jobId, attempt, exitCodes, failedPod, terminated, List.of(), 0, List.of());
    }

    /** Whether every pod exited 0 and none was terminated: the attempt did its work. */
    public boolean succeeded() {
      return failedPod < 0 && !terminated;
    }

    /** The pid of pod {@code pod}, or null when it is not known here. */
    public Long pid(int pod) {
      return pod < pids.size() ? pids.get(pod) : null;
    }

    /** A sentence for the job's {@code status_reason} when a log was cut, else null. */
    public String logsCutReason() {
      if (logsCut.isEmpty()) {
        return null;
      }
      return (logsCut.size() == 1 ? "the log of pod " : "the logs of pods ")
          + logsCut.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "))
          + (logsCut.size() == 1 ? " was" : " were")
          + " cut at "
          + logLimit
          + " bytes (jobkit.executor.max-log-bytes-per-pod)";
    }

    /** {@code reason}, with {@link #logsCutReason} after it when a log was cut. */
    public String withLogsCut(String reason) {
      String cut = logsCutReason();
      return cut == null ? reason : reason == null ? cut : reason + "; " + cut;
    }

    /**
     * The exit code of the pod that failed on its own, else the first non-zero one (143 for a pod
     * ended by TERM), else 0.
     */
    public int exitCode() {
      if (failedPod >= 0) {
        return exitCodes.get(failedPod);
      }
      return exitCodes.stream().filter(c -> c != 0).findFirst().orElse(0);
    }
  }

  /** An attempt whose processes have been started and are not watched yet. */
  interface StartedAttempt {
    /**
     * What identifies each pod to the executor, recorded as the pod's {@code pid}: for a local pod
     * its process id, which is also its process group id; for a Slurm pod its Slurm job id.
     */
    List<Long> pids();

    /** Starts watching the pods; {@code onEnd} is called once, when all of them are gone. */
    void watch(Consumer<AttemptEnd> onEnd);

    /**
     * Kills the pods at once and never reports them: the launch lost a race. Completes once the
     * pods and whatever they left are gone and their logs are closed, so nothing writes into the
     * job's directory after it.
     */
    CompletableFuture<Void> abandon();
  }

  /** Thrown when an attempt cannot start at all, with a sentence for the job's error. */
  final class LaunchFailedException extends RuntimeException {
    public LaunchFailedException(String message) {
      super(message);
    }
  }

  /** How many pods may run at once. */
  int slots();

  /**
   * Starts every pod of an attempt.
   *
   * @throws LaunchFailedException when the command cannot be started
   */
  StartedAttempt start(Launch launch);

  /**
   * Makes ready to {@link #start} this launch of a job's pods shortly, so that the engine can
   * record the attempt {@code RUNNING} before its processes exist (one commit for the claim and the
   * start): from now until the start, {@link #terminate} counts the job as alive, and the start
   * ends what it starts at once if a terminate came meanwhile. False when the executor cannot, or
   * when the launch would plainly fail (its program is not found): the engine then starts the pods
   * before it records {@code RUNNING}. A reservation that is not followed by the start is given
   * back with {@link #unreserve}.
   */
  default boolean reserve(Launch launch) {
    return false;
  }

  /** Gives back a {@link #reserve reservation} whose launch will not start (its claim failed). */
  default void unreserve(String jobId) {}

  /**
   * Signals the processes of a job's running attempt: TERM, then KILL after the grace period, or
   * KILL at once with {@code force}. False when no process of the job is known to be alive.
   */
  boolean terminate(String jobId, boolean force);

  /**
   * Kills processes that a previous run of the service started for a job and left behind, given the
   * pids it recorded; processes that are not the job's are left alone.
   */
  void reclaim(String jobId, List<Long> pids);

  /**
   * Follows again an attempt that a previous run of the service launched, given the pids it
   * recorded for its pods, when its pods outlive the service (Slurm jobs do; local processes do
   * not): the attempt returned is watched like one just started, and reports its end once its pods
   * have ended (at once if they ended while the service was down). Empty when the attempt cannot be
   * followed again, which is always the case here: it is then lost.
   */
  default Optional<StartedAttempt> adopt(String jobId, int attempt, List<Long> pids) {
    return Optional.empty();
  }

  /**
   * Whether {@link #openTerminal} would open a terminal into the pod now: returns if so.
   *
   * @throws TerminalRefusedException when it would not, saying why
   */
  default void checkTerminal(String jobId, int pod) {
    throw new TerminalRefusedException(
        TerminalRefusedException.Reason.NOT_HERE,
        "this service runs its pods with an executor that opens no terminal (only"
            + " jobkit.executor.type=local does)");
  }

  /**
   * Opens an interactive shell on a pseudo-terminal in pod {@code pod} of the job's running attempt
   * (web terminal): in the pod's work dir, with its environment, as its user, counted among its
   * processes. Only an executor that runs pods on this machine can; the others refuse.
   *
   * @throws TerminalRefusedException when the pod is not this executor's, does not run, or this
   *     machine cannot start a terminal
   */
  default PodTerminal openTerminal(String jobId, int pod) {
    checkTerminal(jobId, pod);
    throw new TerminalRefusedException(
        TerminalRefusedException.Reason.NOT_HERE,
        "this service runs its pods with an executor that opens no terminal (only"
            + " jobkit.executor.type=local does)");
  }

  /**
   * For the service's shutdown: kills every process this executor started, or, for pods that
   * outlive the service ({@link #adopt}), stops following them.
   */
  void shutdown();
}
