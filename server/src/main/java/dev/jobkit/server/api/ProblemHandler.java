package dev.jobkit.server.api;

import dev.jobkit.server.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;

/**
 * Turns every failure into an RFC 9457 problem document with a stable {@code code} and the request
 * id; a malformed request is always a 4xx naming the field and the reason.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
    return render(e, request);
  }

  static ResponseEntity<ProblemDetail> render(ApiException e, HttpServletRequest request) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    e.properties().forEach(problem::setProperty);
    ResponseEntity<ProblemDetail> answer = render(problem, e.code(), request);
    Object retryAfter = e.properties().get(ApiException.RETRY_AFTER_SECONDS);
    if (retryAfter != null) {
      return ResponseEntity.status(answer.getStatusCode())
          .headers(answer.getHeaders())
          .header(HttpHeaders.RETRY_AFTER, retryAfter.toString())
          .body(answer.getBody());
    }
    return answer;
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
    PayloadTooLargeException tooLarge = find(e, PayloadTooLargeException.class);
    if (tooLarge != null) {
      return render(tooLarge.problem(), "payload_too_large", request);
    }
    if (find(e, InvalidParameterException.class) != null) {
      return api(undecodableParameters(request), request);
    }
    java.sql.SQLException sql = find(e, java.sql.SQLException.class);
    if (sql != null && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
      // SQLSTATE class 22, "data exception": a value of the request the database cannot keep
      // (too long, a character it refuses). The request's checks are meant to catch these first,
      // naming the field; this one is logged so that the check that missed it can be added.
      log.warn(
          "request {} {} held a value the database refused; a check should have named it",
          request.getMethod(),
          request.getRequestURI(),
          e);
      return api(
          ApiException.invalid(
              "body",
              "holds a value the database cannot store (too long for its field, or a character"
                  + " it refuses)"),
          request);
    }
    log.error("request {} {} failed", request.getMethod(), request.getRequestURI(), e);
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "the service failed to handle this request; the log has the details under its request"
                + " id");
    return render(problem, "internal", request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    PayloadTooLargeException tooLarge = find(e, PayloadTooLargeException.class);
    if (tooLarge != null) {
      return cast(render(tooLarge.problem(), "payload_too_large", servlet(request)));
    }
    JacksonException jackson = find(e, JacksonException.class);
    ApiException problem =
        jackson != null
            ? fromJackson(jackson)
            : ApiException.invalid("body", "a JSON body is required");
    return cast(api(problem, servlet(request)));
  }

  @Override
  protected ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String field =
        e instanceof MethodArgumentTypeMismatchException m ? m.getName() : e.getPropertyName();
    String type = e.getRequiredType() == null ? "value" : e.getRequiredType().getSimpleName();
    return cast(
        api(
            ApiException.invalid(
                field == null ? "parameter" : field,
                "must be a " + type.toLowerCase(Locale.ROOT) + ", not '" + e.getValue() + "'"),
            servlet(request)));
  }

  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception e, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    ProblemDetail problem =
        body instanceof ProblemDetail p
            ? p
            : ProblemDetail.forStatusAndDetail(status, e.getMessage());
    ResponseEntity<ProblemDetail> rendered = render(problem, codeFor(status), servlet(request));
    HttpHeaders merged = new HttpHeaders();
    merged.putAll(headers);
    merged.putAll(rendered.getHeaders());
    return new ResponseEntity<>(rendered.getBody(), merged, status);
  }

  /**
   * Parameters Tomcat cannot decode: of the query string, or of a form body (which Spring reads for
   * a PUT, PATCH or DELETE sent as {@code application/x-www-form-urlencoded}).
   */
  static ApiException undecodableParameters(HttpServletRequest request) {
    String type = request.getContentType();
    boolean form =
        type != null
            && type.toLowerCase(Locale.ROOT)
                .startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
    return ApiException.invalid(
        form ? "body" : "query",
        "cannot be decoded: a % must be followed by two hexadecimal digits, the bytes must be"
            + " UTF-8, and every parameter needs a name");
  }

  /** The field path and reason of a JSON body that cannot be read as the expected type. */
  static ApiException fromJackson(JacksonException e) {
    String field = path(e);
    if (e instanceof UnrecognizedPropertyException u) {
      String known =
          u.getKnownPropertyIds() == null
              ? ""
              : "; known fields are "
                  + u.getKnownPropertyIds().stream()
                      .map(String::valueOf)
                      .sorted()
                      .collect(Collectors.joining(", "));
      return ApiException.invalid(
          field.isEmpty() ? u.getPropertyName() : field, "is not a known field" + known);
    }
    if (e instanceof InvalidFormatException f) {
      Class<?> target = f.getTargetType();
      String reason =
          target != null && target.isEnum()
              ? "must be one of "
                  + java.util.Arrays.stream(target.getEnumConstants())
                      .map(String::valueOf)
                      .collect(Collectors.joining(", "))
                  + ", not '"
                  + f.getValue()
                  + "'"
              : "must be " + describe(target) + ", not '" + f.getValue() + "'";
      return ApiException.invalid(field.isEmpty() ? "body" : field, reason);
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      return ApiException.invalid(field.isEmpty() ? "body" : field, v.getCause().getMessage());
    }
    if (e instanceof MismatchedInputException m) {
      String reason =
          m.getTargetType() == null
              ? "has the wrong type"
              : "must be " + describe(m.getTargetType());
      return ApiException.invalid(field.isEmpty() ? "body" : field, reason);
    }
    if (e instanceof InputCoercionException c) {
      // Valid JSON, but a number too large for its field: name the field, not the body.
      String name = field;
      if (name.isEmpty() && c.processor() != null) {
        name = c.processor().currentName();
      }
      return ApiException.invalid(
          name == null || name.isEmpty() ? "body" : name,
          "is out of range: " + c.getOriginalMessage());
    }
    if (e instanceof StreamReadException) {
      return ApiException.invalid("body", "is not valid JSON: " + e.getOriginalMessage());
    }
    return ApiException.invalid(field.isEmpty() ? "body" : field, e.getOriginalMessage());
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference ref : e.getPath()) {
      if (ref.getPropertyName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getPropertyName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a different type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (List.class.isAssignableFrom(type)) {
      return "an array";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    if (type.isRecord()) {
      return "an object";
    }
    return "a " + type.getSimpleName();
  }

  static ResponseEntity<ProblemDetail> render(
      ProblemDetail problem, String code, HttpServletRequest request) {
    problem.setProperty("code", code);
    Object requestId = request == null ? null : request.getAttribute(RequestIdFilter.ATTRIBUTE);
    if (requestId != null) {
      problem.setProperty("request_id", requestId);
    }
    if (request != null && problem.getInstance() == null) {
      // In an error dispatch (a malformed URL, a filter that failed), the path the client asked
      // for, not /error.
      Object asked = request.getAttribute(jakarta.servlet.RequestDispatcher.ERROR_REQUEST_URI);
      String path = asked instanceof String p ? p : request.getRequestURI();
      try {
        problem.setInstance(URI.create(path.replace(" ", "%20")));
      } catch (IllegalArgumentException notAUri) {
        // left out: the path is in the log under the request id
      }
    }
    if (problem.getTitle() == null) {
      HttpStatus status = HttpStatus.resolve(problem.getStatus());
      problem.setTitle(status == null ? "Error" : status.getReasonPhrase());
    }
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (problem.getStatus() == HttpStatus.UNAUTHORIZED.value()) {
      // RFC 9110: a 401 says how to authenticate.
      answer.header(HttpHeaders.WWW_AUTHENTICATE, WWW_AUTHENTICATE);
    }
    return answer.body(problem);
  }

  /** The challenge of every 401: an API key as a bearer token. */
  static final String WWW_AUTHENTICATE = "Bearer realm=\"jobkit\"";

  static String codeFor(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> "validation_failed";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 406 -> "not_acceptable";
      case 409 -> "conflict";
      case 413 -> "payload_too_large";
      case 415 -> "unsupported_media_type";
      case 429 -> "rate_limited";
      default -> status.is4xxClientError() ? "bad_request" : "internal";
    };
  }

  private static HttpServletRequest servlet(WebRequest request) {
    return request instanceof NativeWebRequest n
        ? n.getNativeRequest(HttpServletRequest.class)
        : (HttpServletRequest)
            request.getAttribute(
                "org.springframework.web.context.request.NativeWebRequest",
                RequestAttributes.SCOPE_REQUEST);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static ResponseEntity<Object> cast(ResponseEntity<ProblemDetail> entity) {
    return (ResponseEntity) entity;
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }
}
