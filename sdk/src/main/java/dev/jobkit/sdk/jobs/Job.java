package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job as the service reports it.
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
 * @param command the argv it runs, when submitted with {@code command}
 * @param shell the {@code /bin/sh -c} script it runs, when submitted with {@code shell}
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
    Instant finishedAt) {}
