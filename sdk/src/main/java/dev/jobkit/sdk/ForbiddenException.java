package dev.jobkit.sdk;

/** 403 (`forbidden`): the key may see the resource but not change it. */
public class ForbiddenException extends JobkitApiException {

  public ForbiddenException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
