package dev.jobkit.sdk;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.jobkit.sdk.lifecycle.JobStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An RFC 9457 problem document, as the service returns it with every error ({@code
 * application/problem+json}).
 *
 * @param type a URI naming the kind of problem
 * @param title a short summary of the kind
 * @param status the HTTP status code
 * @param detail what went wrong in this case, in a sentence
 * @param instance the request path
 * @param code the stable machine-readable code: {@code not_found}, {@code invalid_state}, {@code
 *     validation_failed}, {@code unauthorized}, {@code forbidden}, {@code conflict}, {@code
 *     rate_limited}, {@code payload_too_large}, {@code unsupported_media_type}, {@code
 *     method_not_allowed}, {@code internal}
 * @param requestId the id the service logged the request under
 * @param currentStatus for {@code invalid_state}: the job's state
 * @param allowedStatuses for {@code invalid_state}: the states the operation is allowed in; empty
 *     for other problems (and left out of the JSON then)
 * @param errors for {@code validation_failed}: each field that is wrong and why; empty for other
 *     problems (and left out of the JSON then)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    String code,
    String requestId,
    JobStatus currentStatus,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<JobStatus> allowedStatuses,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<FieldError> errors) {

  /**
   * A problem; null lists are read as empty ones, and both are copied, so it does not change once
   * made.
   *
   * @param type a URI naming the kind of problem
   * @param title a short summary of the kind
   * @param status the HTTP status code
   * @param detail what went wrong in this case, in a sentence
   * @param instance the request path
   * @param code the stable machine-readable code ({@code not_found}, {@code validation_failed},
   *     ...)
   * @param requestId the id the service logged the request under
   * @param currentStatus for {@code invalid_state}: the job's state
   * @param allowedStatuses for {@code invalid_state}: the states the operation is allowed in
   * @param errors for {@code validation_failed}: each field that is wrong and why
   */
  public Problem {
    allowedStatuses =
        allowedStatuses == null
            ? List.of()
            : Collections.unmodifiableList(new ArrayList<>(allowedStatuses));
    errors = errors == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(errors));
  }

  /**
   * One wrong field of a request.
   *
   * @param field the field's name as sent ({@code priority}, {@code command[0]}, {@code status})
   * @param reason what is wrong with it and what would be right
   */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  public record FieldError(String field, String reason) {}
}
