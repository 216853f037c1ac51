package dev.jobkit.sdk.data;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A result a job of the {@code predict} app made, recorded when the job succeeded. Deleting the job
 * deletes the record.
 *
 * @param id the result's id, {@code result_...}
 * @param jobId the job that made it
 * @param owner the job's owner; only they and an admin see it
 * @param app the app the job ran
 * @param modelId the model it used, when the job named one by id; else null
 * @param files its files with their sizes and checksums
 * @param metrics what the job reported last in its metrics file
 * @param parameters the parameters the job ran with
 * @param createdAt when it was recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Result(
    String id,
    String jobId,
    String owner,
    String app,
    String modelId,
    List<StoredFile> files,
    Map<String, Object> metrics,
    Map<String, Object> parameters,
    Instant createdAt) {

  /**
   * A result as read; a missing list or map is read as empty, never null.
   *
   * @param id the result's id, {@code result_...}
   * @param jobId the job that made it
   * @param owner the job's owner; only they and an admin see it
   * @param app the app the job ran
   * @param modelId the model it used, when the job named one by id; else null
   * @param files its files with their sizes and checksums
   * @param metrics what the job reported last in its metrics file
   * @param parameters the parameters the job ran with
   * @param createdAt when it was recorded
   */
  public Result {
    files = files == null ? List.of() : List.copyOf(files);
    metrics = metrics == null ? Map.of() : metrics;
    parameters = parameters == null ? Map.of() : parameters;
  }
}
