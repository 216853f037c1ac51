package dev.jobkit.server.exec;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.jobkit.server.JobkitProperties;
import dev.jobkit.server.exec.JobExecutor.LaunchFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Who pods run as. When the service is an ordinary user, pods are that user: nothing to switch, and
 * jobs share the service's rights. When the service is root, pods never are: each running job gets
 * a uid (and gid) of its own from {@code jobkit.executor.pod-uids}, plus the group of the run-as
 * account ({@code jobkit.executor.run-as}, created with {@code useradd --system} if missing), whose
 * name they see as {@code USER}. Two running jobs never share a uid, so neither can read the
 * other's files, signal its processes or read its environment.
 *
 * <p>A service takes a uid under an exclusive lock on {@code /run/jobkit/pod-uids/<uid>}, so the
 * services of one machine never hand out the same uid (a lock dies with its process), and keeps it:
 * a job leases one for its attempt, and gives it back once every process it still has is killed,
 * children that left the pod's process group included. The service takes new uids until it holds
 * {@link #KEEP}, then reuses the one given back longest ago; a launch needs no file operation then.
 * A uid whose last holder died with it (the lock file still says {@code busy}) is cleaned the same
 * way before its first use.
 *
 * <p>Over 400 lines because the uid's whole life is here, and its parts share one lock discipline:
 * taking a uid under its lock file, cleaning what a dead holder left, lending it to a job and
 * taking it back once the job's last process is gone.
 */
@Component
class PodUsers {

  private static final Logger log = LoggerFactory.getLogger(PodUsers.class);
  private static final int SIGKILL = 9;
  private static final int ESRCH = 3;
  private static final Duration SWEEP_LIMIT = Duration.ofSeconds(5);
  private static final byte[] FREE = "free\n".getBytes(StandardCharsets.US_ASCII);

  /** How many uids a service holds before it reuses them. */
  static final int KEEP = 256;

  private interface LibC extends Library {
    int geteuid();

    int kill(int pid, int signal);
  }

  private static final LibC LIBC = Native.load("c", LibC.class);

  /**
   * The uids this JVM holds, whatever service holds them. A lock file is opened only for a uid not
   * in here: POSIX locks belong to the process, and closing any channel of a file it has locked
   * (for example after a failed second try) would drop the lock held through another channel.
   */
  private static final Set<Integer> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final boolean switching;
  private final String account;
  private final PodUser accountUser;
  private final int group;
  private final int firstUid;
  private final int uidCount;
  private final Path lockDir;
  private final AtomicInteger next;
  private final Deque<Held> free = new ArrayDeque<>();
  private final List<Held> held = new ArrayList<>();
  private final Map<Path, Boolean> runnable = new ConcurrentHashMap<>();

  PodUsers(JobkitProperties properties) {
    this.switching = LIBC.geteuid() == 0;
    if (!switching) {
      this.account = System.getProperty("user.name");
      this.accountUser = null;
      this.group = -1;
      this.firstUid = -1;
      this.uidCount = 0;
      this.lockDir = null;
      this.next = null;
      return;
    }
    JobkitProperties.Executor config = properties.executor();
    int[] range = parseRange(config.podUids());
    this.firstUid = range[0];
    this.uidCount = range[1] - range[0] + 1;
    RunAsAccount runAs = RunAsAccount.ensure(config.runAs());
    this.account = runAs.name();
    this.accountUser = new PodUser(runAs.uid(), runAs.gid(), runAs.gid(), runAs.name());
    this.group = runAs.gid();
    this.lockDir = lockDir();
    this.next = new AtomicInteger(ThreadLocalRandom.current().nextInt(uidCount));
    ThreadCredentials.prepare();
    // Links kill(2) while this thread is still root (signal 0 to itself: a check, no signal).
    LIBC.kill(Math.toIntExact(ProcessHandle.current().pid()), 0);
    log.info(
        "pods run as uids {}-{} with the group of '{}' ({}), never as root",
        range[0],
        range[1],
        account,
        group);
  }

  /** Whether pods run as other users than the service (the service is root). */
  boolean switching() {
    return switching;
  }

  /** The run-as account's group id; -1 when pods run as the service's user. */
  int group() {
    return group;
  }

  /** The name pods see as {@code USER} when they run as other users. */
  String account() {
    return account;
  }

  /**
   * The run-as account itself as a pod user (its own uid and group), for pods that cannot get a uid
   * of their own: an executor that runs them elsewhere needs an account every machine knows (Slurm
   * refuses a uid without one). Null when pods run as the service's user.
   */
  PodUser accountUser() {
    return accountUser;
  }

  /**
   * Leases a uid no other running job (of this or another service of the machine) has.
   *
   * @throws LaunchFailedException when every uid of the range is in use
   */
  Lease lease(String jobId) {
    synchronized (this) {
      if (held.size() >= KEEP && !free.isEmpty()) {
        return new Lease(free.pollFirst());
      }
    }
    for (int tried = 0; tried < uidCount; tried++) {
      int uid = firstUid + Math.floorMod(next.getAndIncrement(), uidCount);
      Held taken = take(uid);
      if (taken != null) {
        synchronized (this) {
          held.add(taken);
        }
        return new Lease(taken);
      }
    }
    synchronized (this) {
      if (!free.isEmpty()) {
        return new Lease(free.pollFirst());
      }
    }
    throw new LaunchFailedException(
        "every pod uid of jobkit.executor.pod-uids (" + uidCount + ") is in use");
  }

  /** Locks {@code uid} for this service if no one else holds it; null if someone does. */
  private Held take(int uid) {
    if (!HELD_IN_THIS_JVM.add(uid)) {
      return null;
    }
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              lockDir.resolve(Integer.toString(uid)),
              Set.of(
                  StandardOpenOption.CREATE,
                  StandardOpenOption.READ,
                  StandardOpenOption.WRITE,
                  LinkOption.NOFOLLOW_LINKS),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException heldInThisJvm) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        HELD_IN_THIS_JVM.remove(uid);
        return null;
      }
      PodUser user = new PodUser(uid, uid, group, account);
      ByteBuffer state = ByteBuffer.allocate(4);
      channel.read(state, 0);
      if (state.position() == 4
          && new String(state.array(), StandardCharsets.US_ASCII).equals("busy")) {
        // Its last holder died with it: whatever it left runs no longer.
        log.info("pod uid {} was not handed back by its last holder; ending its processes", uid);
        killAll(user);
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              ("busy " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      return new Held(user, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(uid);
      throw new LaunchFailedException(
          "could not lease a pod uid in " + lockDir + ": " + e.getMessage());
    }
  }

  /**
   * Lets go of every uid this service holds, for its shutdown, once its jobs' processes are gone:
   * their lock files say {@code free}.
   */
  void close() {
    List<Held> all;
    synchronized (this) {
      all = new ArrayList<>(held);
      held.clear();
      free.clear();
    }
    for (Held h : all) {
      killAll(h.user());
      try {
        h.channel().truncate(0);
        h.channel().write(ByteBuffer.wrap(FREE), 0);
        h.lock().release();
      } catch (IOException e) {
        log.warn("could not hand back pod uid {}", h.user().uid(), e);
      } finally {
        closeQuietly(h.channel());
        HELD_IN_THIS_JVM.remove(h.user().uid());
      }
    }
  }

  /**
   * Kills every process of the pod user at once: {@code kill(-1, SIGKILL)} from a thread that is
   * the pod user signals exactly its processes, and the kernel lets none fork away meanwhile.
   */
  static void killAll(PodUser user) {
    if (!ThreadCredentials.available()) {
      killAllByScan(user.uid());
      return;
    }
    ThreadCredentials.Outcome outcome =
        ThreadCredentials.runAs(
            user, () -> LIBC.kill(-1, SIGKILL) == 0 ? 0 : Native.getLastError());
    if (!outcome.switched() || (outcome.value() != 0 && outcome.value() != ESRCH)) {
      log.warn("could not signal the processes of uid {} directly; scanning /proc", user.uid());
      killAllByScan(user.uid());
    }
  }

  private static void killAllByScan(int uid) {
    long deadline = System.nanoTime() + SWEEP_LIMIT.toNanos();
    List<Long> left;
    while (!(left = ProcessGroups.ofUser(uid)).isEmpty()) {
      left.forEach(pid -> LIBC.kill(Math.toIntExact(pid), SIGKILL));
      if (System.nanoTime() > deadline) {
        log.warn("processes {} of uid {} survived SIGKILL", left, uid);
        return;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Why pods running as other users cannot reach {@code dir}, or empty when they can: every
   * directory above it must let them pass (search permission for others, or for the run-as group).
   */
  Optional<String> unreachable(Path dir) {
    if (!switching) {
      return Optional.empty();
    }
    Path absolute = dir.toAbsolutePath().normalize();
    for (Path d = absolute.getParent(); d != null; d = d.getParent()) {
      try {
        int mode = (Integer) Files.getAttribute(d, "unix:mode");
        int gid = (Integer) Files.getAttribute(d, "unix:gid");
        boolean passes = (mode & 01) != 0 || (gid == group && (mode & 010) != 0);
        if (!passes) {
          return Optional.of(
              "pods run as unprivileged users (the service is root) and cannot reach "
                  + absolute
                  + ": "
                  + d
                  + " does not let them pass; give the service a data dir they can reach,"
                  + " such as /var/lib/jobkit (jobkit.data-dir)");
        }
      } catch (IOException e) {
        return Optional.of("cannot check that pods can reach " + absolute + ": " + e.getMessage());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether pods can probably run {@code program}: it is executable by others (or by the run-as
   * group) and they can reach it. Always true when pods run as the service's user. File ACLs are
   * not read: the exec's own answer is the last word.
   */
  boolean mayRun(Path program) {
    if (!switching) {
      return true;
    }
    // Programs and their directories seldom change modes; a launch need not stat them each time.
    // Bounded: a job's env chooses its PATH.
    Boolean known = runnable.get(program);
    if (known != null) {
      return known;
    }
    boolean runs = checkRunnable(program);
    if (runnable.size() < 1024) {
      runnable.put(program, runs);
    }
    return runs;
  }

  private boolean checkRunnable(Path program) {
    try {
      int mode = (Integer) Files.getAttribute(program, "unix:mode");
      int gid = (Integer) Files.getAttribute(program, "unix:gid");
      boolean executable = (mode & 01) != 0 || (gid == group && (mode & 010) != 0);
      return executable && unreachable(program).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static int[] parseRange(String text) {
    String[] parts = text == null ? new String[0] : text.strip().split("-");
    try {
      if (parts.length == 2) {
        long first = Long.parseLong(parts[0].strip());
        long last = Long.parseLong(parts[1].strip());
        if (first >= 1000 && last >= first && last < Integer.MAX_VALUE) {
          return new int[] {(int) first, (int) last};
        }
      }
    } catch (NumberFormatException bad) {
      // reported below
    }
    throw new IllegalStateException(
        "jobkit.executor.pod-uids must be 'first-last' with 1000 <= first <= last < 2^31, not '"
            + text
            + "'");
  }

  private static Path lockDir() {
    Path run = Path.of("/run");
    Path dir =
        Files.isDirectory(run) && Files.isWritable(run)
            ? run.resolve("jobkit").resolve("pod-uids")
            : Path.of(System.getProperty("java.io.tmpdir"), "jobkit-pod-uids");
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return dir;
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing held
      }
    }
  }

  /** A uid this service holds: its lock, for as long as the service runs. */
  private record Held(PodUser user, FileChannel channel, FileLock lock) {}

  /** One running job's uid, its own until {@link #release}. */
  final class Lease {
    private final Held uid;
    private boolean released;

    private Lease(Held uid) {
      this.uid = uid;
    }

    PodUser user() {
      return uid.user();
    }

    /**
     * Kills whatever the uid still runs, runs {@code whileHeld} (the uid is still this job's), and
     * gives the uid back for another job; once.
     */
    void release(Runnable whileHeld) {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      killAll(uid.user());
      try {
        whileHeld.run();
      } catch (RuntimeException e) {
        // The uid is given back all the same: its processes are gone.
        log.error("while handing back pod uid {}", uid.user().uid(), e);
      }
      synchronized (PodUsers.this) {
        if (held.contains(uid)) {
          free.addLast(uid);
        }
      }
    }
  }
}
