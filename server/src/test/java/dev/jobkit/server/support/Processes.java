package dev.jobkit.server.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The live processes of this machine that a job started, found the way an operator would: by the
 * {@code JOBKIT_JOB_ID} in {@code /proc/<pid>/environ}. Zombies are dead and do not count.
 */
public final class Processes {

  private Processes() {}

  /** The pids of live processes whose environment holds every one of {@code entries}. */
  public static List<Long> withEnvironment(String... entries) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                if (isLive(p) && hasAll(p, entries)) {
                  pids.add(Long.parseLong(p.getFileName().toString()));
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  /** The pids of live processes of job {@code jobId}. */
  public static List<Long> ofJob(String jobId) {
    return withEnvironment("JOBKIT_JOB_ID=" + jobId);
  }

  /**
   * The nice value in {@code stat}, a process's or thread's {@code /proc/.../stat} (field 19, the
   * 17th after the command's closing parenthesis).
   */
  public static int niceValue(Path stat) throws IOException {
    String line = Files.readString(stat, StandardCharsets.UTF_8);
    return Integer.parseInt(line.substring(line.lastIndexOf(')') + 2).split(" ")[19 - 3]);
  }

  private static boolean isLive(Path proc) {
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      int close = stat.lastIndexOf(')');
      return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) != 'Z';
    } catch (IOException gone) {
      return false;
    }
  }

  private static boolean hasAll(Path proc, String[] entries) {
    List<String> environ;
    try {
      environ =
          List.of(
              new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8)
                  .split("\0"));
    } catch (IOException | SecurityException unreadable) {
      return false; // gone, or another user's process
    }
    for (String entry : entries) {
      if (!environ.contains(entry)) {
        return false;
      }
    }
    return true;
  }
}
