package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A flush that runs in the background on the service: {@code POST /api/v1/jobs/flush} answers
 * {@code 202 Accepted} with it at once, and {@code GET /api/v1/operations/{id}} follows it until
 * its {@link #status} is no longer {@link Status#RUNNING}. Only the user who started it (and an
 * admin) can read it; the service keeps a finished one for a day.
 *
 * @param id {@code flush_…}
 * @param status where it is: running, or how it ended
 * @param statusReason why it ended that way when it did not run to its end; else null
 * @param requestedBy the user who started it
 * @param scope {@code active} or {@code all}
 * @param owner the one owner whose jobs it is limited to, or null
 * @param purgeArtifacts whether it removes the jobs' files too
 * @param force whether it kills processes at once and removes jobs whose processes do not end
 * @param snapshot the dry run's {@code snapshot} it was bound to (jobs submitted after that dry run
 *     are never hit), or null
 * @param matched how many jobs it hit
 * @param stopped how many of them it stopped so far
 * @param deleted how many it removed so far
 * @param removedModels how many model records it removed with them so far (deleting a job deletes
 *     the models it produced)
 * @param removedResults how many result records it removed with them so far
 * @param skippedCount how many it could not remove
 * @param skipped those jobs (the first 1,000), each with its state and reason
 * @param preview the first (at most 10) jobs it hit, newest first, with their names
 * @param createdAt when it was started
 * @param updatedAt when its counts last changed
 * @param finishedAt when it ended; null while it runs
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FlushOperation(
    String id,
    Status status,
    String statusReason,
    String requestedBy,
    String scope,
    String owner,
    boolean purgeArtifacts,
    boolean force,
    String snapshot,
    int matched,
    int stopped,
    int deleted,
    int removedModels,
    int removedResults,
    int skippedCount,
    List<SkippedJob> skipped,
    List<JobSummary> preview,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt) {

  /** How many skipped jobs an operation names at most ({@link #skippedCount} counts them all). */
  public static final int SKIPPED_LIMIT = 1_000;

  /**
   * An operation; null lists are read as empty ones, and both lists are copied, so it does not
   * change once made.
   *
   * @param id {@code flush_…}
   * @param status where it is: running, or how it ended
   * @param statusReason why it ended that way when it did not run to its end; else null
   * @param requestedBy the user who started it
   * @param scope {@code active} or {@code all}
   * @param owner the one owner whose jobs it is limited to, or null
   * @param purgeArtifacts whether it removes the jobs' files too
   * @param force whether it kills processes at once and removes jobs whose processes do not end
   * @param snapshot the dry run's {@code snapshot} it was bound to (jobs submitted after that dry
   *     run are never hit), or null
   * @param matched how many jobs it hit
   * @param stopped how many of them it stopped so far
   * @param deleted how many it removed so far
   * @param removedModels how many model records it removed with them so far (deleting a job deletes
   *     the models it produced)
   * @param removedResults how many result records it removed with them so far
   * @param skippedCount how many it could not remove
   * @param skipped those jobs (the first 1,000), each with its state and reason
   * @param preview the first (at most 10) jobs it hit, newest first, with their names
   * @param createdAt when it was started
   * @param updatedAt when its counts last changed
   * @param finishedAt when it ended; null while it runs
   */
  public FlushOperation {
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    preview = preview == null ? List.of() : List.copyOf(preview);
  }

  /** Where a flush operation is. */
  public enum Status {
    /** Stopping and removing its jobs. */
    @JsonProperty("running")
    RUNNING,
    /** It ran to its end: every job it hit is removed, or named in {@code skipped}. */
    @JsonProperty("succeeded")
    SUCCEEDED,
    /** An error broke it off; {@code status_reason} says which. */
    @JsonProperty("failed")
    FAILED,
    /**
     * The service stopped or restarted before it ended: the jobs it had stopped end on their own,
     * the ones it had not reached are left as they were; the counts say how far it got.
     */
    @JsonProperty("interrupted")
    INTERRUPTED;

    /**
     * The name of this status in the API.
     *
     * @return the lower-case name ({@code "running"})
     */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * Whether it has ended, in whatever way.
   *
   * @return true once its status is no longer {@link Status#RUNNING}
   */
  @JsonIgnore
  public boolean done() {
    return status != Status.RUNNING;
  }

  /**
   * How many of its jobs it has dealt with (removed or given up on), for a progress display.
   *
   * @return {@code deleted} plus {@code skippedCount}
   */
  @JsonIgnore
  public int settled() {
    return deleted + skippedCount;
  }
}
