package dev.jobkit.server.exec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Where a job's files live under the data dir:
 *
 * <pre>
 * jobs/&lt;job_id&gt;/
 *   pods/&lt;i&gt;/         work dir of pod i (its current directory)
 *   logs/pod-&lt;i&gt;.log   stdout and stderr of pod i, every attempt appended
 *   output/             JOBKIT_OUTPUT_DIR, shared by the pods
 *   progress.json       JOBKIT_PROGRESS_FILE
 *   metrics.json        JOBKIT_METRICS_FILE
 * </pre>
 */
public final class JobFiles {

  private final Path jobsRoot;

  public JobFiles(Path dataDir) {
    this.jobsRoot = dataDir.resolve("jobs");
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

  public Path outputDir(String jobId) {
    return jobDir(jobId).resolve("output");
  }

  public Path progressFile(String jobId) {
    return jobDir(jobId).resolve("progress.json");
  }

  public Path metricsFile(String jobId) {
    return jobDir(jobId).resolve("metrics.json");
  }

  /** Creates the directories an attempt of a job with {@code podCount} pods needs. */
  void prepare(String jobId, int podCount) {
    try {
      if (!Files.isDirectory(jobsRoot)) {
        Files.createDirectories(jobsRoot);
      }
      // One mkdir each, parents first: createDirectories would discover every missing parent
      // through an exception, which costs a millisecond per job on the launch path.
      Path job = jobDir(jobId);
      mkdir(job);
      mkdir(job.resolve("logs"));
      mkdir(outputDir(jobId));
      mkdir(job.resolve("pods"));
      for (int i = 0; i < podCount; i++) {
        mkdir(podWorkDir(jobId, i));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void mkdir(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      try {
        Files.createDirectory(dir);
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another pod or attempt made it first
      }
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

  /** Removes everything the job wrote; nothing if it wrote nothing. */
  public void purge(String jobId) {
    Path dir = jobDir(jobId);
    if (!Files.exists(dir)) {
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
