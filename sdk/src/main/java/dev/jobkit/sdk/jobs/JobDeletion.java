package dev.jobkit.sdk.jobs;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What {@code DELETE /api/v1/jobs/{id}} removed: the job, with its events, and the model and result
 * records it produced (and, when its artifacts were purged, their files with its own).
 *
 * @param id the job's id
 * @param deleted always true: a job that could not be deleted is an error, not this answer
 * @param removedModels how many model records went with it
 * @param removedResults how many result records went with it
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobDeletion(String id, boolean deleted, int removedModels, int removedResults) {}
