package dev.jobkit.sdk.jobs;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The end of one pod's log.
 *
 * @param jobId the job
 * @param pod the pod whose log this is
 * @param content the last characters of the log; empty before the first line
 * @param sizeBytes the log's size when it was read: follow from this byte offset to see what comes
 *     next
 * @param truncated whether the log holds more than {@code content}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LogTail(String jobId, int pod, String content, long sizeBytes, boolean truncated) {}
