package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Attempt;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.jobs.JobResult;
import dev.jobkit.sdk.jobs.Pod;
import dev.jobkit.sdk.jobs.Progress;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A row of the {@code jobs} table, read once by {@link RowMappers#job}. Every SDK {@link Job} the
 * server makes is built here, in {@link #toJob}: from a row with its pods and attempts (kept in
 * their own tables), or from a job shown with a status reason or a report decided when it is shown
 * ({@link #withStatusReason}, {@link #withReport}).
 *
 * <p>The components are {@link Job}'s, in its order, without {@code pods} and {@code attempts}.
 */
public record JobRow(
    String id,
    String displayName,
    String description,
    String owner,
    JobStatus status,
    String statusReason,
    int priority,
    Accessibility accessibility,
    int podCount,
    List<String> command,
    String shell,
    String app,
    Integer appVersion,
    Map<String, Object> parameters,
    Map<String, String> env,
    Map<String, String> tags,
    List<String> parents,
    Integer timeoutSeconds,
    int maxAttempts,
    int attempt,
    Progress progress,
    Map<String, Double> metrics,
    String lastError,
    JobResult result,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant resultsExpiredAt) {

  /** {@code job} as it is, but with {@code reason} as its status reason. */
  public static Job withStatusReason(Job job, String reason) {
    return of(job).toJob(reason, job.progress(), job.metrics(), job.pods(), job.attempts());
  }

  /** {@code job} as it is, but with the progress and metrics its running attempt reports now. */
  public static Job withReport(Job job, Progress progress, Map<String, Double> metrics) {
    return of(job).toJob(job.statusReason(), progress, metrics, job.pods(), job.attempts());
  }

  /** The job of this row with these pods and attempts (both empty for a summary). */
  Job toJob(List<Pod> pods, List<Attempt> attempts) {
    return toJob(statusReason, progress, metrics, pods, attempts);
  }

  private static JobRow of(Job j) {
    return new JobRow(
        j.id(),
        j.displayName(),
        j.description(),
        j.owner(),
        j.status(),
        j.statusReason(),
        j.priority(),
        j.accessibility(),
        j.podCount(),
        j.command(),
        j.shell(),
        j.app(),
        j.appVersion(),
        j.parameters(),
        j.env(),
        j.tags(),
        j.parents(),
        j.timeoutSeconds(),
        j.maxAttempts(),
        j.attempt(),
        j.progress(),
        j.metrics(),
        j.lastError(),
        j.result(),
        j.createdAt(),
        j.updatedAt(),
        j.startedAt(),
        j.finishedAt(),
        j.resultsExpiredAt());
  }

  private Job toJob(
      String reason,
      Progress reported,
      Map<String, Double> reportedMetrics,
      List<Pod> pods,
      List<Attempt> attempts) {
    return new Job(
        id,
        displayName,
        description,
        owner,
        status,
        reason,
        priority,
        accessibility,
        podCount,
        command,
        shell,
        app,
        appVersion,
        parameters,
        env,
        tags,
        parents,
        timeoutSeconds,
        maxAttempts,
        attempt,
        pods,
        attempts,
        reported,
        reportedMetrics,
        lastError,
        result,
        createdAt,
        updatedAt,
        startedAt,
        finishedAt,
        resultsExpiredAt);
  }
}
