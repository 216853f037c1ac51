package dev.jobkit.bench;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobScheduler;
import org.jobrunr.storage.InMemoryStorageProvider;
import org.jobrunr.utils.mapper.jackson3.Jackson3JsonMapper;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;

/**
 * JobRunr as section 13's peer (issue 17), in this JVM: in-memory storage, a background job server
 * with {@code workers} workers polling every {@link #POLL_INTERVAL} (the smallest JobRunr allows
 * with {@code InMemoryStorageProvider}: {@code AbstractStorageProvider.validatePollInterval}
 * refuses less), and a job that spawns {@code /bin/true} and waits for it, noting {@code
 * System.nanoTime()} when its code starts and when the process has ended. Public, against the house
 * rule: JobRunr calls {@link #job} by reflection without making it accessible.
 */
public final class JobRunrPeer implements AutoCloseable {

  static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  /** As many jobs per {@code enqueue} as Jobkit's batches hold (one {@code saveJobs} each). */
  private static final int BATCH = 100;

  /** The jobs of one measurement, which {@link #job} reports to. */
  private static final class Round {
    final long[] starts;
    final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);
    final CountDownLatch done;
    final AtomicReference<String> failure = new AtomicReference<>();

    Round(int jobs) {
      starts = new long[jobs];
      done = new CountDownLatch(jobs);
    }

    /**
     * Waits until every job has ended; fails if one failed (JobRunr would retry it) or none ended
     * for a minute (JobRunr could not run them: its log says why).
     */
    void await() throws InterruptedException {
      long left = done.getCount();
      long progress = System.nanoTime();
      while (!done.await(100, TimeUnit.MILLISECONDS)) {
        if (failure.get() != null) {
          throw new IllegalStateException("a JobRunr job failed: " + failure.get());
        }
        if (done.getCount() < left) {
          left = done.getCount();
          progress = System.nanoTime();
        } else if (System.nanoTime() - progress > TimeUnit.MINUTES.toNanos(1)) {
          throw new IllegalStateException(
              "no JobRunr job ended for a minute, " + left + " left (see JobRunr's log)");
        }
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a JobRunr job failed: " + failure.get());
      }
    }
  }

  private static volatile Round round;

  private final JobScheduler scheduler;
  private final int workers;

  JobRunrPeer(int workers) {
    // JobRunr warns of every enqueue whose job filters took over 10 ms, which on a busy machine is
    // many of them; its other warnings (a failed job) stay.
    LoggingSystem.get(JobRunrPeer.class.getClassLoader())
        .setLogLevel("org.jobrunr.jobs.filters.JobCreationFilters", LogLevel.ERROR);
    this.workers = workers;
    this.scheduler =
        JobRunr.configure()
            .useJsonMapper(new Jackson3JsonMapper())
            .useStorageProvider(new InMemoryStorageProvider())
            .useBackgroundJobServer(
                usingStandardBackgroundJobServerConfiguration()
                    .andPollInterval(POLL_INTERVAL)
                    .andWorkerCount(workers))
            .initialize()
            .getJobScheduler();
  }

  /** JobRunr's version, from its jar's manifest. */
  static String version() {
    String version = JobRunr.class.getPackage().getImplementationVersion();
    return version == null ? "?" : version;
  }

  int workers() {
    return workers;
  }

  /**
   * Enqueues {@code count} jobs, {@value #BATCH} per {@code enqueue(Stream, …)}; the time from the
   * first enqueue to the end of the last job's process.
   */
  Duration throughput(int count) throws InterruptedException {
    Round r = new Round(count);
    round = r;
    long first = System.nanoTime();
    for (int done = 0; done < count; done += BATCH) {
      scheduler.enqueue(
          IntStream.range(done, Math.min(count, done + BATCH)).boxed(),
          index -> JobRunrPeer.job(index));
    }
    r.await();
    Duration elapsed = Duration.ofNanos(r.lastEnd.get() - first);
    forgetSucceeded();
    return elapsed;
  }

  /**
   * Deletes the jobs that succeeded, untimed. {@code InMemoryStorageProvider} finds the jobs to run
   * by streaming every job it holds (succeeded ones too, kept 36 hours by default), so without this
   * each measurement would be slower by the jobs of the ones before: each starts on an empty store,
   * JobRunr's best case.
   */
  private static void forgetSucceeded() {
    JobRunr.getStorageProvider().deleteJobsPermanently(StateName.SUCCEEDED, Instant.now());
  }

  /** One job on an idle server: nanoseconds from just before the enqueue to its code's start. */
  long startLatency() throws InterruptedException {
    Round r = new Round(1);
    round = r;
    long before = System.nanoTime();
    scheduler.enqueue(() -> JobRunrPeer.job(0));
    r.await();
    long start = r.starts[0] - before;
    forgetSucceeded();
    return start;
  }

  /** The job JobRunr runs (it calls it by reflection: public). */
  public static void job(int index) {
    long start = System.nanoTime();
    Round r = round;
    r.starts[index] = start;
    try {
      int code = new ProcessBuilder("/bin/true").start().waitFor();
      if (code != 0) {
        r.failure.compareAndSet(null, "/bin/true exited with " + code);
      }
    } catch (java.io.IOException e) {
      r.failure.compareAndSet(null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.failure.compareAndSet(null, e.toString());
    }
    r.lastEnd.accumulateAndGet(System.nanoTime(), Math::max);
    r.done.countDown();
  }

  @Override
  public void close() {
    JobRunr.destroy();
  }
}
