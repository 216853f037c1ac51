package dev.jobkit.sdk;

import java.util.List;

/**
 * 400 ({@code validation_failed}): the request was malformed; {@link #errors()} names each field.
 */
public class ValidationException extends JobkitApiException {

  /** Made by the client from an error answer: its status, problem document and request id. */
  public ValidationException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  /** Each wrong field and why. */
  public List<Problem.FieldError> errors() {
    return problem() == null || problem().errors() == null ? List.of() : problem().errors();
  }
}
