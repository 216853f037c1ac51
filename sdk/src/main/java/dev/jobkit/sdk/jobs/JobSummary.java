package dev.jobkit.sdk.jobs;

import dev.jobkit.sdk.lifecycle.JobStatus;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Which job it is, in a few words: enough to name it to a person (a flush's preview lists the first
 * jobs it would hit this way).
 *
 * @param id the job's id
 * @param displayName its human name, as its owner (or an agent) set it: show it quoted, never as
 *     part of a sentence
 * @param owner the user who submitted it
 * @param status where it is in its lifecycle
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobSummary(String id, String displayName, String owner, JobStatus status) {}
