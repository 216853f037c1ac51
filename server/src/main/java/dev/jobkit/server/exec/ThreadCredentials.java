package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one native call as a pod user on a thread of the service, so that a pod can start under its
 * own identity without a program in front of it ({@code setpriv} costs about 1.5 ms per spawn
 * here), and the processes of a pod user can be killed by one {@code kill(-1, SIGKILL)}.
 *
 * <p>Linux keeps credentials per thread; only the C library's {@code setresuid(2)} wrappers make
 * every thread of a process follow. The raw system calls used here switch one thread alone: its
 * supplementary groups to the run-as group, its real and effective group and user ids to the pod
 * user's, the saved ids staying root so that it can switch back afterwards. While switched it has
 * no effective capability, so the call is checked as the pod user's. A process it starts inherits
 * those credentials, and its {@code exec} sets the saved ids to the pod user too and leaves it no
 * capability; {@code no_new_privs}, set once on these threads and inherited, keeps any set-user-ID
 * program or file capability from giving a pod more.
 *
 * <p>The switching threads are a few of their own, started by a thread that is root and running
 * nothing but these calls: no class loading from files a pod user could not read, no JNA memory
 * allocated, no thread started while switched (it would inherit the pod user). One that could not
 * switch back ends, and a new one is started by the next caller.
 *
 * <p>Only on x86-64 and AArch64, whose system call numbers are known here; elsewhere {@link
 * #available()} is false and the executor puts {@code setpriv} in front of the pod's command.
 */
final class ThreadCredentials {

  private static final Logger log = LoggerFactory.getLogger(ThreadCredentials.class);
  private static final int PR_SET_NO_NEW_PRIVS = 38;
  private static final int PR_GET_NO_NEW_PRIVS = 39;
  private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /**
   * {@code setgroups}, {@code setresgid}, {@code setresuid}, {@code getgroups} on this machine, or
   * null.
   */
  private static final long[] SYSCALLS = syscallNumbers();

  private interface LibC extends Library {
    long syscall(long number, Object... args);

    int prctl(int option, long arg2, long arg3, long arg4, long arg5);
  }

  private static final LibC LIBC = SYSCALLS == null ? null : Native.load("c", LibC.class);
  private static final BlockingQueue<Task> TASKS = new LinkedBlockingQueue<>();
  private static final AtomicInteger WORKERS = new AtomicInteger();

  private ThreadCredentials() {}

  /** Whether this machine's system calls are known here. */
  static boolean available() {
    return SYSCALLS != null;
  }

  private static long[] syscallNumbers() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return null;
    }
    return switch (System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> new long[] {116, 119, 117, 115};
      case "aarch64", "arm64" -> new long[] {159, 149, 147, 158};
      default -> null;
    };
  }

  /** The outcome of {@link #runAs}: the action's result, or the errno of the switch that failed. */
  record Outcome(boolean switched, int value) {}

  /** {@code niceness}: above the service's nice value; {@link #ANY_NICENESS}: the thread's. */
  private record Task(
      PodUser user,
      CgroupDescendants.Placement placement,
      int niceness,
      IntSupplier action,
      CompletableFuture<Outcome> result) {}

  /** A task that does not start a process: it runs at whatever nice value the thread has. */
  private static final int ANY_NICENESS = -1;

  /**
   * Runs {@code action} on a thread that is {@code user} meanwhile, and waits for it. The caller
   * must be a thread of the service's own identity (root): it may start the switching threads.
   *
   * @return the action's result, or, when the thread could not become the pod user (the action then
   *     did not run), {@code switched == false} and the errno
   */
  static Outcome runAs(PodUser user, IntSupplier action) {
    return submit(new Task(user, null, ANY_NICENESS, action, new CompletableFuture<>()));
  }

  /**
   * {@link #runAs(PodUser, IntSupplier)} from a thread that is in the cgroup of {@code placement}
   * meanwhile (null: the service's), at {@code niceness} above the service's nice value, so that a
   * process the action starts begins there and at that nice value ({@link Niceness}). The thread
   * moves and sets its nice value while it is root, before it becomes the pod user.
   */
  static Outcome runAs(
      PodUser user, CgroupDescendants.Placement placement, int niceness, IntSupplier action) {
    return submit(new Task(user, placement, niceness, action, new CompletableFuture<>()));
  }

  private static Outcome submit(Task task) {
    startThreads();
    TASKS.add(task);
    try {
      return task.result().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Starts the switching threads, after loading and linking what they call while this thread is
   * still the service: the first call of a JNA method prepares it, which must not happen under a
   * pod user.
   */
  static void prepare() {
    if (LIBC == null) {
      return;
    }
    // Calls that change nothing: setresuid(-1, -1, -1), getgroups(0, ...), PR_GET_NO_NEW_PRIVS.
    LIBC.syscall(SYSCALLS[2], -1L, -1L, -1L);
    LIBC.syscall(SYSCALLS[3], 0L, new int[1]);
    LIBC.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    Native.getLastError();
    startThreads();
  }

  private static void startThreads() {
    while (true) {
      int running = WORKERS.get();
      if (running >= THREADS) {
        return;
      }
      if (WORKERS.compareAndSet(running, running + 1)) {
        Thread thread = new Thread(ThreadCredentials::work, "jobkit-as-pod-user-" + running);
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  private static void work() {
    try {
      if (LIBC.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        log.error("could not set no_new_privs: errno {}", Native.getLastError());
        return;
      }
      // The thread that started this one may have been a launcher, above the service.
      int current = Niceness.ofThisThread();
      while (true) {
        Task task = TASKS.take();
        if (task.niceness() != ANY_NICENESS) {
          int wanted = Niceness.above(Niceness.SERVICE, task.niceness());
          if (wanted != current && Niceness.setThisThread(wanted)) {
            current = wanted;
          }
        }
        if (!run(task)) {
          log.error(
              "a thread that ran as uid {} could not come back to the service's identity or"
                  + " cgroup; it ends",
              task.user().uid());
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      WORKERS.decrementAndGet();
    }
  }

  /**
   * Runs one task in its cgroup; false when this thread could not become root again or leave the
   * cgroup (it must end).
   */
  private static boolean run(Task task) {
    CgroupDescendants.Placement placement = task.placement();
    if (placement == null) {
      return runAsUser(task);
    }
    try {
      placement.enter();
    } catch (RuntimeException e) {
      task.result().completeExceptionally(e);
      return true;
    }
    boolean root = runAsUser(task);
    try {
      placement.leave();
    } catch (RuntimeException e) {
      log.error("a thread could not leave the cgroup of a pod; it ends", e);
      return false;
    }
    return root;
  }

  private static boolean runAsUser(Task task) {
    int errno = become(task.user());
    if (errno != 0) {
      task.result().complete(new Outcome(false, errno));
      return switchBack();
    }
    try {
      task.result().complete(new Outcome(true, task.action().getAsInt()));
    } catch (RuntimeException e) {
      task.result().completeExceptionally(e);
    }
    return switchBack();
  }

  /** Makes this thread the pod user, keeping the saved ids; 0, or the errno of the failed step. */
  private static int become(PodUser user) {
    long[] call = SYSCALLS;
    if (LIBC.syscall(call[0], 1L, new int[] {user.group()}) != 0
        || LIBC.syscall(call[1], (long) user.gid(), (long) user.gid(), 0L) != 0
        || LIBC.syscall(call[2], (long) user.uid(), (long) user.uid(), 0L) != 0) {
      int errno = Native.getLastError();
      return errno != 0 ? errno : -1;
    }
    return 0;
  }

  /** Makes this thread root again (allowed by its saved ids); whether it is. */
  private static boolean switchBack() {
    long[] call = SYSCALLS;
    return LIBC.syscall(call[2], 0L, 0L, 0L) == 0
        && LIBC.syscall(call[1], 0L, 0L, 0L) == 0
        && LIBC.syscall(call[0], 0L, new int[1]) == 0;
  }
}
