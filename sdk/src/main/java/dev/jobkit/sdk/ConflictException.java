package dev.jobkit.sdk;

/**
 * 409 (`conflict`): the request clashes with what exists (a name taken, an `Idempotency-Key` reused
 * with another body).
 */
public class ConflictException extends JobkitApiException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public ConflictException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
