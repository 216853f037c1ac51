package dev.jobkit.sdk;

/** 401 (`unauthorized`): no API key, or a key the service does not know. */
public class AuthenticationException extends JobkitApiException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public AuthenticationException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
