package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every process a pod started, wherever it went: into a session of its own ({@code setsid}),
 * out of the pod's process tree (a double fork), so that the executor kills them all when the pod
 * ends or is stopped. Chosen once per service ({@code jobkit.executor.descendants}):
 *
 * <ul>
 *   <li>{@link CgroupDescendants}: a {@code pids} cgroup (v1) per pod, where the service may make
 *       one (root, and a writable {@code /sys/fs/cgroup/pids}): nothing a pod starts can leave it,
 *       and its {@code pids.max} caps the pod's processes.
 *   <li>{@link MarkerDescendants}: a random marker in each pod's environment ({@code
 *       JOBKIT_POD_MARKER}), which its descendants inherit, found by a scan of {@code /proc}; the
 *       service is a child subreaper, so orphans are re-parented to it, not to init.
 * </ul>
 */
abstract class Descendants {

  private static final Logger log = LoggerFactory.getLogger(Descendants.class);
  static final int SIGKILL = 9;
  private static final int ESRCH = 3;

  private interface LibC extends Library {
    int kill(int pid, int signal);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);
  private static final long SELF = ProcessHandle.current().pid();

  /**
   * The mechanism for {@code mode} ({@code auto}, {@code cgroup} or {@code marker}).
   *
   * @param maxProcesses the most processes (and threads) a pod may have where that is enforced
   * @throws IllegalStateException when {@code cgroup} is asked for and this machine cannot have it
   */
  static Descendants choose(String mode, int maxProcesses) {
    String chosen = mode == null ? "auto" : mode.strip().toLowerCase(Locale.ROOT);
    Descendants descendants =
        switch (chosen) {
          case "cgroup" ->
              CgroupDescendants.create(maxProcesses)
                  .orElseThrow(
                      () ->
                          new IllegalStateException(
                              "jobkit.executor.descendants=cgroup, but this service cannot make"
                                  + " cgroups: "
                                  + CgroupDescendants.whyNot()));
          case "marker" -> MarkerDescendants.create();
          case "auto" ->
              CgroupDescendants.create(maxProcesses)
                  .map(Descendants.class::cast)
                  .orElseGet(MarkerDescendants::create);
          default ->
              throw new IllegalStateException(
                  "jobkit.executor.descendants must be auto, cgroup or marker, not '" + mode + "'");
        };
    log.info("every process a pod starts is tracked {}", descendants.describe());
    return descendants;
  }

  /** A sentence for the log: how descendants are tracked here. */
  abstract String describe();

  /** Starts tracking one pod, before it is spawned. */
  abstract Tree track(String jobId, int attempt, int pod, String marker);

  /** Lets go of what the service holds for tracking, at its shutdown. */
  void close() {}

  /** The processes one pod started, alive or not yet reaped. */
  abstract static class Tree {

    /**
     * The cgroup {@code tasks} file the spawning thread moves into while it starts the pod, or null
     * when the pod is tracked otherwise.
     */
    CgroupDescendants.Placement spawnInto() {
      return null;
    }

    /** The pids of the pod's live processes (its main process included while it lives). */
    abstract List<Long> members();

    /** Sends {@code signal} to every live process of the pod; how many there were. */
    int signal(int signal) {
      List<Long> members = members();
      for (long pid : members) {
        kill(pid, signal);
      }
      return members.size();
    }

    /** Never this service, whatever a mechanism lists. */
    private static int kill(long pid, int signal) {
      return pid == SELF ? 0 : LIBC.kill(Math.toIntExact(pid), signal);
    }

    /**
     * Kills every process of the pod with {@code SIGKILL}, again and again until none is left (one
     * may fork while the list is read), for at most {@code limit}.
     *
     * @return how many processes were killed; -1 if some survived
     */
    int killAll(Duration limit) {
      long deadline = System.nanoTime() + limit.toNanos();
      Set<Long> killed = new HashSet<>();
      while (true) {
        List<Long> members = members();
        if (members.isEmpty()) {
          return killed.size();
        }
        if (System.nanoTime() > deadline) {
          log.warn("processes {} survived SIGKILL", members);
          return -1;
        }
        for (long pid : members) {
          if (kill(pid, SIGKILL) == 0 || Native.getLastError() != ESRCH) {
            killed.add(pid);
          }
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }
    }

    /**
     * Forgets the pod once its processes are gone (removes its cgroup: at once, or a moment later
     * if the kernel still holds it; never waiting on the caller's thread).
     */
    void release() {}
  }
}
