package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An interactive shell on a pseudo-terminal in a running pod ({@link
 * LocalProcessExecutor#openTerminal}): the shell leads a session of its own with the terminal as
 * its controlling terminal, and is one of the pod's processes (in the pod's cgroup, or with the
 * pod's marker), so stopping the job ends it too.
 *
 * <p>One thread reads the terminal and hands its bytes to the {@link Listener}, and tells it the
 * end once: when the shell has exited and its output is drained, or after a {@link #hangUp}.
 * Whatever is left in the shell's session then is killed; a process that left the session is still
 * the pod's, and ends with the job.
 */
public final class PodTerminal {

  private static final Logger log = LoggerFactory.getLogger(PodTerminal.class);
  private static final int SIGHUP = 1;
  private static final int SIGKILL = 9;
  private static final int READ_WAIT_MILLIS = 100;

  /** How long a hung-up shell has to end before it is killed. */
  static final Duration HANG_UP_GRACE = Duration.ofSeconds(2);

  /** How long output is still read after the shell exited while something holds the terminal. */
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofMillis(300);

  private interface LibC extends Library {
    int kill(int pid, int signal);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /** Where a terminal's output and its end go. */
  public interface Listener {
    /** Bytes the terminal wrote; called from the terminal's reading thread only. */
    void output(byte[] bytes);

    /**
     * The terminal has ended: called once, from the reading thread, after the last {@link #output}.
     *
     * @param exitCode the shell's exit code (128 + the signal that ended it), or null if unknown
     */
    void ended(Integer exitCode);
  }

  private final String jobId;
  private final int pod;
  private final Pty pty;
  private final long pid;
  private final CompletableFuture<Integer> exit;
  private final ScheduledExecutorService timers;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean hungUp = new AtomicBoolean();
  private final CompletableFuture<Integer> ended = new CompletableFuture<>();

  PodTerminal(
      String jobId, int pod, Pty pty, PosixSpawn.Spawned shell, ScheduledExecutorService timers) {
    this.jobId = jobId;
    this.pod = pod;
    this.pty = pty;
    this.pid = shell.pid();
    this.exit = shell.exit();
    this.timers = timers;
  }

  /** The job whose pod this terminal is in. */
  public String jobId() {
    return jobId;
  }

  /** The pod's index. */
  public int pod() {
    return pod;
  }

  /** The shell's process id, which is also its session and process group id. */
  public long pid() {
    return pid;
  }

  /** Completes with the shell's exit code (or null) once the terminal has ended. */
  public CompletableFuture<Integer> ended() {
    return ended;
  }

  /** Starts reading the terminal into {@code listener}; once. */
  public void start(Listener listener) {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("the terminal is already read");
    }
    Thread reader = new Thread(() -> read(listener), "jobkit-terminal-" + pid);
    reader.setDaemon(true);
    reader.start();
  }

  /** Types {@code bytes} at the terminal. */
  public void input(byte[] bytes) throws IOException {
    pty.write(bytes);
  }

  /** Sets the terminal's window size. */
  public void resize(int cols, int rows) throws IOException {
    pty.resize(cols, rows);
  }

  /**
   * Ends the shell as a closed terminal window would: {@code SIGHUP} to its process group (bash
   * passes it on to its jobs), then {@code SIGKILL} to everything left in its session after {@link
   * #HANG_UP_GRACE}. Does nothing after the first call.
   */
  public void hangUp() {
    if (!hungUp.compareAndSet(false, true)) {
      return;
    }
    LIBC.kill(-Math.toIntExact(pid), SIGHUP);
    signalSession(SIGHUP);
    timers.schedule(
        () -> {
          if (!exit.isDone()) {
            LIBC.kill(Math.toIntExact(pid), SIGKILL);
          }
          signalSession(SIGKILL);
        },
        HANG_UP_GRACE.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void read(Listener listener) {
    byte[] buffer = new byte[8192];
    long quietSince = -1;
    try {
      while (true) {
        int count = pty.read(buffer, READ_WAIT_MILLIS);
        if (count < 0) {
          break;
        }
        if (count > 0) {
          quietSince = -1;
          listener.output(Arrays.copyOf(buffer, count));
          continue;
        }
        if (exit.isDone()) {
          // The shell is gone but something still holds the terminal: a job it left running.
          long now = System.nanoTime();
          if (quietSince < 0) {
            quietSince = now;
          } else if (now - quietSince > DRAIN_AFTER_EXIT.toNanos()) {
            break;
          }
        }
      }
    } catch (RuntimeException e) {
      log.warn("the terminal of pod {} of job {} failed", pod, jobId, e);
    } finally {
      pty.close();
      signalSession(SIGKILL);
    }
    Integer code = exitCode();
    try {
      listener.ended(code);
    } finally {
      ended.complete(code);
    }
  }

  /** The shell's exit code, waiting for it as long as a hang-up would take to kill it. */
  private Integer exitCode() {
    try {
      return exit.get(HANG_UP_GRACE.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      hangUp();
      return null;
    }
  }

  /** Sends {@code signal} to every live process of the shell's session. */
  private void signalSession(int signal) {
    String session = Long.toString(pid);
    List<Long> members =
        Procs.matching(p -> session.equals(Procs.stat(p, 3)) && !Procs.isZombie(p));
    for (long member : members) {
      LIBC.kill(Math.toIntExact(member), signal);
    }
  }
}
