package dev.jobkit.sdk;

import java.util.List;

/**
 * Files of a job's results did not match the manifest after a download: each failing file is named,
 * with what the manifest says and what arrived. The files that matched are in place; a failing one
 * is not written (a file already there stays as it was). Its {@link #expectedSha256()} and {@link
 * #actualSha256()} are those of the first failing file.
 */
public class ResultsMismatchException extends ChecksumMismatchException {

  /** Every file that failed, by path. */
  private final List<ResultMismatch> mismatches;

  /**
   * A mismatch of one or more files.
   *
   * @param message what failed, naming every file, in sentences a user can read
   * @param mismatches every failing file; at least one
   */
  public ResultsMismatchException(String message, List<ResultMismatch> mismatches) {
    super(message, mismatches.get(0).expectedSha256(), mismatches.get(0).actualSha256());
    this.mismatches = List.copyOf(mismatches);
  }

  /**
   * The files that failed.
   *
   * @return every failing file, by path
   */
  public List<ResultMismatch> mismatches() {
    return mismatches;
  }
}
