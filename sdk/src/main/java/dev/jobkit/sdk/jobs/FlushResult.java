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
 * @param jobIds the ids of the jobs it hit (or would hit), newest first; for a flush the SDK
 *     followed as a background operation, the jobs its pre-check listed and the user confirmed (the
 *     flush, bound to that pre-check's snapshot, hits no other)
 * @param skipped the jobs that survived, each with its state and reason
 * @param preview the first (at most 10) of those jobs, newest first, with their names, owners and
 *     states, so that a person can be told which jobs they are; empty from a service older than
 *     this field
 * @param snapshot from a dry run: the service's position at the time of the listing; pass it to the
 *     flush ({@code snapshot=}) and it hits only jobs that existed then, never one submitted after
 *     the dry run. Null when not a dry run, or from a service older than this field
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
    List<JobSummary> preview,
    String snapshot) {

  /** How many jobs {@link #preview} names at most. */
  public static final int PREVIEW_SIZE = 10;

  /**
   * A result; null lists are read as empty ones, and all three are copied, so it does not change
   * once made.
   *
   * @param scope {@code active} or {@code all}
   * @param dryRun true when nothing was changed
   * @param matched how many jobs the flush hit
   * @param stopped how many of them it stopped
   * @param deleted how many it removed
   * @param jobIds the ids of the jobs it hit (or would hit), newest first; for a flush the SDK
   *     followed as a background operation, the jobs its pre-check listed and the user confirmed
   *     (the flush, bound to that pre-check's snapshot, hits no other)
   * @param skipped the jobs that survived, each with its state and reason
   * @param preview the first (at most 10) of those jobs, newest first, with their names, owners and
   *     states, so that a person can be told which jobs they are; empty from a service older than
   *     this field
   * @param snapshot from a dry run: the service's position at the time of the listing; pass it to
   *     the flush ({@code snapshot=}) and it hits only jobs that existed then, never one submitted
   *     after the dry run. Null when not a dry run, or from a service older than this field
   */
  public FlushResult {
    jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    preview = preview == null ? List.of() : List.copyOf(preview);
  }

  /**
   * A result without a snapshot: the account of a flush that ran (not a dry run).
   *
   * @param scope {@code active} or {@code all}
   * @param dryRun true when nothing was changed
   * @param matched how many jobs the flush hit
   * @param stopped how many of them it stopped
   * @param deleted how many it removed
   * @param jobIds the ids of the jobs it hit, newest first
   * @param skipped the jobs that survived, each with its state and reason
   * @param preview the first (at most {@value #PREVIEW_SIZE}) of those jobs, newest first
   */
  public FlushResult(
      String scope,
      boolean dryRun,
      int matched,
      int stopped,
      int deleted,
      List<String> jobIds,
      List<SkippedJob> skipped,
      List<JobSummary> preview) {
    this(scope, dryRun, matched, stopped, deleted, jobIds, skipped, preview, null);
  }
}
