package dev.jobkit.sdk;

/**
 * 409 (`conflict`): the request clashes with what exists (a name taken, an `Idempotency-Key` reused
 * with another body).
 */
public class ConflictException extends JobkitApiException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public ConflictException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
