package dev.jobkit.sdk;

/** 5xx: the service failed. 502, 503 and 504 are retryable. */
public class ServerException extends JobkitApiException {

  public ServerException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  @Override
  public boolean isRetryable() {
    return status() == 502 || status() == 503 || status() == 504;
  }
}
