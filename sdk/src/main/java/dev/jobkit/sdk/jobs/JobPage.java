package dev.jobkit.sdk.jobs;

import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One page of a job listing, newest first.
 *
 * @param items the jobs of this page, each as complete as a fetched one; never null, empty for a
 *     page with no job
 * @param nextCursor the cursor of the next page, or null when this is the last one
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobPage(List<Job> items, String nextCursor) {

  /**
   * A page; null items are read as an empty list, and the list is copied, so it does not change
   * once made.
   *
   * @param items the jobs of this page
   * @param nextCursor the cursor of the next page, or null when this is the last one
   */
  public JobPage {
    items = Copies.list(items);
  }
}
