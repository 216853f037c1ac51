package dev.jobkit.server;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.sdk.jobs.Job;
import dev.jobkit.sdk.lifecycle.JobStatus;
import dev.jobkit.sdk.lifecycle.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/**
 * A request the service refuses, with the HTTP status, the stable problem {@code code} and a
 * sentence for the user. Rendered as an RFC 9457 problem document by the API layer.
 */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String code;
  private final Map<String, Object> properties;

  public ApiException(
      HttpStatus status, String code, String detail, Map<String, Object> properties) {
    super(detail);
    this.status = status;
    this.code = code;
    this.properties = new LinkedHashMap<>(properties);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> properties() {
    return properties;
  }

  public static ApiException notFound(String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, "not_found", detail, Map.of());
  }

  public static ApiException jobNotFound(String id) {
    return notFound("no job " + id + " (it does not exist, or you may not see it)");
  }

  /**
   * 410 {@code results_expired}: retention ({@code jobkit.retention.*}) removed the job's results
   * and logs at {@code expiredAt}; carries {@code job_id} and {@code expired_at}.
   */
  public static ApiException resultsExpired(String jobId, java.time.Instant expiredAt) {
    return new ApiException(
        HttpStatus.GONE,
        "results_expired",
        "the results and logs of job "
            + jobId
            + " were removed by retention at "
            + expiredAt
            + " (jobkit.retention.*); the job's record is kept",
        Map.of("job_id", jobId, "expired_at", expiredAt.toString()));
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(HttpStatus.FORBIDDEN, "forbidden", detail, Map.of());
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", detail, Map.of());
  }

  public static ApiException conflict(String detail) {
    return new ApiException(HttpStatus.CONFLICT, "conflict", detail, Map.of());
  }

  /** The problem property, in seconds, that {@link #rateLimited} also sends as Retry-After. */
  public static final String RETRY_AFTER_SECONDS = "retry_after_seconds";

  /** Too many of something at once; the caller may try again after {@code retryAfter}. */
  public static ApiException rateLimited(String detail, java.time.Duration retryAfter) {
    return new ApiException(
        HttpStatus.TOO_MANY_REQUESTS,
        "rate_limited",
        detail,
        Map.of(RETRY_AFTER_SECONDS, Math.max(1, retryAfter.toSeconds())));
  }

  /**
   * 429 {@code rate_limited}: the caller is over one of the service's limits; the same request may
   * succeed later. {@code properties} name the limit and where the caller stands.
   */
  public static ApiException rateLimited(String detail, Map<String, Object> properties) {
    return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "rate_limited", detail, properties);
  }

  /** One wrong field. */
  public static ApiException invalid(String field, String reason) {
    return invalid(List.of(new FieldError(field, reason)));
  }

  /** Several wrong fields, all reported at once. */
  public static ApiException invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).reason()
            : errors.size()
                + " fields are invalid: "
                + String.join(
                    "; ", errors.stream().map(e -> e.field() + ": " + e.reason()).toList());
    return new ApiException(
        HttpStatus.BAD_REQUEST, "validation_failed", detail, Map.of("errors", errors));
  }

  /** The operation is not allowed in the job's current state. */
  public static ApiException invalidState(Job job, Operation operation) {
    return invalidState(job.id(), job.status(), operation);
  }

  /**
   * The request named the status it was to apply in ({@code expected_status}) and the job is in
   * another one, where the operation may still be allowed: nothing was done. Its {@code
   * allowed_statuses} is the one status this request allowed.
   */
  public static ApiException notInExpectedStatus(Job job, JobStatus expected, Operation operation) {
    String detail =
        "did not "
            + operation.wireName()
            + " job "
            + job.id()
            + ": it is "
            + job.status()
            + ", not "
            + expected
            + " as expected_status said; nothing was done (read the job and decide again)";
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("current_status", job.status());
    props.put("allowed_statuses", List.of(expected));
    props.put("expected_status", expected);
    return new ApiException(HttpStatus.CONFLICT, "invalid_state", detail, props);
  }

  public static ApiException invalidState(String jobId, JobStatus current, Operation operation) {
    List<JobStatus> allowed = List.copyOf(operation.allowedStatuses());
    String detail =
        "cannot "
            + operation.wireName()
            + " job "
            + jobId
            + ": it is "
            + current
            + (current.isTerminal() ? " (it has ended)" : "")
            + "; "
            + operation.wireName()
            + " is allowed only in "
            + String.join(", ", allowed.stream().map(Enum::name).toList());
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("current_status", current);
    props.put("allowed_statuses", allowed);
    return new ApiException(HttpStatus.CONFLICT, "invalid_state", detail, props);
  }
}
