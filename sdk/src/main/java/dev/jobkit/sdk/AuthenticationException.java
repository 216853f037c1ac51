package dev.jobkit.sdk;

/** 401 (`unauthorized`): no API key, or a key the service does not know. */
public class AuthenticationException extends JobkitApiException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public AuthenticationException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
