package dev.jobkit.server.api;

import dev.jobkit.server.JobkitProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses request bodies over {@code jobkit.api.max-request-size} with 413: at once when the
 * declared length is too large, while reading when a chunked body grows past it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestSizeFilter extends OncePerRequestFilter {

  private final long defaultLimit;
  private final long uploadLimit;
  private final JsonMapper json;

  RequestSizeFilter(JobkitProperties properties, JsonMapper json) {
    this.defaultLimit = properties.api().maxRequestSize().toBytes();
    this.uploadLimit = properties.datasets().maxSize().toBytes();
    this.json = json;
  }

  /**
   * A dataset upload, and a result file a worker stores, have the limit of uploads ({@code
   * jobkit.datasets.max-size}).
   */
  private long limit(HttpServletRequest request) {
    String path = request.getRequestURI();
    boolean upload =
        "POST".equals(request.getMethod()) && "/api/v1/datasets".equals(path)
            || "PUT".equals(request.getMethod())
                && path.startsWith("/api/v1/internal/jobs/")
                && path.contains("/results/");
    return upload ? uploadLimit : defaultLimit;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    long limit = limit(request);
    if (request.getContentLengthLong() > limit) {
      var rendered =
          ProblemHandler.render(
              new PayloadTooLargeException(limit).problem(), "payload_too_large", request);
      response.setStatus(413);
      response.setContentType("application/problem+json");
      // The body is not read: the connection is closed after the answer.
      response.setHeader("Connection", "close");
      json.writeValue(response.getOutputStream(), rendered.getBody());
      return;
    }
    chain.doFilter(new Limited(request, limit), response);
  }

  private static final class Limited extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Limited(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
      if (stream == null) {
        ServletInputStream in = super.getInputStream();
        stream =
            new ServletInputStream() {
              private long count;

              @Override
              public int read() throws IOException {
                int b = in.read();
                if (b >= 0 && ++count > limit) {
                  throw new PayloadTooLargeException(limit);
                }
                return b;
              }

              @Override
              public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = in.read(buffer, offset, length);
                if (n > 0 && (count += n) > limit) {
                  throw new PayloadTooLargeException(limit);
                }
                return n;
              }

              @Override
              public boolean isFinished() {
                return in.isFinished();
              }

              @Override
              public boolean isReady() {
                return in.isReady();
              }

              @Override
              public void setReadListener(ReadListener listener) {
                in.setReadListener(listener);
              }
            };
      }
      return stream;
    }
  }
}
