package dev.jobkit.server.jobs;

import dev.jobkit.server.PeriodicTask;
import dev.jobkit.server.exec.JobFiles;
import dev.jobkit.server.store.JobResultStore;
import dev.jobkit.server.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The retention sweep ({@link RetentionProperties}): every {@code jobkit.retention.sweep-interval}
 * it removes the results (output dir) and logs of ended jobs whose {@code finished_at} is older
 * than their limit, then sets the job's {@code results_expired_at} (and drops its manifest). Files
 * first, mark second: a sweep cut short leaves a job to be swept again, never a job marked with its
 * files still there. After that the job's results and log routes answer 410 {@code
 * results_expired}; the job itself and its events stay.
 */
@Component
class Retention implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(Retention.class);
  private static final int PAGE = 500;

  private final RetentionProperties properties;
  private final JobResultStore results;
  private final JobStore jobs;
  private final JobFiles files;
  private final Clock clock = Clock.systemUTC();
  private final PeriodicTask timer;

  Retention(RetentionProperties properties, JobResultStore results, JobStore jobs, JobFiles files) {
    this.properties = properties;
    this.results = results;
    this.jobs = jobs;
    this.files = files;
    this.timer =
        new PeriodicTask(
            "retention",
            Duration.ZERO,
            properties.sweepInterval(),
            this::sweepNow,
            e ->
                log.warn(
                    "retention sweep failed, tried again in {}: {}",
                    properties.sweepInterval(),
                    e));
  }

  @Override
  public void start() {
    if (properties.shortest().isEmpty()) {
      log.info("retention: results and logs are kept (no jobkit.retention.* limit)");
      return;
    }
    timer.start();
  }

  @Override
  public void stop() {
    timer.stop();
  }

  @Override
  public boolean isRunning() {
    return timer.isRunning();
  }

  private void sweepNow() {
    int removed = sweep(clock.instant());
    if (removed > 0) {
      log.info("retention removed the results and logs of {} jobs", removed);
    }
  }

  /** One sweep at {@code now}; how many jobs' results it removed. */
  int sweep(Instant now) {
    Optional<Duration> shortest = properties.shortest();
    if (shortest.isEmpty()) {
      return 0;
    }
    Instant before = now.minus(shortest.get());
    int removed = 0;
    long after = 0;
    while (!Thread.currentThread().isInterrupted()) {
      List<JobResultStore.Ended> page = results.endedBefore(before, after, PAGE);
      for (JobResultStore.Ended job : page) {
        after = job.seq();
        Optional<Duration> limit = properties.limitOf(job.owner(), job.app());
        if (limit.isPresent() && job.finishedAt().plus(limit.get()).isBefore(now)) {
          try {
            files.purgeResultsAndLogs(job.id());
            if (jobs.markResultsExpired(job.id(), now)) {
              removed++;
            }
          } catch (RuntimeException e) {
            log.warn(
                "retention could not remove the results of job {}: {}", job.id(), e.toString());
          }
        }
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    return removed;
  }
}
