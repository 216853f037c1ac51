package dev.jobkit.sdk;

import java.util.Optional;

/**
 * The service answered with an error: its HTTP status, its problem document and the id it logged
 * the request under. Subclasses name the kinds a program usually handles.
 */
public class JobkitApiException extends JobkitException {

  /** The HTTP status code of the answer. */
  private final int status;

  /** The problem document the service sent, or null. */
  private final Problem problem;

  /** The id the service logged the request under, or null. */
  private final String requestId;

  /**
   * Made by the client from an error answer: its status, problem document and request id.
   *
   * @param status the HTTP status code of the answer
   * @param problem the problem document the service sent, or null when it sent none
   * @param requestId the id the service logged the request under, or null when it sent none
   */
  public JobkitApiException(int status, Problem problem, String requestId) {
    super(message(status, problem, requestId), null);
    this.status = status;
    this.problem = problem;
    this.requestId = requestId;
  }

  private static String message(int status, Problem problem, String requestId) {
    String detail =
        problem != null && problem.detail() != null ? problem.detail() : "HTTP " + status;
    String code = problem != null && problem.code() != null ? " [" + problem.code() + "]" : "";
    return detail + code + (requestId != null ? " (request " + requestId + ")" : "");
  }

  /**
   * The HTTP status code of the answer.
   *
   * @return the status, such as 404 or 409
   */
  public int status() {
    return status;
  }

  /**
   * The problem document the service sent: what went wrong, in words and as a stable code.
   *
   * @return the problem, or null when the answer carried none (a proxy's error page, for one)
   */
  public Problem problem() {
    return problem;
  }

  /**
   * The problem's stable code, to branch on instead of the sentence.
   *
   * @return the code ({@code not_found}, {@code invalid_state}, ...), or empty when there is none
   */
  public Optional<String> code() {
    return Optional.ofNullable(problem == null ? null : problem.code());
  }

  /**
   * The id the service logged the request under, to quote when asking for help.
   *
   * @return the request id, or empty when the answer carried none
   */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
