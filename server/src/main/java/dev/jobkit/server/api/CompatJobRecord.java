package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job as the train/predict Jobs API's routes ({@code /api/jobs/...}, {@link
 * CompatJobsController}) show it: that API's {@code JobRecord}.
 *
 * @param id the job's id (a Jobkit id, {@code job_...})
 * @param type the app it runs ({@code train}, {@code predict}), or {@code command} for a job that
 *     runs no app
 * @param status {@code queued}, {@code running}, {@code cancel_requested}, {@code success}, {@code
 *     failed} or {@code canceled} ({@link #status(JobStatus)})
 * @param ownerUserId the owner's number (given once when the user was made, never reused); null if
 *     the owner is no user any more
 * @param owner the owner's name, Jobkit's name for the user
 * @param params the parameters it runs with
 * @param error why it failed or was canceled; null otherwise
 * @param jobkitStatus the status in Jobkit's lifecycle, finer than {@code status}
 * @param createdAt when it was submitted
 * @param startedAt when its first attempt was launched; null before
 * @param finishedAt when it ended; null before
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record CompatJobRecord(
    String id,
    String type,
    String status,
    Long ownerUserId,
    String owner,
    Map<String, Object> params,
    String error,
    JobStatus jobkitStatus,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  static CompatJobRecord of(Job job, Long ownerUserId) {
    String error = null;
    if (job.status() == JobStatus.FAILED || job.status() == JobStatus.CANCELED) {
      error = job.lastError() != null ? job.lastError() : job.statusReason();
    }
    return new CompatJobRecord(
        job.id(),
        job.app() != null ? job.app() : "command",
        status(job.status()),
        ownerUserId,
        job.owner(),
        job.parameters(),
        error,
        job.status(),
        job.createdAt(),
        job.startedAt(),
        job.finishedAt());
  }

  /**
   * That API's status for a Jobkit status: waiting to start (for parents, a slot or a retry) is
   * {@code queued}; claimed, staging, in its hooks or running (and an attempt that just ended and
   * is being settled) is {@code running}; a stop under way is {@code cancel_requested}; the ends
   * are {@code success}, {@code failed} and {@code canceled}.
   */
  static String status(JobStatus status) {
    return switch (status) {
      case AWAITING_PARENTS, QUEUED, RESTART_READY -> "queued";
      case CLAIMED,
          STAGED_IN,
          PREPROCESSED,
          RUNNING,
          RUN_DONE,
          POSTPROCESSED,
          STAGED_OUT,
          RUN_ERROR,
          RUN_TIMEOUT ->
          "running";
      case CANCEL_REQUESTED -> "cancel_requested";
      case SUCCEEDED -> "success";
      case FAILED -> "failed";
      case CANCELED -> "canceled";
    };
  }
}
