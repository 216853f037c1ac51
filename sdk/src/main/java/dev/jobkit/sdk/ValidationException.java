package dev.jobkit.sdk;

import java.util.List;

/**
 * 400 ({@code validation_failed}): the request was malformed; {@link #errors()} names each field.
 */
public class ValidationException extends JobkitApiException {

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public ValidationException(int status, Problem problem, String requestId) {
    super(status, problem, requestId);
  }

  /**
   * A request the client refuses before sending it, worded as the service would refuse it: 400
   * {@code validation_failed} saying {@code detail} and naming {@code field}, with no request id.
   */
  static ValidationException beforeSending(String detail, String field, String reason) {
    return new ValidationException(
        400,
        new Problem(
            null,
            "Validation failed",
            400,
            detail,
            null,
            "validation_failed",
            null,
            null,
            null,
            List.of(new Problem.FieldError(field, reason))),
        null);
  }

  /**
   * Each wrong field and why.
   *
   * @return the fields the service named, empty when it named none
   */
  public List<Problem.FieldError> errors() {
    return problem() == null ? List.of() : problem().errors();
  }
}
