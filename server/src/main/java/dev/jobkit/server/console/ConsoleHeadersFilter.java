package dev.jobkit.server.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the web console's security headers on its responses ({@code /}, {@code /index.html}, the web
 * terminal's page {@code /terminal} and {@code /terminal.html}, everything under {@code /console/},
 * and the libraries under {@code /webjars/}): a Content-Security-Policy that allows scripts, styles
 * and connections from the service itself only (no inline script or style, no framing, no other
 * origin), {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}, and
 * {@code Cache-Control: no-cache} so a browser revalidates the files after the service is upgraded.
 * The API's responses are left as they were.
 */
@Component
class ConsoleHeadersFilter extends OncePerRequestFilter {

  /** The console's Content-Security-Policy; docs/console.md explains each directive. */
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; "
          + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    return !isConsolePath(pathOf(request));
  }

  /** Whether {@code path} (without the context path) is one of the console's files. */
  static boolean isConsolePath(String path) {
    return path.equals("/")
        || path.equals("/index.html")
        || path.equals("/terminal")
        || path.equals("/terminal.html")
        || path.startsWith("/console/")
        || path.startsWith("/webjars/");
  }

  private static String pathOf(HttpServletRequest request) {
    String uri = request.getRequestURI();
    String context = request.getContextPath();
    return context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cache-Control", "no-cache");
    chain.doFilter(request, response);
  }
}
