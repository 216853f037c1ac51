package dev.jobkit.sdk;

/**
 * The bytes read do not match the record: their size or SHA-256 differs from what the service
 * recorded when the dataset was added (a registered file that changed in place since, say, or a
 * transfer that went wrong). Not retryable: the same bytes would come again.
 */
public class ChecksumMismatchException extends JobkitException {

  /** The SHA-256 of the record. */
  private final String expectedSha256;

  /** The SHA-256 of the bytes read. */
  private final String actualSha256;

  /**
   * A mismatch, with both checksums.
   *
   * @param message what did not match, in a sentence a user can read
   * @param expectedSha256 the SHA-256 of the record, 64 lowercase hex digits
   * @param actualSha256 the SHA-256 of the bytes read, 64 lowercase hex digits
   */
  public ChecksumMismatchException(String message, String expectedSha256, String actualSha256) {
    super(message, null);
    this.expectedSha256 = expectedSha256;
    this.actualSha256 = actualSha256;
  }

  /**
   * What the record says.
   *
   * @return the recorded SHA-256, 64 lowercase hex digits
   */
  public String expectedSha256() {
    return expectedSha256;
  }

  /**
   * What was read.
   *
   * @return the SHA-256 of the bytes read, 64 lowercase hex digits
   */
  public String actualSha256() {
    return actualSha256;
  }
}
