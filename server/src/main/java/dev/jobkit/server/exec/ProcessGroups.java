package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Signals to whole process groups through {@code kill(2)}. Every pod is started as the leader of
 * its own process group (a new session), so its descendants, even those that outlive their parent
 * ({@code sleep 300 &}), share its group id and are reached by one call.
 */
final class ProcessGroups {

  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  private static final int ESRCH = 3;

  private interface LibC extends Library {
    int kill(int pid, int signal);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  private ProcessGroups() {}

  /** Sends {@code signal} to every process of group {@code pgid}; false if the group is empty. */
  static boolean signal(long pgid, int signal) {
    if (LIBC.kill(-Math.toIntExact(pgid), signal) == 0) {
      return true;
    }
    return Native.getLastError() != ESRCH;
  }

  /** Sends {@code signal} to the one process {@code pid}. */
  static void kill(long pid, int signal) {
    LIBC.kill(Math.toIntExact(pid), signal);
  }

  /**
   * Whether any live process is left in the group. Zombies do not count: where no init reaps
   * orphans (as in some containers) they would otherwise keep a group "alive" forever.
   */
  static boolean hasLiveMembers(long pgid) {
    if (!signal(pgid, 0)) {
      return false;
    }
    return !liveMembers(pgid).isEmpty();
  }

  /** The pids of the group's processes that are not zombies, read from {@code /proc}. */
  static List<Long> liveMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                String stat = readStat(p);
                // Fields after the command name, which is in parentheses and may hold spaces.
                int close = stat.lastIndexOf(')');
                if (close < 0) {
                  return;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                if (fields.length > 2
                    && !fields[0].equals("Z")
                    && Long.parseLong(fields[2]) == pgid) {
                  members.add(Long.parseLong(p.getFileName().toString()));
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return members;
  }

  /**
   * The pids of the processes whose real, effective or saved user id is {@code uid}, read from
   * {@code /proc/<pid>/status} (always readable by root, unlike who owns {@code /proc/<pid>}).
   */
  static List<Long> ofUser(int uid) {
    String id = Integer.toString(uid);
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      procs
          .filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .forEach(
              p -> {
                try {
                  for (String line : Files.readAllLines(p.resolve("status"))) {
                    if (line.startsWith("Uid:")) {
                      String[] ids = line.substring(4).strip().split("\\s+");
                      if (ids.length >= 3
                          && (ids[0].equals(id) || ids[1].equals(id) || ids[2].equals(id))) {
                        pids.add(Long.parseLong(p.getFileName().toString()));
                      }
                      return;
                    }
                  }
                } catch (IOException gone) {
                  // ended meanwhile
                }
              });
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }

  /** Whether process {@code pid} exists and was started for job {@code jobId}. */
  static boolean belongsToJob(long pid, String jobId) {
    try {
      byte[] environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
      String marker = "JOBKIT_JOB_ID=" + jobId;
      for (String entry : new String(environ, StandardCharsets.UTF_8).split("\0")) {
        if (entry.equals(marker)) {
          return true;
        }
      }
      return false;
    } catch (IOException gone) {
      return false;
    }
  }

  private static String readStat(Path proc) {
    try {
      return Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException gone) {
      return "";
    }
  }
}
