package dev.jobkit.sdk;

/**
 * The root of every failure the SDK reports. Unchecked: catch the subclass you can handle ({@link
 * NotFoundException}, {@link InvalidStateException}, ...) and let the rest travel.
 *
 * <pre>{@code
 * try {
 *   client.jobs().get(id);
 * } catch (NotFoundException e) {
 *   // gone, or never visible to this key
 * }
 * }</pre>
 */
public class JobkitException extends RuntimeException {

  /**
   * A failure with a sentence for the user and its cause, if any.
   *
   * @param message what failed, in a sentence a user can read
   * @param cause the failure underneath, or null
   */
  public JobkitException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether trying the same call again may succeed: connection failures, 502/503/504 and 429. The
   * client's retry policy retries exactly these.
   *
   * @return true when a retry may succeed; false for a refusal that would be refused again
   */
  public boolean isRetryable() {
    return false;
  }
}
