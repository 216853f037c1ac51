package dev.jobkit.sdk.internal;

import dev.jobkit.sdk.jobs.JobSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * The body of {@code POST /api/v1/jobs/batch}, which {@code Jobs.submitBatch} wraps: jobs submitted
 * in one transaction, all or none.
 *
 * @param jobs the jobs, at most 1,000
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobBatch(List<JobSpec> jobs) {

  /**
   * Null is read as an empty list, and the list is copied, so it does not change once made.
   *
   * @param jobs the jobs, at most 1,000
   */
  public JobBatch {
    // A null spec is kept: the service names it (jobs[2]) in its answer.
    jobs = jobs == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(jobs));
  }
}
