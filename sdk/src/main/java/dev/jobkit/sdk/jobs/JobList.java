package dev.jobkit.sdk.jobs;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Jobs without paging: the answer of a batch submission, in the order they were sent.
 *
 * @param items the jobs
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobList(List<Job> items) {}
