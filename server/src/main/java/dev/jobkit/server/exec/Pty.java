package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;

/**
 * A pseudo-terminal pair from the C library ({@code posix_openpt}, {@code grantpt}, {@code
 * unlockpt}, {@code ptsname_r}): the service keeps the master side and reads and writes the
 * terminal's bytes on it; a shell opens the slave side ({@link #slave()}) as its controlling
 * terminal. The master is opened close-on-exec, so no process the service starts inherits it.
 */
final class Pty implements AutoCloseable {

  private static final int O_RDWR = 02;
  private static final int O_NOCTTY = 0400;
  private static final int O_CLOEXEC = 02000000;
  private static final long TIOCSWINSZ = 0x5414;
  private static final short POLLIN = 0x1;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;

  private interface LibC extends Library {
    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    int ptsname_r(int fd, byte[] buffer, long length);

    int ioctl(int fd, long request, Memory argument);

    int poll(Memory fds, long count, int timeoutMillis);

    long read(int fd, byte[] buffer, long count);

    long write(int fd, byte[] buffer, long count);

    int close(int fd);

    int chown(String path, int uid, int gid);

    int chmod(String path, int mode);

    String strerror(int errno);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  private final int master;
  private final String slave;
  private volatile boolean closed;

  private Pty(int master, String slave) {
    this.master = master;
    this.slave = slave;
  }

  /** Opens a new pair with a window of {@code cols} × {@code rows}. */
  static Pty open(int cols, int rows) throws IOException {
    int fd = LIBC.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      throw new IOException("posix_openpt: " + LIBC.strerror(Native.getLastError()));
    }
    try {
      if (LIBC.grantpt(fd) != 0) {
        throw new IOException("grantpt: " + LIBC.strerror(Native.getLastError()));
      }
      if (LIBC.unlockpt(fd) != 0) {
        throw new IOException("unlockpt: " + LIBC.strerror(Native.getLastError()));
      }
      byte[] name = new byte[128];
      int error = LIBC.ptsname_r(fd, name, name.length);
      if (error != 0) {
        throw new IOException("ptsname_r: " + LIBC.strerror(error));
      }
      int length = 0;
      while (length < name.length && name[length] != 0) {
        length++;
      }
      Pty pty =
          new Pty(fd, new String(name, 0, length, java.nio.charset.StandardCharsets.US_ASCII));
      pty.resize(cols, rows);
      return pty;
    } catch (IOException | RuntimeException e) {
      LIBC.close(fd);
      throw e;
    }
  }

  /** The slave side's path ({@code /dev/pts/N}), which the shell opens. */
  String slave() {
    return slave;
  }

  /**
   * Makes the slave side the pod user's alone ({@code 0600}): it was the service's (root's), and a
   * shell that runs as the pod user could not open it.
   */
  void giveTo(PodUser user) throws IOException {
    if (LIBC.chown(slave, user.uid(), user.gid()) != 0 || LIBC.chmod(slave, 0600) != 0) {
      throw new IOException(
          "give " + slave + " to uid " + user.uid() + ": " + LIBC.strerror(Native.getLastError()));
    }
  }

  /** Sets the window size the shell and its programs see ({@code TIOCSWINSZ}, then SIGWINCH). */
  synchronized void resize(int cols, int rows) throws IOException {
    Memory size = new Memory(8);
    size.setShort(0, (short) rows);
    size.setShort(2, (short) cols);
    size.setShort(4, (short) 0);
    size.setShort(6, (short) 0);
    if (!closed && LIBC.ioctl(master, TIOCSWINSZ, size) != 0) {
      throw new IOException("TIOCSWINSZ: " + LIBC.strerror(Native.getLastError()));
    }
  }

  /**
   * Reads what the terminal wrote, waiting at most {@code waitMillis} for it.
   *
   * @return how many bytes were read into {@code buffer}; 0 when nothing came in time; -1 once no
   *     process has the slave side open any more (or the pair is closed)
   */
  int read(byte[] buffer, int waitMillis) {
    if (closed) {
      return -1;
    }
    Memory fds = new Memory(8);
    fds.setInt(0, master);
    fds.setShort(4, POLLIN);
    fds.setShort(6, (short) 0);
    int ready = LIBC.poll(fds, 1, waitMillis);
    if (ready == 0) {
      return 0;
    }
    if (ready < 0) {
      int errno = Native.getLastError();
      return errno == EINTR ? 0 : -1;
    }
    long count = LIBC.read(master, buffer, buffer.length);
    if (count < 0) {
      int errno = Native.getLastError();
      // EIO: every holder of the slave side has closed it.
      return errno == EINTR || errno == EAGAIN ? 0 : -1;
    }
    return count == 0 ? -1 : (int) count;
  }

  /** Writes {@code bytes} as if typed at the terminal. */
  synchronized void write(byte[] bytes) throws IOException {
    int offset = 0;
    while (offset < bytes.length && !closed) {
      byte[] rest = offset == 0 ? bytes : java.util.Arrays.copyOfRange(bytes, offset, bytes.length);
      long written = LIBC.write(master, rest, rest.length);
      if (written < 0) {
        int errno = Native.getLastError();
        if (errno == EINTR || errno == EAGAIN) {
          continue;
        }
        throw new IOException("write to the terminal: " + LIBC.strerror(errno));
      }
      offset += (int) written;
    }
  }

  /**
   * Closes the master side, once; the kernel hangs up the slave side's session. Only the thread
   * that reads calls it, after its last read, so no read can land on a descriptor number the
   * service has reused meanwhile.
   */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      LIBC.close(master);
    }
  }
}
