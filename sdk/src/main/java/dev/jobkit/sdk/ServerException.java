package dev.jobkit.sdk;

/** 5xx: the service failed. 502, 503 and 504 are retryable. */
public class ServerException extends JobkitApiException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public ServerException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  @Override
  public boolean isRetryable() {
    return status() == 502 || status() == 503 || status() == 504;
  }
}
