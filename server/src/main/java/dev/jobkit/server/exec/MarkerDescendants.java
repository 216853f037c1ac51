package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import dev.jobkit.server.DaemonThreads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a pod's processes by the random {@code JOBKIT_POD_MARKER} in their environment, which every
 * descendant inherits (a program that clears its environment before it starts another is lost to
 * this, not to a cgroup), with a scan of {@code /proc}. For where the service cannot make cgroups.
 *
 * <p>The service becomes a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}, for the whole
 * JVM): a pod's orphans, double-forked daemons included, are re-parented to it instead of to init,
 * which in a container may never reap them. So the service reaps them: every second it waits for
 * the zombies among its children that were zombies a second before too and that it did not start
 * itself ({@link PosixSpawn} reaps its pods at once, and the JDK reaps what {@link ProcessBuilder}
 * starts at once, so neither is left a zombie for a second).
 */
final class MarkerDescendants extends Descendants {

  private static final Logger log = LoggerFactory.getLogger(MarkerDescendants.class);
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int WNOHANG = 1;

  private interface LibC extends Library {
    int prctl(int option, long arg2, long arg3, long arg4, long arg5);

    int waitpid(int pid, IntByReference status, int options);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /** The pids this JVM started itself and reaps with a {@code waitpid} of their own. */
  static final Set<Long> STARTED = ConcurrentHashMap.newKeySet();

  private static ScheduledExecutorService reaper;
  private static Set<Long> zombiesSeen = Set.of();

  private MarkerDescendants() {}

  static synchronized MarkerDescendants create() {
    if (reaper == null) {
      if (LIBC.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        log.warn(
            "could not become a child subreaper (errno {}): orphans of pods go to init",
            Native.getLastError());
      }
      reaper = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-orphans"));
      reaper.scheduleWithFixedDelay(MarkerDescendants::reapOrphans, 1, 1, TimeUnit.SECONDS);
    }
    return new MarkerDescendants();
  }

  @Override
  String describe() {
    return "by the JOBKIT_POD_MARKER in their environment (the service is a child subreaper)";
  }

  @Override
  Tree track(String jobId, int attempt, int pod, String marker) {
    return new MarkerTree("JOBKIT_POD_MARKER=" + marker);
  }

  private static final class MarkerTree extends Tree {
    private final String entry;

    MarkerTree(String entry) {
      this.entry = entry;
    }

    @Override
    List<Long> members() {
      return withEnvironment(entry);
    }
  }

  /** The live processes whose environment holds {@code entry} exactly. */
  static List<Long> withEnvironment(String entry) {
    byte[] wanted = entry.getBytes(StandardCharsets.UTF_8);
    return Procs.matching(p -> hasEntry(p, wanted) && !Procs.isZombie(p));
  }

  private static boolean hasEntry(Path proc, byte[] wanted) {
    byte[] environ;
    try {
      environ = Files.readAllBytes(proc.resolve("environ"));
    } catch (IOException | SecurityException gone) {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= environ.length; i++) {
      if (i == environ.length || environ[i] == 0) {
        if (i - start == wanted.length
            && Arrays.equals(environ, start, i, wanted, 0, wanted.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  private static void reapOrphans() {
    try {
      String self = Long.toString(ProcessHandle.current().pid());
      Set<Long> zombies =
          new HashSet<>(Procs.matching(p -> Procs.isZombie(p) && self.equals(Procs.stat(p, 1))));
      for (long pid : zombies) {
        if (zombiesSeen.contains(pid) && !STARTED.contains(pid)) {
          LIBC.waitpid(Math.toIntExact(pid), new IntByReference(), WNOHANG);
        }
      }
      zombiesSeen = zombies;
    } catch (RuntimeException e) {
      log.warn("could not reap the orphans of pods", e);
    }
  }
}
