package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job as the service reports it. Its lists and maps are never null: what a job does not have is
 * an empty, immutable list or map ({@link #pods()} of a queued job, {@link #metrics()} of a job
 * that reported none), whether it was read with {@link dev.jobkit.sdk.Jobs#get}, listed with {@link
 * dev.jobkit.sdk.Jobs#list} or watched. The one exception is {@link #command()}: a job runs either
 * a command or a {@link #shell()} script, and the one it does not run is null, as in {@link
 * JobSpec}. A listed job is the same as a fetched one, pods and attempts included.
 *
 * @param id the job's id, a time-ordered string starting with {@code job_}
 * @param displayName a human name; defaults to the command
 * @param description free text, or null
 * @param owner the user who submitted it
 * @param status where it is in its lifecycle
 * @param statusReason why it is in that state when it is not running ("waiting for parents ...",
 *     "owner's serial limit reached", "retry 2 of 3 after exit code 1"), or null
 * @param priority 1 (lowest) to 9 (highest)
 * @param accessibility who else may see it
 * @param podCount how many processes each attempt runs
 * @param command the argv it runs, when submitted with {@code command}; null when it runs {@code
 *     shell}
 * @param shell the {@code /bin/sh -c} script it runs, when submitted with {@code shell} (or by an
 *     app with a shell template)
 * @param app the app it was submitted by, or null for a command or shell job
 * @param appVersion the version of that app it runs, or null
 * @param parameters the app's parameters as validated, defaults filled in; empty without an app
 * @param env extra environment variables of its processes
 * @param tags free key/value labels, filterable with {@code tag=k=v}
 * @param parents the jobs that must succeed before this one is queued
 * @param timeoutSeconds how long an attempt may run, or null for no limit
 * @param maxAttempts how many times it is launched at most
 * @param attempt the number of the current (or last) attempt; 0 before the first launch
 * @param pods the processes of the current (or last) attempt
 * @param attempts every launch so far, oldest first
 * @param progress what the job last reported as progress, or null
 * @param metrics the numbers the job last reported as metrics
 * @param lastError the error of the latest failed attempt, or null
 * @param result the result summary once an attempt has finished, or null
 * @param createdAt when it was submitted
 * @param updatedAt when it last changed
 * @param startedAt when its first attempt was launched, or null
 * @param finishedAt when it reached an end state, or null
 * @param resultsExpiredAt when retention removed its results and logs ({@code jobkit.retention.*}),
 *     or null while they are kept
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Job(
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
    List<Pod> pods,
    List<Attempt> attempts,
    Progress progress,
    Map<String, Double> metrics,
    String lastError,
    JobResult result,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant finishedAt,
    Instant resultsExpiredAt) {

  /**
   * A job; null lists and maps (but {@code command}) are read as empty ones, and all are copied,
   * unmodifiable and in their order, so it does not change once made.
   *
   * @param id the job's id, a time-ordered string starting with {@code job_}
   * @param displayName a human name; defaults to the command
   * @param description free text, or null
   * @param owner the user who submitted it
   * @param status where it is in its lifecycle
   * @param statusReason why it is in that state when it is not running ("waiting for parents ...",
   *     "owner's serial limit reached", "retry 2 of 3 after exit code 1"), or null
   * @param priority 1 (lowest) to 9 (highest)
   * @param accessibility who else may see it
   * @param podCount how many processes each attempt runs
   * @param command the argv it runs, when submitted with {@code command}; null when it runs {@code
   *     shell}
   * @param shell the {@code /bin/sh -c} script it runs, when submitted with {@code shell} (or by an
   *     app with a shell template)
   * @param app the app it was submitted by, or null for a command or shell job
   * @param appVersion the version of that app it runs, or null
   * @param parameters the app's parameters as validated, defaults filled in; empty without an app
   * @param env extra environment variables of its processes
   * @param tags free key/value labels, filterable with {@code tag=k=v}
   * @param parents the jobs that must succeed before this one is queued
   * @param timeoutSeconds how long an attempt may run, or null for no limit
   * @param maxAttempts how many times it is launched at most
   * @param attempt the number of the current (or last) attempt; 0 before the first launch
   * @param pods the processes of the current (or last) attempt
   * @param attempts every launch so far, oldest first
   * @param progress what the job last reported as progress, or null
   * @param metrics the numbers the job last reported as metrics
   * @param lastError the error of the latest failed attempt, or null
   * @param result the result summary once an attempt has finished, or null
   * @param createdAt when it was submitted
   * @param updatedAt when it last changed
   * @param startedAt when its first attempt was launched, or null
   * @param finishedAt when it reached an end state, or null
   * @param resultsExpiredAt when retention removed its results and logs, or null while they are
   *     kept
   */
  public Job {
    command = command == null ? null : Copies.list(command);
    env = Copies.map(env);
    tags = Copies.map(tags);
    parents = Copies.list(parents);
    pods = Copies.list(pods);
    attempts = Copies.list(attempts);
    metrics = Copies.map(metrics);
    parameters = Copies.map(parameters);
  }

  /**
   * How long an attempt may run, as a {@link Duration}: {@link #timeoutSeconds()} is the wire
   * field.
   *
   * @return the limit, or empty for no limit
   */
  @JsonIgnore
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeoutSeconds).map(Duration::ofSeconds);
  }
}
