package dev.jobkit.tools.registry;

import static dev.jobkit.tools.registry.Inputs.JOB_ID;
import static dev.jobkit.tools.registry.Inputs.JOB_ID_TEXT;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The input of the results and sharing tools ({@code get_job_results}, {@code share_job}, {@code
 * list_job_shares}, {@code revoke_job_share}): one record each, as in {@link Inputs}.
 */
public final class ResultsInputs {

  private ResultsInputs() {}

  /** A share id as the service makes them. */
  static final String SHARE_ID = "^shr_[0-9A-Za-z]{1,64}$";

  /**
   * How long a share works, in the forms the service reads: a whole number and a unit ({@code 90s},
   * {@code 30m}, {@code 12h}, {@code 3d}) or an ISO-8601 duration ({@code P3D}, {@code PT12H}). At
   * most 30 days is the service's check.
   */
  static final String EXPIRES_IN = "^([0-9]{1,9}[smhd]|P[0-9DTHMS.]{1,30})$";

  /** The most files {@code get_job_results} lists when {@code max_files} is left out. */
  public static final int DEFAULT_MAX_FILES = 20;

  /** Which results {@code get_job_results} reads. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job's results to read, and how many of its files to list.")
  public record GetJobResults(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(
              "List at most this many files (the first by path), 1 to 200; 20 when left out."
                  + " file_count and total_bytes always count them all.")
          @Min(1)
          @Max(200)
          Integer maxFiles) {}

  /** Which job {@code share_job} shares, and for how long. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job to share, and for how long.")
  public record ShareJob(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId,
      @JsonPropertyDescription(
              "How long the token works: a whole number and a unit (90s, 30m, 12h, 3d) or an"
                  + " ISO-8601 duration (P3D, PT12H); more than zero and at most 30 days. 7 days"
                  + " when left out.")
          @Pattern(regexp = EXPIRES_IN)
          String expiresIn) {}

  /** Whose shares {@code list_job_shares} lists. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which job's shares to list.")
  public record ListJobShares(
      @JsonPropertyDescription(JOB_ID_TEXT) @NotNull @Pattern(regexp = JOB_ID) String jobId) {}

  /** Which share {@code revoke_job_share} revokes. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonClassDescription("Which share to revoke.")
  public record RevokeJobShare(
      @JsonPropertyDescription(
              "The share's id, shr_..., as share_job or list_job_shares answers it.")
          @NotNull
          @Pattern(regexp = SHARE_ID)
          String shareId) {}
}
