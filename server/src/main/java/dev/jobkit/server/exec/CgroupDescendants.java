package dev.jobkit.server.exec;

import dev.jobkit.server.DaemonThreads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code pids} cgroup (v1) per pod, {@code /sys/fs/cgroup/pids/jobkit/<service pid>-<n>/<job>-
 * <attempt>-<pod>-<m>}, where {@code n} tells apart the services of one JVM (tests start several)
 * and {@code m} the process groups of one pod (its hooks' and its run's, each in its own cgroup):
 * every process a pod starts is in it, whatever session or parent it has, until it exits, and its
 * {@code pids.max} ({@code jobkit.executor.max-processes-per-pod}) caps how many tasks (processes
 * and threads) the pod has at once.
 *
 * <p>A pod still starts with one {@code posix_spawn}: in cgroup v1 one thread can be moved alone
 * (writing {@code 0} to a cgroup's {@code tasks} moves the writing thread), and a process inherits
 * the cgroup of the thread that started it. So the spawning thread moves into the pod's cgroup,
 * spawns, and moves back ({@link Placement}), as {@link ThreadCredentials} switches its identity
 * around the spawn. cgroup v2 moves whole processes only, so a host with only v2 gets {@link
 * MarkerDescendants}.
 */
final class CgroupDescendants extends Descendants {

  private static final Logger log = LoggerFactory.getLogger(CgroupDescendants.class);
  private static final Path MOUNT = Path.of("/sys/fs/cgroup/pids");
  private static final long SELF = ProcessHandle.current().pid();
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final byte[] THIS_THREAD = "0".getBytes(StandardCharsets.US_ASCII);
  // How a busy cgroup is removed later: every 10 ms, for a second.
  private static final long RETRY_MILLIS = 10;
  private static final int RETRIES = 100;

  private final Path instance;
  private final Path homeTasks;
  private final int maxProcesses;
  // Numbers the pods' cgroups of this instance.
  private final AtomicLong trees = new AtomicLong();
  // Pods' cgroups the kernel still held when their attempts ended: removed a moment later here,
  // not on the thread that records an end (see removeLater).
  private final ScheduledExecutorService removals =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jobkit-cgroups"));
  private final Set<Path> pending = ConcurrentHashMap.newKeySet();

  private CgroupDescendants(Path instance, Path homeTasks, int maxProcesses) {
    this.instance = instance;
    this.homeTasks = homeTasks;
    this.maxProcesses = maxProcesses;
  }

  /** The mechanism, if this service can make and enter cgroups here. */
  static Optional<CgroupDescendants> create(int maxProcesses) {
    try {
      Path home = homeCgroup();
      if (home == null) {
        return Optional.empty();
      }
      Path parent = MOUNT.resolve("jobkit");
      Files.createDirectories(parent);
      removeStale(parent);
      Path instance = parent.resolve(SELF + "-" + INSTANCES.incrementAndGet());
      Files.createDirectories(instance);
      Placement probe = new Placement(instance.resolve("tasks"), home.resolve("tasks"));
      probe.enter();
      probe.leave();
      return Optional.of(new CgroupDescendants(instance, home.resolve("tasks"), maxProcesses));
    } catch (IOException | RuntimeException e) {
      log.debug("no pids cgroups: {}", e.toString());
      return Optional.empty();
    }
  }

  /** Why {@link #create} finds no cgroups, for an error message. */
  static String whyNot() {
    if (!Files.exists(MOUNT.resolve("tasks"))) {
      return "no cgroup v1 pids hierarchy at " + MOUNT;
    }
    return MOUNT + " is not writable by the service (it must run as root)";
  }

  /** The service's own pids cgroup, as a directory, or null when there is no v1 pids hierarchy. */
  private static Path homeCgroup() throws IOException {
    if (!Files.exists(MOUNT.resolve("tasks")) || !Files.isWritable(MOUNT.resolve("tasks"))) {
      return null;
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] fields = line.split(":", 3);
      if (fields.length == 3 && List.of(fields[1].split(",")).contains("pids")) {
        Path home = MOUNT.resolve(fields[2].substring(1));
        // The mount may show another part of the hierarchy (a container's): then the path lies.
        String self = Long.toString(ProcessHandle.current().pid());
        return Files.readAllLines(home.resolve("cgroup.procs")).contains(self) ? home : null;
      }
    }
    return null;
  }

  /** Removes the empty cgroups of services of this machine that are gone. */
  private static void removeStale(Path parent) throws IOException {
    try (DirectoryStream<Path> services = Files.newDirectoryStream(parent)) {
      for (Path service : services) {
        String pid = service.getFileName().toString().split("-", 2)[0];
        if (pid.isEmpty()
            || !pid.chars().allMatch(Character::isDigit)
            || ProcessHandle.of(Long.parseLong(pid)).isPresent()) {
          continue;
        }
        try (DirectoryStream<Path> pods = Files.newDirectoryStream(service, Files::isDirectory)) {
          for (Path pod : pods) {
            deleteQuietly(pod);
          }
        }
        deleteQuietly(service);
      }
    }
  }

  private static boolean deleteQuietly(Path cgroup) {
    try {
      Files.delete(cgroup);
      return true;
    } catch (IOException busy) {
      return false;
    }
  }

  @Override
  String describe() {
    return "in a pids cgroup per pod under "
        + instance
        + (maxProcesses > 0 ? " (at most " + maxProcesses + " tasks)" : "");
  }

  @Override
  Tree track(String jobId, int attempt, int pod, String marker) {
    // Numbered: the hooks and the run of one attempt's pod each have their own process group, and
    // the cgroup of the one before may still wait for the kernel to let it go (removeLater).
    Path dir = instance.resolve(jobId + "-" + attempt + "-" + pod + "-" + trees.incrementAndGet());
    try {
      Files.createDirectory(dir);
      if (maxProcesses > 0) {
        // Counts the spawning thread too while it is in: the pod may then fork one less.
        Files.writeString(dir.resolve("pids.max"), Integer.toString(maxProcesses));
      }
    } catch (IOException e) {
      deleteQuietly(dir);
      throw new UncheckedIOException("cannot make the pod's cgroup " + dir, e);
    }
    return new CgroupTree(dir, new Placement(dir.resolve("tasks"), homeTasks), this::removeLater);
  }

  /**
   * Removes a pod's cgroup that was still busy when its processes were gone: one that exited a
   * moment ago holds it until the kernel has let go of it. Tried every {@value #RETRY_MILLIS} ms
   * for a second, off the thread that ends the attempt: waiting there held up every end behind it
   * (about one attempt in 25 met a busy cgroup, on two cores, and the thread slept 10 ms).
   */
  private void removeLater(Path dir) {
    pending.add(dir);
    retry(dir, 1);
  }

  private void retry(Path dir, int tries) {
    try {
      removals.schedule(
          () -> {
            if (deleteQuietly(dir) || !Files.exists(dir)) {
              pending.remove(dir);
            } else if (tries >= RETRIES) {
              pending.remove(dir);
              log.warn("could not remove the cgroup {}: it still has {}", dir, membersOf(dir));
            } else {
              retry(dir, tries + 1);
            }
          },
          RETRY_MILLIS,
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // The service is stopping: close() removes what it can, the next start the rest.
    }
  }

  @Override
  void close() {
    removals.shutdownNow();
    pending.forEach(CgroupDescendants::deleteQuietly);
    deleteQuietly(instance);
  }

  /**
   * The processes in a pod's cgroup but this service: {@code cgroup.procs} lists a process as soon
   * as one of its threads is in, and a thread of the service is, for a moment, while it starts the
   * pod.
   */
  private static List<Long> membersOf(Path dir) {
    List<Long> pids = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
        if (!line.isBlank() && Long.parseLong(line.strip()) != SELF) {
          pids.add(Long.parseLong(line.strip()));
        }
      }
    } catch (IOException gone) {
      // removed: empty
    }
    return pids;
  }

  /**
   * Where a spawning thread goes while it starts a pod, and where it comes back to: both {@code
   * tasks} files.
   */
  record Placement(Path into, Path back) {

    /** Moves the calling thread into the pod's cgroup. */
    void enter() {
      move(into);
    }

    /** Moves the calling thread back to the service's cgroup. */
    void leave() {
      move(back);
    }

    private static void move(Path tasks) {
      try {
        Files.write(tasks, THIS_THREAD, StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot move this thread to " + tasks.getParent(), e);
      }
    }
  }

  private static final class CgroupTree extends Tree {
    private final Path dir;
    private final Placement placement;
    private final Consumer<Path> whenBusy;

    CgroupTree(Path dir, Placement placement, Consumer<Path> whenBusy) {
      this.dir = dir;
      this.placement = placement;
      this.whenBusy = whenBusy;
    }

    @Override
    Placement spawnInto() {
      return placement;
    }

    @Override
    List<Long> members() {
      return membersOf(dir);
    }

    @Override
    void release() {
      // Usually empty and removed at once; else a moment later, by removeLater.
      if (!deleteQuietly(dir) && Files.exists(dir)) {
        whenBusy.accept(dir);
      }
    }
  }
}
