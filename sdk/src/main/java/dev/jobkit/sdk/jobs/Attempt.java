package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One launch of a job. A job with {@code max_attempts > 1} may have several.
 *
 * @param number 1 for the first launch, 2 for the first retry, ...
 * @param startedAt when its pods were launched
 * @param finishedAt when the attempt ended, or null while it runs
 * @param outcome the state the attempt ended in ({@code RUN_DONE}, {@code RUN_ERROR}, ...), or null
 *     while it runs
 * @param exitCode the first non-zero exit code of its pods, or 0
 * @param error what went wrong, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Attempt(
    int number,
    Instant startedAt,
    Instant finishedAt,
    JobStatus outcome,
    Integer exitCode,
    String error) {}
