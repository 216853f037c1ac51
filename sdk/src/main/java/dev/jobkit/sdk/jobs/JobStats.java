package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Statistics of the jobs created in a time range ({@code GET /api/v1/stats}): the caller's own
 * jobs, or for an admin everyone's (or one owner's), in total and per group.
 *
 * <pre>{@code
 * JobStats week = client.stats(
 *     StatsQuery.builder().since(Duration.ofDays(7)).groupBy(StatsQuery.GroupBy.APP).build());
 * week.total().successRate();          // 0.93, or null when no job has ended
 * week.groups().get(0).key();          // "train"
 * }</pre>
 *
 * @param from the start of the range, included (created at or after it); null for no start
 * @param to the end of the range, not included (created before it); null for no end
 * @param groupBy {@code user}, {@code app} or {@code status}, or null when not grouped
 * @param total the figures of every job in the range
 * @param groups the figures per group, largest first (then by key); empty when not grouped
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobStats(
    Instant from, Instant to, String groupBy, Figures total, List<Group> groups) {

  /**
   * Statistics; null groups are read as an empty list, which is copied.
   *
   * @param from the start of the range, included; null for no start
   * @param to the end of the range, not included; null for no end
   * @param groupBy {@code user}, {@code app} or {@code status}, or null when not grouped
   * @param total the figures of every job in the range
   * @param groups the figures per group; empty when not grouped
   */
  public JobStats {
    groups = Copies.list(groups);
  }

  /**
   * The figures of a set of jobs. Durations are from {@code started_at} to {@code finished_at} of
   * the ended jobs that started; a job stopped before it started counts as ended but has none.
   *
   * @param jobs how many jobs
   * @param byStatus how many are in each state, in lifecycle order; states with none are left out
   * @param ended how many have ended ({@code SUCCEEDED}, {@code FAILED} or {@code CANCELED})
   * @param succeeded how many have succeeded
   * @param successRate {@code succeeded / ended}, from 0 to 1; null when none has ended
   * @param meanDurationSeconds the mean run time of the ended jobs, in seconds; null when none ran
   * @param p95DurationSeconds the 95th percentile of those run times (interpolated), in seconds;
   *     null when none ran
   * @param resourceSeconds the sum of pods × run seconds of the ended jobs
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Figures(
      long jobs,
      Map<JobStatus, Long> byStatus,
      long ended,
      long succeeded,
      Double successRate,
      Double meanDurationSeconds,
      Double p95DurationSeconds,
      double resourceSeconds) {

    /**
     * Figures; a null {@code byStatus} is read as an empty map, which is copied.
     *
     * @param jobs how many jobs
     * @param byStatus how many are in each state; states with none are left out
     * @param ended how many have ended
     * @param succeeded how many have succeeded
     * @param successRate {@code succeeded / ended}; null when none has ended
     * @param meanDurationSeconds the mean run time of the ended jobs; null when none ran
     * @param p95DurationSeconds the 95th percentile of those run times; null when none ran
     * @param resourceSeconds the sum of pods × run seconds of the ended jobs
     */
    public Figures {
      byStatus = Copies.map(byStatus);
    }
  }

  /**
   * The figures of one group.
   *
   * @param key the user's name, the app's name (null for the jobs of no app) or the state's name
   * @param figures the figures of the group's jobs
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Group(String key, Figures figures) {}
}
