package dev.jobkit.tools.registry;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The structured result of {@code job_stats}, as in {@link Outputs}. */
public final class StatsOutputs {

  private StatsOutputs() {}

  /** The figures of a set of jobs. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("The figures of a set of jobs.")
  public record Figures(
      @JsonPropertyDescription("How many jobs.") long jobs,
      @JsonPropertyDescription("How many are in each state (states with none left out).")
          Map<String, Long> byStatus,
      @JsonPropertyDescription("How many have ended: SUCCEEDED, FAILED or CANCELED.") long ended,
      @JsonPropertyDescription("How many have succeeded.") long succeeded,
      @JsonPropertyDescription("succeeded / ended, 0 to 1; absent when none has ended.")
          Double successRate,
      @JsonPropertyDescription(
              "Mean run time (started to finished) of the ended jobs that ran, in seconds;"
                  + " absent when none ran.")
          Double meanDurationSeconds,
      @JsonPropertyDescription("95th percentile of those run times, in seconds.")
          Double p95DurationSeconds,
      @JsonPropertyDescription("Sum of processes × run seconds of the ended jobs.")
          double resourceSeconds) {}

  /** The figures of one group. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("The figures of one group.")
  public record Group(
      @JsonPropertyDescription(
              "The user's name, the app's name or the state; absent for the jobs of no app.")
          String key,
      @JsonPropertyDescription("The group's figures.") Figures figures) {}

  /** What {@code job_stats} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonClassDescription("Statistics of the jobs created in a time range.")
  public record StatsResult(
      @JsonPropertyDescription("The start of the range, included; absent for none.") String from,
      @JsonPropertyDescription("The end of the range, not included; absent for none.") String to,
      @JsonPropertyDescription("user, app or status; absent when not grouped.") String groupBy,
      @JsonPropertyDescription("The figures of every job counted.") Figures total,
      @JsonPropertyDescription("The figures per group, largest first; empty when not grouped.")
          List<Group> groups) {}
}
