package dev.jobkit.sdk;

import java.util.List;

/**
 * What {@link JobResults#verify} found in a directory compared with a job's final manifest.
 *
 * @param jobId the job whose manifest the directory was checked against
 * @param matched how many files of the manifest are there with their size and SHA-256
 * @param missing the manifest's files that are not in the directory, by path
 * @param changed the manifest's files that are there with other bytes
 * @param extra regular files in the directory that the manifest does not list, relative with {@code
 *     /}
 */
public record ResultsCheck(
    String jobId,
    int matched,
    List<String> missing,
    List<ResultMismatch> changed,
    List<String> extra) {

  /**
   * A check; null lists are read as empty ones, and all are copied, so it does not change once
   * made.
   *
   * @param jobId the job whose manifest the directory was checked against
   * @param matched how many files match
   * @param missing the files that are not there
   * @param changed the files that are there with other bytes
   * @param extra the files the manifest does not list
   */
  public ResultsCheck {
    missing = missing == null ? List.of() : List.copyOf(missing);
    changed = changed == null ? List.of() : List.copyOf(changed);
    extra = extra == null ? List.of() : List.copyOf(extra);
  }

  /**
   * Whether the directory holds exactly the job's results: nothing missing, changed or extra.
   *
   * @return true when all three lists are empty
   */
  public boolean ok() {
    return missing.isEmpty() && changed.isEmpty() && extra.isEmpty();
  }
}
