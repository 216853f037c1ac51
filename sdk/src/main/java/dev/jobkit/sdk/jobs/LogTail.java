package dev.jobkit.sdk.jobs;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The end of one pod's log, or of one attempt's part of it.
 *
 * @param jobId the job
 * @param pod the pod whose log this is
 * @param content the last characters of the log; empty before the first line
 * @param sizeBytes the log's size when it was read (for an attempt: the byte its part ended at when
 *     it was read): follow from this byte offset to see what comes next
 * @param truncated whether the log (the attempt's part) holds more than {@code content}
 * @param attempt the attempt whose part of the log this is, or null for the whole log
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LogTail(
    String jobId, int pod, String content, long sizeBytes, boolean truncated, Integer attempt) {}
