package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
    String group = Long.toString(pgid);
    return Procs.matching(p -> group.equals(Procs.stat(p, 2)) && !Procs.isZombie(p));
  }

  /**
   * The pids of the processes whose real, effective or saved user id is {@code uid}, read from
   * {@code /proc/<pid>/status} (always readable by root, unlike who owns {@code /proc/<pid>}).
   */
  static List<Long> ofUser(int uid) {
    String id = Integer.toString(uid);
    return Procs.matching(
        p -> {
          try {
            for (String line : Files.readAllLines(p.resolve("status"))) {
              if (line.startsWith("Uid:")) {
                String[] ids = line.substring(4).strip().split("\\s+");
                return ids.length >= 3
                    && (ids[0].equals(id) || ids[1].equals(id) || ids[2].equals(id));
              }
            }
          } catch (IOException gone) {
            // ended meanwhile
          }
          return false;
        });
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
}
