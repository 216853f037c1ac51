package dev.jobkit.server.exec;

import dev.jobkit.server.JobkitProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Where a job's files live under the data dir:
 *
 * <pre>
 * jobs/&lt;job_id&gt;/
 *   pods/&lt;i&gt;/         work dir of pod i (its current directory)
 *   logs/pod-&lt;i&gt;.log   stdout and stderr of pod i, every attempt appended (where each
 *                       attempt starts is kept in the database: job_log_starts)
 *   output/             JOBKIT_OUTPUT_DIR, shared by the pods
 *   progress.json       JOBKIT_PROGRESS_FILE
 *   metrics.json        JOBKIT_METRICS_FILE
 * </pre>
 *
 * <p>Everything is the service's and private to it ({@code 0700} directories, {@code 0600} files),
 * except, while an attempt runs as a pod user of its own (the service is root), what that user
 * writes: the work dirs, the output dir and the two report files are then its own, and the job's
 * directory lets its group (no one else) pass through ({@code 0710}); the logs stay the service's.
 * The job cannot replace or redirect anything the service reads or appends to.
 *
 * <p>One bean for the whole service, so every part of it agrees on where a job's files are.
 */
@Component
public final class JobFiles {

  static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> PASSAGE_DIR = PosixFilePermissions.fromString("rwx--x---");
  static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> APPEND_ONLY_FILE =
      PosixFilePermissions.fromString("rw--w----");
  private static final int PURGE_WALKS = 5;
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIR_ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(PRIVATE_DIR);
  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE_ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(PRIVATE_FILE);

  private final Path jobsRoot;

  JobFiles(JobkitProperties properties) {
    this.jobsRoot = properties.dataDir().resolve("jobs");
  }

  public Path jobDir(String jobId) {
    return jobsRoot.resolve(jobId);
  }

  public Path podWorkDir(String jobId, int pod) {
    return jobDir(jobId).resolve("pods").resolve(Integer.toString(pod));
  }

  public Path log(String jobId, int pod) {
    return jobDir(jobId).resolve("logs").resolve("pod-" + pod + ".log");
  }

  /** The bytes in pod {@code pod}'s log now; 0 before it has any. */
  public long logSize(String jobId, int pod) {
    // java.io.File answers 0 for a log not there yet (most: a job's first attempt) without the
    // exception that Files.size throws and catches inside. The log is the service's own file.
    return log(jobId, pod).toFile().length();
  }

  public Path outputDir(String jobId) {
    return jobDir(jobId).resolve("output");
  }

  public Path progressFile(String jobId) {
    return jobDir(jobId).resolve("progress.json");
  }

  public Path metricsFile(String jobId) {
    return jobDir(jobId).resolve("metrics.json");
  }

  /** The directory every job's directory is in: {@code <data-dir>/jobs}. */
  public Path root() {
    return jobsRoot;
  }

  /**
   * Creates the directories an attempt of a job with {@code podCount} pods needs, and, when its
   * pods run as {@code user} (null: as the service), gives them to that user: the job's directory
   * to pass through, the work dirs, the output dir and the report files to write. Whatever an
   * earlier attempt's user left there becomes this one's.
   */
  void prepare(String jobId, int podCount, PodUser user) {
    try {
      if (!Files.isDirectory(jobsRoot)) {
        Files.createDirectories(jobsRoot, PRIVATE_DIR_ATTRIBUTE);
      }
      // One mkdir each, parents first: createDirectories would discover every missing parent
      // through an exception, which costs a millisecond per job on the launch path.
      Path job = jobDir(jobId);
      mkdir(job);
      mkdir(job.resolve("logs"));
      boolean fresh = mkdir(outputDir(jobId));
      fresh &= mkdir(job.resolve("pods"));
      for (int i = 0; i < podCount; i++) {
        fresh &= mkdir(podWorkDir(jobId, i));
      }
      if (user != null) {
        for (Path report : new Path[] {progressFile(jobId), metricsFile(jobId)}) {
          // The job cannot create files in its directory, so they are there for it to write.
          try {
            Files.createFile(report, PRIVATE_FILE_ATTRIBUTE);
          } catch (FileAlreadyExistsException kept) {
            // an earlier attempt's
          }
          giveTo(report, user.uid(), user.gid());
        }
        if (fresh) {
          // Made just now: nothing in them yet but the work dirs.
          giveTo(outputDir(jobId), user.uid(), user.gid());
          giveTo(job.resolve("pods"), user.uid(), user.gid());
          for (int i = 0; i < podCount; i++) {
            giveTo(podWorkDir(jobId, i), user.uid(), user.gid());
          }
        } else {
          giveTreeTo(job.resolve("pods"), user);
          giveTreeTo(outputDir(jobId), user);
        }
        // Group first, then the mode: never a moment when the wrong group may pass.
        Files.setAttribute(job, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(job, PASSAGE_DIR);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lets {@code user}'s group append to the logs of pods {@code 0} to {@code pods - 1}, for pods
   * that write their log themselves (Slurm's): each log is created if missing and stays the
   * service's, with mode {@code 0620} and the user's group, and the logs directory lets that group
   * pass ({@code 0710}). The group can append to a log, not read, replace or redirect it.
   */
  void openLogs(String jobId, int pods, PodUser user) {
    try {
      Path logs = jobDir(jobId).resolve("logs");
      for (int pod = 0; pod < pods; pod++) {
        Path log = log(jobId, pod);
        try {
          Files.createFile(log, PRIVATE_FILE_ATTRIBUTE);
        } catch (FileAlreadyExistsException kept) {
          // an earlier attempt's
        }
        Files.setAttribute(log, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(log, APPEND_ONLY_FILE);
      }
      Files.setAttribute(logs, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
      Files.setPosixFilePermissions(logs, PASSAGE_DIR);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Closes the job's directory to the user its last attempt ran as, once every process of it is
   * gone: the uid may go to another job next, which must not pass into this one.
   */
  void close(String jobId, int serviceGid) {
    Path job = jobDir(jobId);
    try {
      Files.setPosixFilePermissions(job, PRIVATE_DIR);
      Files.setAttribute(job, "unix:gid", serviceGid, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException deleted) {
      // deleted meanwhile
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates {@code dir} unless something is there; whether it was created now. One {@code mkdir}: a
   * look first would cost a {@code stat} and, on Java 17, an exception thrown and caught inside
   * {@code Files} for each directory a first attempt makes (five a job).
   */
  private static boolean mkdir(Path dir) throws IOException {
    try {
      Files.createDirectory(dir, PRIVATE_DIR_ATTRIBUTE);
      return true;
    } catch (FileAlreadyExistsException there) {
      return false; // an earlier attempt, or another pod, made it
    }
  }

  /** Makes everything under {@code dir} the user's, never following a link the job made. */
  private static void giveTreeTo(Path dir, PodUser user) throws IOException {
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
              throws IOException {
            giveTo(d, user.uid(), user.gid());
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            giveTo(file, user.uid(), user.gid());
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void giveTo(Path path, int uid, int gid) throws IOException {
    Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Appends a {@code [jobkit]} line of the service's to a pod's log (created private if it is new);
   * a failure is only logged.
   */
  public void note(String jobId, int pod, String line) {
    try {
      appendToLog(log(jobId, pod), "[jobkit] " + line + "\n");
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(JobFiles.class)
          .warn("could not write to the log of job {}: {}", jobId, e.toString());
    }
  }

  /**
   * Writes the line an attempt's pod log starts with, if any: which hook started (with its
   * command), or which retry.
   */
  static void appendStartLine(Path log, JobExecutor.Launch launch, List<String> argv)
      throws IOException {
    if (launch.hook() != null) {
      appendToLog(
          log,
          "[jobkit] "
              + launch.hook()
              + " hook started at "
              + Instant.now()
              + ": "
              + String.join(" ", argv)
              + "\n");
    } else if (launch.attempt() > 1) {
      appendToLog(
          log,
          "[jobkit] attempt "
              + launch.attempt()
              + " of "
              + launch.maxAttempts()
              + " started at "
              + Instant.now()
              + "\n");
    }
  }

  static void appendToLog(Path log, String text) throws IOException {
    try (var channel =
        Files.newByteChannel(
            log,
            Set.of(
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND,
                LinkOption.NOFOLLOW_LINKS),
            PRIVATE_FILE_ATTRIBUTE)) {
      channel.write(
          java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
  }

  /**
   * Creates the directories of a job an external worker claimed: its logs and its output dir, the
   * service's own and private (the worker sends what goes in them, {@link #appendLog}, {@link
   * #writeOutput}).
   */
  public void prepareForWorker(String jobId, int podCount) {
    prepare(jobId, podCount, null);
  }

  /** What a log append left: the log's size, and whether it was cut at the limit. */
  public record LogAppend(long size, boolean cut) {}

  /** A log append whose offset is past the end of the log: {@code size} bytes are there. */
  public static final class LogGapException extends RuntimeException {
    private final long size;

    LogGapException(long size) {
      super("the log has " + size + " bytes");
      this.size = size;
    }

    public long size() {
      return size;
    }
  }

  // Appends to one log are serialized (a resent chunk must see the bytes of the one before).
  private final Object[] logLocks = new Object[64];

  {
    for (int i = 0; i < logLocks.length; i++) {
      logLocks[i] = new Object();
    }
  }

  /**
   * Writes {@code bytes}, which belong at byte {@code offset} of pod {@code pod}'s log, to its end:
   * bytes before the log's current size are there already (a chunk sent again) and skipped; an
   * offset past the end is a gap ({@link LogGapException}). The log is cut at {@code limit} bytes
   * with the line the local executor writes, and whatever comes after is discarded.
   */
  public LogAppend appendLog(String jobId, int pod, long offset, byte[] bytes, long limit) {
    Path log = log(jobId, pod);
    synchronized (logLocks[Math.floorMod(log.hashCode(), logLocks.length)]) {
      long size = logSize(jobId, pod);
      if (offset > size) {
        throw new LogGapException(size);
      }
      if (size > limit) {
        return new LogAppend(size, true); // cut already
      }
      long skip = size - offset;
      if (skip >= bytes.length) {
        return new LogAppend(size, false);
      }
      int from = (int) skip;
      long room = limit - size;
      int take = (int) Math.min(bytes.length - from, room);
      boolean cut = take < bytes.length - from;
      try (var channel =
          Files.newByteChannel(
              log,
              Set.of(
                  java.nio.file.StandardOpenOption.CREATE,
                  java.nio.file.StandardOpenOption.APPEND,
                  LinkOption.NOFOLLOW_LINKS),
              PRIVATE_FILE_ATTRIBUTE)) {
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes, from, take);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (cut) {
          java.nio.ByteBuffer line =
              java.nio.ByteBuffer.wrap(
                  LogPump.cutLine(limit).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          while (line.hasRemaining()) {
            channel.write(line);
          }
        }
        return new LogAppend(channel.size(), cut);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Writes one result file at {@code relative} (a path checked by the caller: relative, no {@code
   * ..}) under the job's output dir, replacing one that is there, with the modes of everything the
   * service keeps ({@code 0700} directories, {@code 0600} files); the file appears whole or not at
   * all. The number of bytes written.
   */
  public long writeOutput(String jobId, String relative, java.io.InputStream body) {
    Path dir = outputDir(jobId);
    Path target = dir.resolve(relative).normalize();
    if (!target.startsWith(dir) || target.equals(dir)) {
      throw new IllegalArgumentException("not a path under the output dir: " + relative);
    }
    try {
      Path parent = target.getParent();
      for (Path d = dir; !d.equals(parent); ) {
        d = d.resolve(parent.getName(d.getNameCount()));
        if (Files.isSymbolicLink(d)) {
          throw new IOException(d + " is a symbolic link");
        }
        mkdir(d);
      }
      Path temp = Files.createTempFile(parent, ".upload-", ".part", PRIVATE_FILE_ATTRIBUTE);
      try {
        long written;
        try (java.io.OutputStream out = Files.newOutputStream(temp, LinkOption.NOFOLLOW_LINKS)) {
          written = body.transferTo(out);
        }
        Files.move(
            temp,
            target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return written;
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Cuts pod {@code pod}'s log at {@code limit} bytes, with the line that says so, if it grew past
   * it: for pods that write their log themselves (Slurm's), once they have ended. Whether it was
   * cut.
   */
  boolean cutLog(String jobId, int pod, long limit) {
    Path log = log(jobId, pod);
    try (FileChannel channel =
        FileChannel.open(log, Set.of(StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS))) {
      if (channel.size() <= limit) {
        return false;
      }
      channel.truncate(limit);
      channel.write(
          ByteBuffer.wrap(LogPump.cutLine(limit).getBytes(StandardCharsets.US_ASCII)), limit);
      return true;
    } catch (NoSuchFileException none) {
      return false;
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(JobFiles.class)
          .warn("could not cut the log {}: {}", log, e.toString());
      return false;
    }
  }

  /** The number of files under the job's output dir and their total size. */
  public long[] outputTotals(String jobId) {
    long[] totals = new long[2];
    Path dir = outputDir(jobId);
    if (!Files.isDirectory(dir)) {
      return totals;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) {
                totals[0]++;
                totals[1] += attrs.size();
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return totals;
  }

  /**
   * Removes everything the job wrote; nothing if it wrote nothing. A file created while it removes
   * (a pod that was starting as its job was deleted) is removed by walking again.
   */
  public void purge(String jobId) {
    Path dir = jobDir(jobId);
    for (int walk = 1; ; walk++) {
      try {
        removeTree(dir);
        return;
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof DirectoryNotEmptyException) || walk == PURGE_WALKS) {
          throw e;
        }
      }
    }
  }

  /**
   * Removes the job's results (its output dir) and its logs, for retention; the rest of its
   * directory stays. Nothing if they are gone already.
   */
  public void purgeResultsAndLogs(String jobId) {
    removeTree(outputDir(jobId));
    removeTree(jobDir(jobId).resolve("logs"));
  }

  private static void removeTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
              }
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
