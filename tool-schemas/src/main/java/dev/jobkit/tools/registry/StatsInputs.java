package dev.jobkit.tools.registry;

import static dev.jobkit.tools.registry.Inputs.DATE_TIME;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The input of {@code job_stats}, as in {@link Inputs}. */
public final class StatsInputs {

  private StatsInputs() {}

  /** What the figures of {@code job_stats} are grouped by. */
  public enum GroupBy {
    /** The jobs' owners. */
    @JsonProperty("user")
    USER,
    /** The jobs' apps. */
    @JsonProperty("app")
    APP,
    /** The jobs' states. */
    @JsonProperty("status")
    STATUS
  }

  /** What {@code job_stats} counts. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which jobs to count; every part is optional.")
  public record JobStats(
      @JsonPropertyDescription(
              "Only jobs created at or after this time, RFC 3339 (2026-05-01T00:00:00Z).")
          @Pattern(regexp = DATE_TIME)
          String from,
      @JsonPropertyDescription("Only jobs created before this time, RFC 3339.")
          @Pattern(regexp = DATE_TIME)
          String to,
      @JsonPropertyDescription(
              "Also give the figures per user, app or status (the groups, largest first).")
          GroupBy groupBy,
      @JsonPropertyDescription(
              "Admins only: only this user's jobs (\"me\" for your own). Others always get their"
                  + " own jobs' figures.")
          @Pattern(regexp = UserInputs.USER_NAME)
          String owner,
      @JsonPropertyDescription("Only jobs of this app.") @Size(min = 1, max = 64) String app) {}
}
