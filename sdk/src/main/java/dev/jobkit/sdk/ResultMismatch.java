package dev.jobkit.sdk;

/**
 * A file of a job's results that does not match its manifest: downloaded with other bytes, changed
 * in a directory since, or not there at all.
 *
 * @param path the file's path in the manifest, relative with {@code /}
 * @param expectedSha256 the SHA-256 the manifest lists
 * @param actualSha256 the SHA-256 of the bytes found; null when the file is missing
 * @param expectedSize the size the manifest lists, in bytes
 * @param actualSize the size of the bytes found; -1 when the file is missing
 */
public record ResultMismatch(
    String path, String expectedSha256, String actualSha256, long expectedSize, long actualSize) {

  /**
   * Whether the file was not there at all.
   *
   * @return true when there was no file at {@link #path()}
   */
  public boolean missing() {
    return actualSha256 == null;
  }
}
