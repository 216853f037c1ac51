package dev.jobkit.sdk.workers;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A running job's progress as a worker reports it: what the job wrote to its {@code
 * JOBKIT_PROGRESS_FILE}. The service stamps it with the time it arrives.
 *
 * @param percent how far it is, 0 to 100, or null when it said only a message
 * @param message what it is doing, such as {@code epoch 3/10}, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReportedProgress(Double percent, String message) {}
