package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a pod's stdout and stderr (one pipe) into its log file, up to {@code
 * jobkit.executor.max-log-bytes-per-pod}: the log is cut there with a line that says so, and
 * whatever the pod writes after is read and discarded, so that it never blocks on a full pipe.
 *
 * <p>One thread per running pod, with a fixed buffer. The pod's end is its exit, not the pipe's end
 * (a descendant that got away could hold the pipe open): once the pod and whatever it left are
 * killed, the executor waits a short while for the pipe to be drained ({@link #awaitDrained}), then
 * closes the log ({@link #close}); nothing is written to it after.
 */
final class LogPump {

  private static final Logger log = LoggerFactory.getLogger(LogPump.class);
  private static final int O_CLOEXEC = 02000000;
  private static final int EINTR = 4;
  private static final int BUFFER = 64 * 1024;
  private static final Duration POLL = Duration.ofMillis(10);

  private interface LibC extends Library {
    int pipe2(int[] fds, int flags);

    long read(int fd, ByteBuffer buffer, long count);

    int close(int fd);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  private final FileChannel file;
  private final long limit;
  private final CompletableFuture<Void> drained = new CompletableFuture<>();
  private long written;
  private boolean cut;
  private boolean closed;

  private LogPump(FileChannel file, long limit) throws IOException {
    this.file = file;
    this.limit = limit;
    // What earlier attempts wrote counts: the limit is the file's.
    this.written = file.size();
  }

  /** The marker line that ends a log cut at {@code limit} bytes. */
  static String cutLine(long limit) {
    return "\n[jobkit] log cut at "
        + limit
        + " bytes: the limit jobkit.executor.max-log-bytes-per-pod was reached; further output is"
        + " discarded\n";
  }

  /** A pipe for a pod's output, to be pumped into {@code logFile}. */
  static Piped pipe(Path logFile, long limit) throws IOException {
    int[] fds = new int[2];
    if (LIBC.pipe2(fds, O_CLOEXEC) != 0) {
      throw new IOException("pipe2: errno " + Native.getLastError());
    }
    try {
      return new Piped(new LogPump(openLog(logFile), limit), fds[0], fds[1]);
    } catch (IOException | RuntimeException e) {
      LIBC.close(fds[0]);
      LIBC.close(fds[1]);
      throw e;
    }
  }

  /**
   * Pumps the output of {@code process} (started by {@link ProcessBuilder} with its output to a
   * pipe) into {@code logFile} on a thread of {@code on}.
   *
   * <p>The JDK drains that pipe when the process exits, under the same lock as a read: a read
   * blocked on a pipe that a descendant holds open would keep the JDK from ever reporting the exit.
   * So this pump reads only what is available, looking again every {@link #POLL}, until the process
   * has exited; then it reads what the JDK drained, to its end.
   */
  static LogPump start(Path logFile, long limit, Process process, Executor on) throws IOException {
    LogPump pump = new LogPump(openLog(logFile), limit);
    InputStream output = process.getInputStream();
    CompletableFuture<Process> exited = process.onExit();
    on.execute(
        () -> {
          byte[] bytes = new byte[BUFFER];
          try (output) {
            while (true) {
              int available = output.available();
              if (available > 0) {
                int n = output.read(bytes, 0, Math.min(available, BUFFER));
                pump.accept(ByteBuffer.wrap(bytes, 0, n));
              } else if (exited.isDone()) {
                int n;
                while ((n = output.read(bytes)) >= 0) {
                  pump.accept(ByteBuffer.wrap(bytes, 0, n));
                }
                break;
              } else {
                Thread.sleep(POLL.toMillis());
              }
            }
          } catch (IOException | RuntimeException e) {
            log.warn("reading a pod's output failed", e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            pump.drained.complete(null);
          }
        });
    return pump;
  }

  private static FileChannel openLog(Path logFile) throws IOException {
    return FileChannel.open(
        logFile,
        Set.of(
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND,
            LinkOption.NOFOLLOW_LINKS),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
  }

  /** A pump whose pipe's write end is still to be handed to the pod. */
  static final class Piped {
    private final LogPump pump;
    private final int readEnd;
    private int writeEnd;

    private Piped(LogPump pump, int readEnd, int writeEnd) {
      this.pump = pump;
      this.readEnd = readEnd;
      this.writeEnd = writeEnd;
    }

    /** The descriptor the pod gets as stdout and stderr (close-on-exec in the service). */
    int writeEnd() {
      return writeEnd;
    }

    /**
     * The pod is started (or could not be): closes the service's write end, so that the pipe ends
     * when the pod's processes are gone, and starts pumping on a thread of {@code on}.
     */
    LogPump start(Executor on) {
      LIBC.close(writeEnd);
      writeEnd = -1;
      on.execute(this::pump);
      return pump;
    }

    private void pump() {
      ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
      try {
        while (true) {
          long n = LIBC.read(readEnd, buffer, BUFFER);
          if (n < 0) {
            if (Native.getLastError() == EINTR) {
              continue;
            }
            log.warn("reading a pod's output failed: errno {}", Native.getLastError());
            break;
          }
          if (n == 0) {
            break;
          }
          buffer.clear().limit((int) n);
          pump.accept(buffer);
          buffer.clear();
        }
      } catch (RuntimeException e) {
        log.warn("pumping a pod's output failed", e);
      } finally {
        LIBC.close(readEnd);
        pump.drained.complete(null);
      }
    }

    /** Closes both ends and the log, when the pod could not be started. */
    void abort() {
      if (writeEnd >= 0) {
        LIBC.close(writeEnd);
      }
      LIBC.close(readEnd);
      pump.close();
    }
  }

  /** Writes what fits under the limit, the cut line once when it is reached; drops the rest. */
  private synchronized void accept(ByteBuffer bytes) {
    if (closed || (cut && written >= limit)) {
      return;
    }
    try {
      long room = limit - written;
      if (bytes.remaining() <= room) {
        written += writeFully(bytes);
        return;
      }
      if (room > 0) {
        bytes.limit(bytes.position() + (int) room);
        written += writeFully(bytes);
      }
      writeFully(ByteBuffer.wrap(cutLine(limit).getBytes(StandardCharsets.US_ASCII)));
      cut = true;
    } catch (IOException e) {
      log.warn("writing a pod's log failed; its output is discarded", e);
      closed = true;
    }
  }

  private int writeFully(ByteBuffer bytes) throws IOException {
    int total = 0;
    while (bytes.hasRemaining()) {
      total += file.write(bytes);
    }
    return total;
  }

  /**
   * Waits until the pipe has ended (every process holding it is gone), for at most {@code limit};
   * whether it has.
   */
  boolean awaitDrained(Duration limit) {
    try {
      drained.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException stillOpen) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException impossible) {
      return true;
    }
  }

  /** Whether the log was cut at the limit. */
  synchronized boolean cut() {
    return cut;
  }

  /** Closes the log: nothing more is written to it, whatever is still read from the pipe. */
  synchronized void close() {
    closed = true;
    try {
      file.close();
    } catch (IOException e) {
      log.warn("closing a pod's log failed", e);
    }
  }
}
