package dev.jobkit.sdk.jobs;

import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a running job last reported through its {@code JOBKIT_PROGRESS_FILE}.
 *
 * @param percent how far along it is, from 0 to 100, or null if it only sent a message
 * @param message a short human-readable note ("epoch 3/10"), or null
 * @param updatedAt when the job last wrote the file
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Progress(Double percent, String message, Instant updatedAt) {}
