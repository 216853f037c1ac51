package dev.jobkit.sdk.workers;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What a heartbeat says of one running job: its progress and metrics as its pods last wrote them
 * (to {@code JOBKIT_PROGRESS_FILE} and {@code JOBKIT_METRICS_FILE}), which the service shows as the
 * job's.
 *
 * @param jobId the job
 * @param progress its progress, or null when it reported none
 * @param metrics its metrics, in the order written; empty when it reported none (and left out of
 *     the JSON then)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobReport(
    String jobId,
    ReportedProgress progress,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> metrics) {

  /**
   * A report; a null map is read as an empty one, and it is copied in its order.
   *
   * @param jobId the job
   * @param progress its progress, or null
   * @param metrics its metrics, or null for none
   */
  public JobReport {
    metrics =
        metrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }
}
