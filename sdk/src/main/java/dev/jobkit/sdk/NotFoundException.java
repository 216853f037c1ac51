package dev.jobkit.sdk;

/** 404 (`not_found`): the job or user does not exist, or this key may not see it. */
public class NotFoundException extends JobkitApiException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public NotFoundException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }
}
