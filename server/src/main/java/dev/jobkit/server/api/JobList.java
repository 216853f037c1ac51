package dev.jobkit.server.api;

import dev.jobkit.sdk.jobs.Job;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Jobs without paging: the answer of a batch submission, in the order they were sent. The service's
 * own envelope (public for the tests that read it); SDK users get the list.
 *
 * @param items the jobs
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobList(List<Job> items) {}
