package dev.jobkit.server.api;

import dev.jobkit.sdk.Problem.FieldError;
import dev.jobkit.server.ApiException;
import dev.jobkit.server.store.StoredText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses, with 400 naming the parameter, any query parameter holding text the database cannot
 * compare with (NUL, which PostgreSQL refuses in every text value): a filter such as {@code
 * name=%00} would otherwise fail the query on PostgreSQL while H2 answered it. A query string that
 * does not decode at all is refused here too.
 */
@Component
class ParameterTextInterceptor implements HandlerInterceptor {

  @Override
  public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object h) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, String[]> parameters;
    try {
      parameters = request.getParameterMap();
    } catch (IllegalStateException undecodable) { // Tomcat's InvalidParameterException
      throw ProblemHandler.undecodableParameters(request);
    }
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      StoredText.unstorable(name)
          .ifPresent(reason -> errors.add(new FieldError("parameter name", reason)));
      for (String value : parameter.getValue()) {
        StoredText.unstorable(value).ifPresent(reason -> errors.add(new FieldError(name, reason)));
      }
    }
    if (!errors.isEmpty()) {
      throw ApiException.invalid(errors);
    }
    return true;
  }
}
