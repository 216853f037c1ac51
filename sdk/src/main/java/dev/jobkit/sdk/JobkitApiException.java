package dev.jobkit.sdk;

import java.util.Optional;

/**
 * The service answered with an error: its HTTP status, its problem document and the id it logged
 * the request under. Subclasses name the kinds a program usually handles.
 */
public class JobkitApiException extends JobkitException {

  private final int status;
  private final Problem problem;
  private final String requestId;

  /** Made by the client from an error answer: its status, problem document and request id. */
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

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /** The problem document the service sent. */
  public Problem problem() {
    return problem;
  }

  /** The problem's stable code ({@code not_found}, {@code invalid_state}, ...), if any. */
  public Optional<String> code() {
    return Optional.ofNullable(problem == null ? null : problem.code());
  }

  /** The id the service logged the request under, to quote when asking for help. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }
}
