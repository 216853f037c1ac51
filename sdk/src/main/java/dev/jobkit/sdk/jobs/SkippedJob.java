package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job a flush could not remove, and why.
 *
 * @param id the job's id
 * @param status the state it was left in
 * @param reason why it survived
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SkippedJob(String id, JobStatus status, String reason) {}
