package dev.jobkit.sdk;

/** 403 (`forbidden`): the key may see the resource but not change it. */
public class ForbiddenException extends JobkitApiException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public ForbiddenException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
