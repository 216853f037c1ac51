package dev.jobkit.sdk.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.workers.ClaimedJob;
import dev.jobkit.sdk.workers.ErrorKind;
import dev.jobkit.sdk.workers.JobReport;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/** The request and answer bodies of the worker protocol, as {@link WorkerApi} sends them. */
public final class WorkerBodies {

  private WorkerBodies() {}

  /** {@code POST /api/v1/internal/workers}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Registration(String name, int slots, List<String> apps, String host) {}

  /** {@code POST /api/v1/internal/workers/{id}/heartbeat}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Heartbeat(List<JobReport> jobs) {}

  /** {@code POST /api/v1/internal/jobs/claim}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Claim(String workerId, int maxJobs, List<String> apps) {}

  /** The answer of a claim. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record Claimed(List<ClaimedJob> jobs) {
    public Claimed {
      jobs = jobs == null ? List.of() : List.copyOf(jobs);
    }
  }

  /** {@code POST /api/v1/internal/jobs/{id}/acknowledge}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record WorkerRef(String workerId) {}

  /** {@code POST /api/v1/internal/jobs/{id}/transition}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Transition(String workerId, JobStatus to, String reason, List<Long> pids) {}

  /** The answer of a log append: the log's size after it. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record LogSize(long size) {}

  /** {@code POST /api/v1/internal/jobs/{id}/complete}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Completion(
      String workerId,
      List<Integer> exitCodes,
      Map<String, Object> result,
      Map<String, Double> metrics) {}

  /** {@code POST /api/v1/internal/jobs/{id}/fail}. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Failure(
      String workerId,
      ErrorKind kind,
      String message,
      Map<String, Object> details,
      Integer exitCode) {}
}
