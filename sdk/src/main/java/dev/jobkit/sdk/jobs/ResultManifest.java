package dev.jobkit.sdk.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Every file a job wrote under its output dir, with size and SHA-256: {@code GET
 * /api/v1/jobs/{id}/results}. Once the job has ended ({@code SUCCEEDED}, {@code FAILED} or {@code
 * CANCELED}, whose files are its partial results) the manifest is final: taken once, kept by the
 * service, the same on every read. Before that it lists the files as they are at the moment,
 * without checksums, and says it is not final.
 *
 * @param jobId the job's id
 * @param complete {@code final} in the JSON: true once the job has ended and the manifest was
 *     taken; false while the job may still write (no {@code sha256} then)
 * @param computedAt when the final manifest was taken; for one that is not final, when the files
 *     were listed
 * @param fileCount how many files it lists
 * @param totalBytes their total size in bytes
 * @param files the files, by path
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResultManifest(
    String jobId,
    @JsonProperty("final") boolean complete,
    Instant computedAt,
    long fileCount,
    long totalBytes,
    List<ResultFile> files) {

  /**
   * A manifest; a null list of files is read as an empty one, and the list is copied, so it does
   * not change once made.
   *
   * @param jobId the job's id
   * @param complete whether it is final
   * @param computedAt when it was taken
   * @param fileCount how many files it lists
   * @param totalBytes their total size in bytes
   * @param files the files, by path
   */
  public ResultManifest {
    files = Copies.list(files);
  }
}
