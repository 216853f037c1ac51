package dev.jobkit.server.store;

import dev.jobkit.sdk.jobs.Accessibility;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A validated job, ready to be inserted with its first status; {@code app} is null (and {@code
 * parameters} empty) for a job of a command or shell.
 */
public record NewJob(
    String id,
    String owner,
    String displayName,
    String description,
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
    boolean serviceOnly) {

  /** A job that any executor may run, a service's or an external worker's. */
  public NewJob(
      String id,
      String owner,
      String displayName,
      String description,
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
      int maxAttempts) {
    this(
        id,
        owner,
        displayName,
        description,
        status,
        statusReason,
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
        false);
  }

  /**
   * The job as {@link JobStore#insert} stores it, created at {@code createdAt} (its submission
   * event's time): what a read returns until something moves it (no attempt, no pods yet).
   */
  public Job asStored(Instant createdAt) {
    return new JobRow(
            id,
            displayName,
            description,
            owner,
            status,
            statusReason,
            priority,
            accessibility,
            podCount,
            command,
            shell,
            app,
            appVersion,
            app == null || parameters == null ? Map.of() : parameters,
            env,
            tags,
            parents,
            timeoutSeconds,
            maxAttempts,
            0,
            null,
            Map.of(),
            null,
            null,
            createdAt,
            createdAt,
            null,
            null,
            null)
        .toJob(List.of(), List.of());
  }
}
