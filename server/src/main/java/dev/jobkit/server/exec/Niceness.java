package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.jobkit.server.DaemonThreads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nice value pods start with ({@code jobkit.executor.job-niceness}): the service's own plus an
 * increment, so that when jobs keep every core busy the service's threads (its API, the shell's and
 * the console's requests, the dispatcher, the ends of jobs) still get the CPU first, as Ray starts
 * its workers at nice 15 for its own daemons.
 *
 * <p>Linux keeps the nice value per thread, and a process starts with the nice value of the thread
 * that started it. So a pod starts from a thread at the pods' nice value, and the pod and every
 * process it starts run at it from their first instruction: no window in which a job forks at the
 * service's priority, and nothing for a job to undo (raising its priority again takes {@code
 * CAP_SYS_NICE}). The threads that start pods as a pod user ({@link ThreadCredentials}) set their
 * nice value for each start, as root; the others are {@link #run threads of their own}, since a
 * thread that is not root cannot lower its nice value again. Where the kernel groups sessions for
 * the scheduler, the pod's session group gets the same increment ({@link #ofSession}).
 *
 * <p>The service's own threads that dispatch, launch, watch and end jobs (the dispatcher, the
 * launchers, the reapers) run a smaller increment above it ({@code
 * jobkit.executor.lifecycle-niceness}, {@link #daemonThreads}), so that on a busy machine its
 * answers to requests come before the background work of the jobs they started, as Slurm defers
 * scheduling while its controller has many requests to answer ({@code max_rpc_cnt}).
 *
 * <p>Every increment is counted from the service's nice value: that of its process (its first
 * thread's, {@code /proc/self/stat}), which the threads answering requests keep. A thread starts at
 * the nice value of the thread that started it, so a thread of a pool that a launcher or a reaper
 * started has theirs unless it sets its own.
 */
public final class Niceness {

  private static final Logger log = LoggerFactory.getLogger(Niceness.class);
  private static final int PRIO_PROCESS = 0;

  /** The lowest priority, the largest nice value. */
  static final int MAX = 19;

  private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());
  private static final ConcurrentMap<Integer, ExecutorService> STARTERS = new ConcurrentHashMap<>();

  private interface LibC extends Library {
    int setpriority(int which, int who, int prio);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /** The service's nice value: its process's, which its request threads keep. */
  static final int SERVICE = ofProcess();

  /**
   * A session's scheduling group, as {@code /proc/<pid>/autogroup} shows it ({@code /autogroup-85
   * nice 0}).
   *
   * @param name the group's name; empty for the kernel's default group, that of the sessions of
   *     {@code init} and of the kernel's threads, which weighs as nice 0 and whose file is empty
   * @param nice its nice value
   */
  record Group(String name, int nice) {

    static final Group DEFAULT = new Group("", 0);

    /** The group that {@code content}, a whole {@code /proc/<pid>/autogroup}, names. */
    static Group parse(String content) {
      String line = content.strip();
      if (line.isEmpty()) {
        return DEFAULT;
      }
      String[] fields = line.split(" ");
      if (fields.length != 3 || !fields[1].equals("nice")) {
        throw new IllegalArgumentException("not an autogroup line: " + line);
      }
      return new Group(fields[0], Integer.parseInt(fields[2]));
    }

    boolean isDefault() {
      return name.isEmpty();
    }
  }

  /**
   * The service's own scheduling group, or null where the kernel does not group sessions. A service
   * started by a process that never began a session of its own (a container's {@code init}, some CI
   * runners) is in the kernel's {@link Group#DEFAULT default group}; its pods, each leading a
   * session, are still grouped, and get the increment above nice 0.
   */
  private static final Group OWN_GROUP = ownGroup();

  private Niceness() {}

  private static Group ownGroup() {
    try {
      if (!Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled"))
          .strip()
          .equals("1")) {
        return null;
      }
      return Group.parse(Files.readString(Path.of("/proc/self/autogroup")));
    } catch (IOException | RuntimeException none) {
      return null;
    }
  }

  /**
   * Sets the nice value of the scheduling group of the session that pod {@code pid} leads, where
   * the kernel groups sessions ({@code sched_autogroup_enabled}, the default of most distributions'
   * kernels): there the scheduler first shares the CPU between sessions, each as one, at its
   * group's nice value, and only then between the threads of a session by theirs. A pod leads a
   * session of its own, so without this its group would weigh as much as the service's however high
   * its nice value. Called once the pod has started (its session exists; it cannot have been reaped
   * yet), and never for a process still in the service's group or in the kernel's default group.
   * Best effort: a service that is not root may set a group's nice value only ten times a second
   * ({@code EAGAIN} beyond), and a pod may have ended already; then its group keeps nice 0.
   */
  static void ofSession(long pid, int increment) {
    if (OWN_GROUP == null || increment == 0) {
      return;
    }
    Path group = Path.of("/proc", Long.toString(pid), "autogroup");
    try {
      Group current = Group.parse(Files.readString(group));
      if (current.isDefault() || current.name().equals(OWN_GROUP.name())) {
        return;
      }
      Files.writeString(group, Integer.toString(above(OWN_GROUP.nice(), increment)));
    } catch (IOException | RuntimeException e) {
      log.debug("could not set the nice value of pod {}'s session group: {}", pid, e.toString());
    }
  }

  /** The nice value of the calling thread (its field of {@code /proc/thread-self/stat}). */
  static int ofThisThread() {
    return fromStat(Path.of("/proc/thread-self/stat"));
  }

  /** The nice value of this process's first thread, which the JVM started from. */
  private static int ofProcess() {
    return fromStat(Path.of("/proc/self/stat"));
  }

  private static int fromStat(Path stat) {
    try {
      String line = Files.readString(stat);
      // After the command's closing parenthesis: state is field 3, nice field 19.
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[19 - 3]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Daemon threads named {@code prefix-1}, {@code prefix-2}, ... that set their nice value to
   * {@code increment} above the service's before their first task; plain {@linkplain
   * DaemonThreads#named named threads} for 0. A thread that is not root cannot lower its nice
   * value, so one started from a thread above that keeps the higher value.
   */
  public static ThreadFactory daemonThreads(String prefix, int increment) {
    return increment == 0 ? DaemonThreads.named(prefix) : threadsAt(prefix, increment);
  }

  private static ThreadFactory threadsAt(String prefix, int increment) {
    ThreadFactory named = DaemonThreads.named(prefix);
    int wanted = above(SERVICE, increment);
    return task ->
        named.newThread(
            () -> {
              if (ofThisThread() != wanted) {
                setThisThread(wanted);
              }
              task.run();
            });
  }

  /**
   * Sets the calling thread's nice value to {@code value} (raising it is always allowed; lowering
   * it takes {@code CAP_SYS_NICE}); whether it could.
   */
  static boolean setThisThread(int value) {
    // who = 0 is the calling thread: on Linux the nice value is a thread's, not a process's.
    if (LIBC.setpriority(PRIO_PROCESS, 0, value) == 0) {
      return true;
    }
    log.warn(
        "could not set a thread's nice value to {} (errno {}); pods start at its nice value {}",
        value,
        Native.getLastError(),
        ofThisThread());
    return false;
  }

  /** The nice value {@code increment} above {@code base}, at most {@link #MAX}. */
  static int above(int base, int increment) {
    return Math.min(MAX, base + increment);
  }

  /**
   * Runs {@code action} (a start of a pod, as the service) on a thread whose nice value is {@code
   * increment} above the service's, and waits for it: on the calling thread when that is its own
   * (as for 0 on a thread of the service's), else on one of the {@link #prepare starter threads}.
   */
  static int run(int increment, IntSupplier action) {
    if (increment == 0 && ofThisThread() == SERVICE) {
      return action.getAsInt();
    }
    Future<Integer> result =
        STARTERS.computeIfAbsent(increment, Niceness::starters).submit(action::getAsInt);
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a pod started", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Starts the threads that start pods at {@code increment} above the service's nice value, from
   * the calling thread, which should be at the service's: a launcher, above it, could not start
   * them at a lower value than its own unless the service is root.
   */
  static void prepare(int increment) {
    ((ThreadPoolExecutor) STARTERS.computeIfAbsent(increment, Niceness::starters))
        .prestartAllCoreThreads();
  }

  /**
   * Threads that start pods at {@code increment} above the service's nice value. They set their own
   * before their first task; they start no thread themselves (one would inherit their nice value).
   */
  private static ExecutorService starters(int increment) {
    return Executors.newFixedThreadPool(
        THREADS, threadsAt("jobkit-pod-starter-" + increment, increment));
  }
}
