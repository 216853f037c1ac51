package dev.jobkit.sdk;

/** 404 (`not_found`): the job or user does not exist, or this key may not see it. */
public class NotFoundException extends JobkitApiException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public NotFoundException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
