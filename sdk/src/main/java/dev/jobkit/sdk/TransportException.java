package dev.jobkit.sdk;

/**
 * The service could not be reached or did not answer in time: no connection, a reset, a timeout.
 * Nothing is known about whether the request was applied; a retried submit is still safe because it
 * carries the same {@code Idempotency-Key}.
 */
public class TransportException extends JobkitException {

  /**
   * A failure to reach the service, with what went wrong underneath.
   *
   * @param message what failed, in a sentence a user can read
   * @param cause the I/O failure underneath, such as a refused connection or a timeout
   */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetryable() {
    return true;
  }
}
