package dev.jobkit.server.exec;

import dev.jobkit.server.exec.JobExecutor.LaunchFailedException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The Slurm commands the {@link SlurmExecutor} runs, and what their output means: {@code sbatch} to
 * submit a pod (its script on standard input), one {@code squeue} for the state of many jobs,
 * {@code scancel} to signal them, {@code sinfo} for the cluster's CPUs. Each runs with an
 * environment of its own making (a fixed {@code PATH}, and {@code SLURM_CONF} if the service has
 * it), never the service's or a job's: a job's {@code LD_PRELOAD} must not reach a command the
 * service runs, and {@code sbatch} reads options from {@code SBATCH_*} variables.
 *
 * <p>Works without Slurm's accounting database ({@code slurmdbd}): {@code squeue -t all} lists a
 * job for {@code MinJobAge} (300 s by default) after its end, with its exit status.
 */
final class SlurmCommands {

  /** Slurm's states of a job that has ended: every other state is a job still there. */
  static final Set<String> ENDED =
      Set.of(
          "COMPLETED",
          "FAILED",
          "CANCELLED",
          "TIMEOUT",
          "NODE_FAIL",
          "PREEMPTED",
          "BOOT_FAIL",
          "DEADLINE",
          "OUT_OF_MEMORY",
          "REVOKED");

  private static final long TIMEOUT_SECONDS = 60;

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final String sbatch;
  private final String squeue;
  private final String scancel;
  private final String sinfo;
  private final Map<String, String> environment;

  private SlurmCommands(Path dir) {
    this.sbatch = dir.resolve("sbatch").toString();
    this.squeue = dir.resolve("squeue").toString();
    this.scancel = dir.resolve("scancel").toString();
    this.sinfo = dir.resolve("sinfo").toString();
    Map<String, String> env = new HashMap<>();
    env.put("PATH", PodEnvironment.DEFAULT_PATH);
    String conf = System.getenv("SLURM_CONF");
    if (conf != null) {
      env.put("SLURM_CONF", conf);
    }
    this.environment = Map.copyOf(env);
  }

  /**
   * The commands in {@code commandDir}, or in the directory of {@code sbatch} on the service's
   * {@code PATH} when it is empty.
   *
   * @throws IllegalStateException when {@code sbatch} is not found
   */
  static SlurmCommands find(String commandDir) {
    Path dir;
    if (commandDir != null && !commandDir.isBlank()) {
      dir = Path.of(commandDir);
      if (!Files.isExecutable(dir.resolve("sbatch"))) {
        throw new IllegalStateException(
            "jobkit.executor.type is slurm, and jobkit.executor.slurm.command-dir ("
                + commandDir
                + ") has no sbatch");
      }
    } else {
      dir =
          LocalProcessExecutor.findOnPath("sbatch", System.getenv("PATH"))
              .or(() -> LocalProcessExecutor.findOnPath("sbatch", PodEnvironment.DEFAULT_PATH))
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "jobkit.executor.type is slurm, and sbatch is not on the PATH; set"
                              + " jobkit.executor.slurm.command-dir"))
              .getParent();
    }
    return new SlurmCommands(dir);
  }

  /**
   * A pod's batch script: a comment with its name, its environment (every variable exported), then
   * its command in place of the script's shell.
   */
  static String batchScript(String name, Map<String, String> env, List<String> argv) {
    StringBuilder script = new StringBuilder("#!/bin/sh\n# ").append(name).append('\n');
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!NAME.matcher(e.getKey()).matches()) {
        throw new LaunchFailedException(
            "the environment variable name '" + e.getKey() + "' cannot be set in a Slurm job");
      }
      script.append("export ").append(e.getKey()).append('=').append(quote(e.getValue()));
      script.append('\n');
    }
    script.append("exec");
    argv.forEach(arg -> script.append(' ').append(quote(arg)));
    return script.append('\n').toString();
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  /** Thrown when a Slurm command fails, with its output. */
  static final class SlurmException extends RuntimeException {
    SlurmException(String message) {
      super(message);
    }
  }

  /**
   * One job as {@code squeue} shows it.
   *
   * @param id the Slurm job id
   * @param state its state ({@code RUNNING}, {@code COMPLETED}, …)
   * @param status its exit status as {@code wait(2)} gives it (exit code times 256, or the signal)
   * @param reason why it is pending or why it failed ({@code None} when there is no reason)
   * @param name its job name
   */
  record JobState(long id, String state, int status, String reason, String name) {

    boolean ended() {
      return ENDED.contains(state);
    }

    /**
     * Whether it ended otherwise than by its command's own exit (a node failure, Slurm's time or
     * memory limit, a cancel by someone else, a launch failure): worth a line in the pod's log.
     */
    boolean unusual() {
      return !"COMPLETED".equals(state)
          && !("FAILED".equals(state) && "NonZeroExitCode".equals(reason));
    }

    /**
     * The exit code as a shell gives it: the code, or 128 plus the signal. A job that did not
     * complete but says 0 (a node failure, a cancel before it ran) gets 1, or 143 when canceled.
     */
    int exitCode() {
      int code = (status & 0x7f) != 0 ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
      if (code == 0 && !"COMPLETED".equals(state)) {
        return "CANCELLED".equals(state) ? 143 : 1;
      }
      return code;
    }
  }

  /**
   * Submits a batch job.
   *
   * @param options {@code sbatch}'s options
   * @param script the batch script, given on standard input (so it is never a file a job could
   *     replace)
   * @return the Slurm job id
   */
  long submit(List<String> options, String script) {
    List<String> argv = new ArrayList<>(options.size() + 2);
    argv.add(sbatch);
    argv.add("--parsable");
    argv.addAll(options);
    Result result = run(argv, script);
    if (result.exitCode() != 0) {
      throw new SlurmException("sbatch failed (exit " + result.exitCode() + "): " + result.text());
    }
    // "<id>" or "<id>;<cluster>", after any warnings sbatch printed.
    String[] lines = result.output().strip().split("\n");
    String last = lines[lines.length - 1].strip();
    int cluster = last.indexOf(';');
    try {
      return Long.parseLong(cluster < 0 ? last : last.substring(0, cluster));
    } catch (NumberFormatException e) {
      throw new SlurmException("sbatch printed no job id: " + result.text());
    }
  }

  /**
   * The state of each of {@code ids} that Slurm still knows (one {@code squeue} for all of them); a
   * job it has forgotten is missing from the map.
   *
   * @throws SlurmException when the controller cannot be asked
   */
  Map<Long, JobState> query(Collection<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    Result result =
        run(
            List.of(
                squeue,
                "--noheader",
                "--states=all",
                "--jobs=" + ids.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "--Format=JobID:|,State:|,Exit_Code:|,Reason:|,Name:|"),
            null);
    if (result.exitCode() != 0) {
      if (result.output().contains("Invalid job id specified")) {
        return Map.of(); // none of them is known any more
      }
      throw new SlurmException("squeue failed (exit " + result.exitCode() + "): " + result.text());
    }
    Map<Long, JobState> states = new HashMap<>();
    for (String line : result.output().split("\n")) {
      String[] f = line.split("\\|", -1);
      if (f.length < 5) {
        continue;
      }
      try {
        long id = Long.parseLong(f[0].strip());
        int status = f[2].isBlank() ? 0 : Integer.parseInt(f[2].strip());
        states.put(id, new JobState(id, f[1].strip(), status, f[3].strip(), f[4].strip()));
      } catch (NumberFormatException notAJob) {
        // an array or heterogeneous job's line, which Jobkit never submits
      }
    }
    return states;
  }

  /**
   * Sends {@code signal} ({@code TERM}, {@code KILL}) to every process of each job, the batch shell
   * and all it started ({@code scancel --full}); a pending job ends at once. Jobs that have ended
   * already are passed over.
   */
  void signal(Collection<Long> ids, String signal) {
    if (ids.isEmpty()) {
      return;
    }
    List<String> argv = new ArrayList<>(ids.size() + 3);
    argv.add(scancel);
    argv.add("--signal=" + signal);
    argv.add("--full");
    ids.forEach(id -> argv.add(Long.toString(id)));
    Result result = run(argv, null);
    // Exit 1 with "Invalid job id" or "already completing" for a job that has just ended.
    if (result.exitCode() != 0
        && !result.output().contains("Invalid job id")
        && !result.output().contains("already complet")) {
      throw new SlurmException("scancel failed (exit " + result.exitCode() + "): " + result.text());
    }
  }

  /** The cluster's CPUs, all nodes together ({@code sinfo}); 0 when it cannot tell. */
  int cpus() {
    Result result = run(List.of(sinfo, "--noheader", "--format=%C"), null);
    if (result.exitCode() != 0) {
      throw new SlurmException("sinfo failed (exit " + result.exitCode() + "): " + result.text());
    }
    int total = 0;
    for (String line : result.output().split("\n")) {
      String[] counts = line.strip().split("/"); // allocated/idle/other/total
      if (counts.length == 4) {
        try {
          total += Integer.parseInt(counts[3]);
        } catch (NumberFormatException ignored) {
          // not a count
        }
      }
    }
    return total;
  }

  /** How a command ended, with what it printed (standard output and error together). */
  private record Result(int exitCode, String output) {
    String text() {
      return output.strip();
    }
  }

  private Result run(List<String> argv, String input) {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(environment);
    if (input == null) {
      builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new SlurmException("cannot run " + argv.get(0) + ": " + e.getMessage());
    }
    try {
      if (input != null) {
        try (OutputStream in = process.getOutputStream()) {
          in.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new SlurmException(argv.get(0) + " did not answer in " + TIMEOUT_SECONDS + " s");
      }
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      process.destroyForcibly();
      throw new SlurmException(argv.get(0) + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new SlurmException("interrupted while running " + argv.get(0));
    }
  }
}
