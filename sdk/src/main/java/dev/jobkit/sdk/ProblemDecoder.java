package dev.jobkit.sdk;

import feign.Response;
import feign.codec.ErrorDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The one place HTTP error answers become SDK exceptions. */
final class ProblemDecoder implements ErrorDecoder {

  private static final int MAX_BODY = 256 * 1024;
  private final JsonMapper json;

  public ProblemDecoder(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Exception decode(String methodKey, Response response) {
    int status = response.status();
    JsonNode document = readDocument(response);
    Problem problem = document == null ? null : asProblem(document);
    String requestId = header(response, "X-Request-Id");
    if (problem == null) {
      problem = new Problem(null, null, status, null, null, null, requestId, null, null, null);
    }
    String owner = document == null ? null : text(document, "owner_worker_id");
    return toException(status, problem, requestId, header(response, "Retry-After"), owner);
  }

  /** The exception for a status and problem, by the problem's code first, else by status. */
  public static JobkitApiException toException(
      int status, Problem problem, String requestId, String retryAfter) {
    return toException(status, problem, requestId, retryAfter, null);
  }

  /**
   * The exception for a status and problem, by the problem's code first, else by status; {@code
   * ownerWorkerId} is the problem's {@code owner_worker_id} (a member only that problem has, read
   * apart so that {@link Problem} keeps the members every problem shares).
   */
  static JobkitApiException toException(
      int status, Problem problem, String requestId, String retryAfter, String ownerWorkerId) {
    String code = problem.code() == null ? "" : problem.code();
    if (code.equals("invalid_state") || (status == 409 && problem.currentStatus() != null)) {
      return new InvalidStateException(status, problem, requestId);
    }
    if (code.equals("not_claim_owner")) {
      return new NotClaimOwnerException(status, problem, requestId, ownerWorkerId);
    }
    if (code.equals("worker_expired")) {
      return new WorkerExpiredException(status, problem, requestId);
    }
    return switch (status) {
      case 400, 413, 415, 422 -> new ValidationException(status, problem, requestId);
      case 401 -> new AuthenticationException(status, problem, requestId);
      case 403 -> new ForbiddenException(status, problem, requestId);
      case 404 -> new NotFoundException(status, problem, requestId);
      case 409 -> new ConflictException(status, problem, requestId);
      case 410 ->
          code.equals("results_expired")
              ? new ResultsExpiredException(status, problem, requestId, null)
              : new JobkitApiException(status, problem, requestId);
      case 429 -> new RateLimitedException(status, problem, requestId, retryAfter(retryAfter));
      default ->
          status >= 500
              ? new ServerException(status, problem, requestId)
              : new JobkitApiException(status, problem, requestId);
    };
  }

  private JsonNode readDocument(Response response) {
    if (response.body() == null) {
      return null;
    }
    try (InputStream in = response.body().asInputStream()) {
      byte[] bytes = in.readNBytes(MAX_BODY);
      if (bytes.length == 0) {
        return null;
      }
      JsonNode document = json.readTree(bytes);
      return document.isObject() ? document : null;
    } catch (IOException | JacksonException notAProblem) {
      return null; // a proxy's HTML page, say: the status alone must do
    }
  }

  private Problem asProblem(JsonNode document) {
    try {
      return json.treeToValue(document, Problem.class);
    } catch (JacksonException notAProblem) {
      return null;
    }
  }

  private static String text(JsonNode document, String member) {
    JsonNode value = document.get(member);
    return value != null && value.isString() ? value.asString() : null;
  }

  private static String header(Response response, String name) {
    for (var e : response.headers().entrySet()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        Collection<String> values = e.getValue();
        return values.isEmpty() ? null : values.iterator().next();
      }
    }
    return null;
  }

  /** {@code Retry-After} as seconds or as an HTTP date. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException neither) {
        return null;
      }
    }
  }
}
