package dev.jobkit.sdk.jobs;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The summary of a finished attempt's result.
 *
 * @param exitCode the job's exit code: 0 when every pod exited 0, else the first non-zero one
 * @param outputFiles how many files the job wrote under {@code JOBKIT_OUTPUT_DIR}
 * @param outputBytes their total size in bytes
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobResult(Integer exitCode, long outputFiles, long outputBytes) {}
