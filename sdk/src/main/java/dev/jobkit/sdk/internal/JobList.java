package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.jobs.Job;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Jobs without paging: the answer of a batch submission, in the order they were sent ({@code
 * Jobs.submitBatch} returns the list).
 *
 * @param items the jobs
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobList(List<Job> items) {

  /**
   * Null is read as an empty list, and the list is copied, so it does not change once made.
   *
   * @param items the jobs
   */
  public JobList {
    items = items == null ? List.of() : List.copyOf(items);
  }
}
