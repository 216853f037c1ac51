package dev.jobkit.sdk.jobs;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a flush did, or with {@code dry_run}, what it would do.
 *
 * @param scope {@code active} or {@code all}
 * @param dryRun true when nothing was changed
 * @param matched how many jobs the flush hit
 * @param stopped how many of them it stopped
 * @param deleted how many it removed
 * @param jobIds the ids of the jobs it hit (or would hit), newest first
 * @param skipped the jobs that survived, each with its state and reason
 * @param preview the first (at most 10) of those jobs, newest first, with their names, owners and
 *     states, so that a person can be told which jobs they are; empty from a service older than
 *     this field
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FlushResult(
    String scope,
    boolean dryRun,
    int matched,
    int stopped,
    int deleted,
    List<String> jobIds,
    List<SkippedJob> skipped,
    List<JobSummary> preview) {

  /** How many jobs {@link #preview} names at most. */
  public static final int PREVIEW_SIZE = 10;

  public FlushResult {
    jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    preview = preview == null ? List.of() : List.copyOf(preview);
  }
}
