package dev.jobkit.server.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request an id ({@code X-Request-Id}, echoed if the client sent a sane one), in the
 * response header, the log's MDC and every problem document.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {

  static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
  static final String HEADER = "X-Request-Id";

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String id = request.getHeader(HEADER);
    if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
      id = newId();
    }
    request.setAttribute(ATTRIBUTE, id);
    response.setHeader(HEADER, id);
    MDC.put("request_id", id);
    try {
      chain.doFilter(request, response);
    } finally {
      MDC.remove("request_id");
    }
  }

  /** A new request id, for a request that came without a usable one. */
  static String newId() {
    return "req_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  @Override
  protected boolean shouldNotFilterAsyncDispatch() {
    return false;
  }
}
