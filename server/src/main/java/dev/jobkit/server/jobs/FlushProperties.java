package dev.jobkit.server.jobs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How flush operations run, under {@code jobkit.flush.*}.
 *
 * @param threads how many flushes run at once in the whole service; more wait for a free thread
 *     (still {@code running}, with their counts at zero)
 * @param maxRunningPerUser how many flushes one user may have running at once; one more is 409
 *     naming the running one
 * @param batchSize how many jobs a flush cancels (when they have not started) or removes in one
 *     transaction
 * @param keepFinished how long an ended operation can still be read before it is removed
 * @param maxWait the longest {@code wait} a {@code GET /api/v1/operations/{id}} may ask for; a
 *     longer one is cut to it
 */
@ConfigurationProperties("jobkit.flush")
public record FlushProperties(
    @DefaultValue("2") int threads,
    @DefaultValue("1") int maxRunningPerUser,
    @DefaultValue("500") int batchSize,
    @DefaultValue("24h") Duration keepFinished,
    @DefaultValue("60s") Duration maxWait) {

  public FlushProperties {
    if (threads < 1 || maxRunningPerUser < 1 || batchSize < 1) {
      throw new IllegalArgumentException(
          "jobkit.flush.threads, max-running-per-user and batch-size must be at least 1");
    }
  }
}
