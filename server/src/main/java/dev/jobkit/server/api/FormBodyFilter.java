package dev.jobkit.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.boot.servlet.filter.OrderedFormContentFilter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Spring's reading of a form body for a PUT, PATCH or DELETE (in place of Spring Boot's {@code
 * formContentFilter}), whose failures are the client's: a body that does not decode answers 400 and
 * one over the size limit 413, through {@link ProblemErrorController}, as before. Thrown on, they
 * reached Tomcat as the service's own failures, which logged each at {@code ERROR} with its stack
 * trace: a client could fill the log with them.
 */
@Component
class FormBodyFilter extends OrderedFormContentFilter {

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      super.doFilterInternal(request, response, chain);
    } catch (HttpMessageNotReadableException | PayloadTooLargeException e) {
      refuse(
          request,
          response,
          e,
          ProblemHandler.find(e, PayloadTooLargeException.class) != null
              ? HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE
              : HttpServletResponse.SC_BAD_REQUEST);
    }
  }

  /** The error dispatch to {@link ProblemErrorController}, which reads why from the request. */
  private static void refuse(
      HttpServletRequest request, HttpServletResponse response, Exception why, int status)
      throws IOException {
    if (response.isCommitted()) {
      // Past the form: the answer is under way, and what failed is not the client's body.
      if (why instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) why;
    }
    request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, why);
    response.sendError(status);
  }
}
