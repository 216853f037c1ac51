package dev.jobkit.server.support;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Slurm cluster the Slurm tests run on (started by {@code .ci/slurm}), and what it shows of a
 * job's Slurm jobs. As a class's extension, before its service starts: outside CI, a class is
 * skipped when Slurm is not usable here ({@code sbatch} missing, or the cluster not answering);
 * with {@code CI=true} it fails instead, so CI never skips it silently.
 */
public final class SlurmCluster implements BeforeAllCallback {

  @Override
  public void beforeAll(ExtensionContext context) {
    String why = unusable();
    if (why == null) {
      return;
    }
    if ("true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(
          "CI=true and Slurm is not usable: " + why + " (.ci/run starts it with .ci/slurm)");
    }
    Assumptions.assumeTrue(false, "Slurm is not usable here: " + why);
  }

  /** Why Slurm cannot run jobs here, or null when it can. */
  private static String unusable() {
    if (!onPath("sbatch")) {
      return "sbatch is not on the PATH";
    }
    List<String> states = run("sinfo", "--noheader", "--format=%T");
    if (states == null) {
      return "sinfo does not answer";
    }
    if (states.stream().noneMatch(s -> s.matches("idle|mixed|allocated|completing"))) {
      return "no node is up (sinfo: " + states + ")";
    }
    return null;
  }

  /**
   * The Slurm jobs that are still there (not ended, or still completing) of Jobkit job {@code
   * jobId}, by their names ({@code jobkit:<job id>:…}), as {@code id state} lines.
   */
  public static List<String> activeJobsOf(String jobId) {
    List<String> lines =
        run("squeue", "--noheader", "--states=all", "--Format=JobID:|,State:|,Name:|");
    if (lines == null) {
      throw new IllegalStateException("squeue does not answer");
    }
    List<String> active = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split("\\|", -1);
      if (f.length >= 3
          && f[2].startsWith("jobkit:" + jobId + ":")
          && f[1].matches("PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|SIGNALING")) {
        active.add(f[0] + " " + f[1]);
      }
    }
    return active;
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** The lines a command printed, or null when it failed or took over 20 s. */
  private static List<String> run(String... argv) {
    try {
      Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? out.lines().map(String::strip).toList() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
