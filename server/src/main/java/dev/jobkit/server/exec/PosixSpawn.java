package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Starts a pod with glibc's {@code posix_spawn(3)} in a new session ({@code POSIX_SPAWN_SETSID}),
 * so the pod leads its own process group without the extra {@code exec} of the {@code setsid}
 * command, and without the JDK's {@code jspawnhelper} in between: one {@code clone(CLONE_VFORK)}
 * and one {@code exec} per pod. That halves the cost of starting a short job (see bench/README.md).
 *
 * <p>In the child, before the {@code exec}: stdin is {@code /dev/null}, stdout and stderr are the
 * descriptor the service gives (the pipe of a {@link LogPump}, or a file), the working directory is
 * the pod's, every other descriptor is closed (the JVM's files and sockets do not leak into jobs),
 * no signal is blocked and every signal has its default action. The service reaps the pod itself
 * with {@code waitpid(2)}. The output is opened by the service (a file never through a link, {@code
 * 0600} when new) and handed to the child, which may run as a pod user that could not open it: then
 * {@code posix_spawn} is called from a thread that has become that user ({@link
 * ThreadCredentials}), and the child inherits its identity.
 *
 * <p>Needs glibc 2.34 or newer ({@code posix_spawn_file_actions_addclosefrom_np}); {@link
 * #available()} says whether this C library has everything, and the executor falls back to {@code
 * setsid} through {@link ProcessBuilder} where it does not.
 */
final class PosixSpawn {

  private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
  private static final short POSIX_SPAWN_SETSID = 0x80;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 01;
  private static final int O_RDWR = 02;
  private static final int O_CREAT = 0100;
  private static final int O_APPEND = 02000;
  private static final int O_NOFOLLOW = 0400000;
  private static final int O_CLOEXEC = 02000000;
  private static final int EINTR = 4;
  // Larger than glibc's posix_spawn_file_actions_t (80 bytes), posix_spawnattr_t (336) and
  // sigset_t (128) on every architecture it supports.
  private static final int OPAQUE_SIZE = 1024;

  private interface LibC extends Library {
    int open(String path, int flags, Object... mode);

    int close(int fd);

    int posix_spawn(
        IntByReference pid,
        String path,
        Pointer fileActions,
        Pointer attributes,
        StringArray argv,
        StringArray envp);

    int posix_spawn_file_actions_init(Pointer actions);

    int posix_spawn_file_actions_destroy(Pointer actions);

    int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

    int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int newFd);

    int posix_spawn_file_actions_addchdir_np(Pointer actions, String path);

    int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

    int posix_spawnattr_init(Pointer attributes);

    int posix_spawnattr_destroy(Pointer attributes);

    int posix_spawnattr_setflags(Pointer attributes, short flags);

    int posix_spawnattr_setsigmask(Pointer attributes, Pointer signals);

    int posix_spawnattr_setsigdefault(Pointer attributes, Pointer signals);

    int sigemptyset(Pointer signals);

    int sigfillset(Pointer signals);

    int waitpid(int pid, IntByReference status, int options);

    String strerror(int errno);
  }

  private static final boolean AVAILABLE = probe();
  private static final LibC LIBC = AVAILABLE ? Native.load("c", LibC.class) : null;

  private PosixSpawn() {}

  /** Whether this C library can start pods this way. */
  static boolean available() {
    return AVAILABLE;
  }

  private static boolean probe() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return false;
    }
    try {
      NativeLibrary c = NativeLibrary.getInstance("c");
      for (String symbol :
          List.of(
              "posix_spawn",
              "posix_spawn_file_actions_addchdir_np",
              "posix_spawn_file_actions_addclosefrom_np")) {
        c.getFunction(symbol);
      }
      return true;
    } catch (UnsatisfiedLinkError | NoClassDefFoundError missing) {
      return false;
    }
  }

  /**
   * Starts {@code /bin/true} once as the service, so that everything a spawn calls is loaded and
   * linked before the first spawn from a thread that has become a pod user.
   */
  static void prepare() {
    ThreadCredentials.prepare();
    try {
      Spawned spawned =
          spawn(
              "/bin/true",
              List.of("true"),
              Map.of("PATH", "/usr/bin:/bin"),
              Path.of("/"),
              Path.of("/dev/null"),
              Runnable::run,
              Child.SERVICE);
      spawned.exit().join();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("could not start /bin/true", e);
    }
  }

  /**
   * Who and where a child starts: as {@code user} (null: as the service), in the cgroup of {@code
   * placement} (null: the service's), at {@code niceness} above the service's nice value ({@link
   * Niceness}; 0: at the service's).
   */
  record Child(PodUser user, CgroupDescendants.Placement placement, int niceness) {

    /** As the service, in its cgroup, at its nice value. */
    static final Child SERVICE = new Child(null, null, 0);
  }

  /** A started pod: its pid, and its exit status once {@code waitpid} has reaped it. */
  record Spawned(long pid, CompletableFuture<Integer> exit) {}

  /**
   * Starts {@code program} (an absolute path) with {@code argv} and exactly {@code env}, as {@link
   * Child} says, and reaps it on a thread of {@code reapers}.
   *
   * @return the started pod; its {@code exit} completes with the exit code, or 128 + the signal
   *     number when a signal ended it (as {@link Process#exitValue()} reports it)
   * @throws IOException when the process could not be started, with the C library's reason
   */
  static Spawned spawn(
      String program,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      Path logFile,
      Executor reapers,
      Child child)
      throws IOException {
    int log =
        LIBC.open(logFile.toString(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (log < 0) {
      throw new IOException(
          "open the log " + logFile + ": " + LIBC.strerror(Native.getLastError()));
    }
    try {
      return spawn(program, argv, env, workDir, log, reapers, child);
    } finally {
      LIBC.close(log);
    }
  }

  /**
   * {@link #spawn(String, List, Map, Path, Path, Executor, Child)} with stdout and stderr on
   * descriptor {@code output} of the service (a pipe's write end), which the caller keeps and
   * closes.
   */
  static Spawned spawn(
      String program,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      int output,
      Executor reapers,
      Child child)
      throws IOException {
    return spawn(
        program,
        argv,
        env,
        workDir,
        actions -> {
          check(
              LIBC.posix_spawn_file_actions_addopen(actions, 0, "/dev/null", O_RDONLY, 0),
              "open /dev/null");
          check(LIBC.posix_spawn_file_actions_adddup2(actions, output, 1), "dup2 the log");
          check(LIBC.posix_spawn_file_actions_adddup2(actions, output, 2), "dup2 the log");
        },
        reapers,
        child);
  }

  /**
   * Starts {@code program} as {@link #spawn(String, List, Map, Path, Path, Executor, Child)} does,
   * with the terminal {@code terminal} (the slave side of a {@link Pty}) as its stdin, stdout,
   * stderr and controlling terminal: glibc's child calls {@code setsid} before the file actions, so
   * opening the terminal without {@code O_NOCTTY} in the new session makes it the session's
   * controlling terminal.
   */
  static Spawned spawnOnTerminal(
      String program,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      String terminal,
      Executor reapers,
      Child child)
      throws IOException {
    return spawn(
        program,
        argv,
        env,
        workDir,
        actions -> {
          check(
              LIBC.posix_spawn_file_actions_addopen(actions, 0, terminal, O_RDWR, 0),
              "open the terminal " + terminal);
          check(LIBC.posix_spawn_file_actions_adddup2(actions, 0, 1), "dup2 the terminal");
          check(LIBC.posix_spawn_file_actions_adddup2(actions, 0, 2), "dup2 the terminal");
        },
        reapers,
        child);
  }

  /** What a spawn does with descriptors 0, 1 and 2 of the child. */
  private interface Stdio {
    void add(Pointer actions) throws IOException;
  }

  private static Spawned spawn(
      String program,
      List<String> argv,
      Map<String, String> env,
      Path workDir,
      Stdio stdio,
      Executor reapers,
      Child child)
      throws IOException {
    String[] envp =
        env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    Memory actions = new Memory(OPAQUE_SIZE);
    Memory attributes = new Memory(OPAQUE_SIZE);
    Memory noSignals = new Memory(OPAQUE_SIZE);
    Memory allSignals = new Memory(OPAQUE_SIZE);
    check(LIBC.posix_spawn_file_actions_init(actions), "posix_spawn_file_actions_init");
    try {
      check(LIBC.posix_spawnattr_init(attributes), "posix_spawnattr_init");
      try {
        stdio.add(actions);
        check(LIBC.posix_spawn_file_actions_addclosefrom_np(actions, 3), "closefrom");
        check(
            LIBC.posix_spawn_file_actions_addchdir_np(actions, workDir.toString()),
            "chdir to the work dir");
        LIBC.sigemptyset(noSignals);
        LIBC.sigfillset(allSignals);
        check(LIBC.posix_spawnattr_setsigmask(attributes, noSignals), "sigmask");
        check(LIBC.posix_spawnattr_setsigdefault(attributes, allSignals), "sigdefault");
        check(
            LIBC.posix_spawnattr_setflags(
                attributes,
                (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)),
            "flags");
        IntByReference pid = new IntByReference();
        StringArray args = new StringArray(argv.toArray(String[]::new));
        StringArray vars = new StringArray(envp);
        CgroupDescendants.Placement placement = child.placement();
        int error;
        if (child.user() == null) {
          error =
              Niceness.run(
                  child.niceness(),
                  () -> {
                    if (placement != null) {
                      placement.enter();
                    }
                    try {
                      return LIBC.posix_spawn(pid, program, actions, attributes, args, vars);
                    } finally {
                      if (placement != null) {
                        placement.leave();
                      }
                    }
                  });
        } else {
          ThreadCredentials.Outcome outcome =
              ThreadCredentials.runAs(
                  child.user(),
                  placement,
                  child.niceness(),
                  () -> LIBC.posix_spawn(pid, program, actions, attributes, args, vars));
          if (!outcome.switched()) {
            throw new IOException(
                "could not become uid "
                    + child.user().uid()
                    + ": "
                    + LIBC.strerror(outcome.value()));
          }
          error = outcome.value();
        }
        if (error != 0) {
          throw new IOException(program + ": " + LIBC.strerror(error));
        }
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        int started = pid.getValue();
        Niceness.ofSession(started, child.niceness());
        MarkerDescendants.STARTED.add((long) started);
        reapers.execute(
            () -> {
              try {
                exit.complete(waitFor(started));
              } catch (RuntimeException e) {
                exit.completeExceptionally(e);
              } finally {
                MarkerDescendants.STARTED.remove((long) started);
              }
            });
        return new Spawned(started, exit);
      } finally {
        LIBC.posix_spawnattr_destroy(attributes);
      }
    } finally {
      LIBC.posix_spawn_file_actions_destroy(actions);
    }
  }

  /** Blocks until the child has ended and reaps it. */
  private static int waitFor(int pid) {
    IntByReference status = new IntByReference();
    while (LIBC.waitpid(pid, status, 0) < 0) {
      int errno = Native.getLastError();
      if (errno != EINTR) {
        throw new IllegalStateException("waitpid(" + pid + ") failed: " + LIBC.strerror(errno));
      }
    }
    int raw = status.getValue();
    int signal = raw & 0x7f;
    return signal == 0 ? (raw >> 8) & 0xff : 128 + signal;
  }

  private static void check(int error, String step) throws IOException {
    if (error != 0) {
      throw new IOException(step + ": " + LIBC.strerror(error));
    }
  }
}
