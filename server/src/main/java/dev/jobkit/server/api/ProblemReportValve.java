package dev.jobkit.server.api;

import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's error page, as a problem document: answers the requests Tomcat refuses before the
 * application sees them (an encoded {@code /} or NUL in the path, a request line or header over the
 * size limit) and any error answer that would otherwise go out with an empty body, in place of
 * Tomcat's HTML page.
 */
class ProblemReportValve extends ErrorReportValve {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || response.isCommitted()) {
      return;
    }
    // An error Tomcat itself raised is reported once; an empty error answer of the application
    // (an unknown health group's 404) was never marked as an error, and is filled in here.
    if (response.isError() && !response.setErrorReported()) {
      return;
    }
    AtomicBoolean ioAllowed = new AtomicBoolean();
    response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
    if (!ioAllowed.get()) {
      return;
    }
    HttpStatus known = HttpStatus.resolve(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("detail", detail(status, known));
    String uri = request.getRequestURI();
    if (uri != null && !uri.isEmpty() && uri.length() <= 2000) {
      problem.put("instance", uri);
    }
    problem.put("status", status);
    problem.put("title", known == null ? "Error" : known.getReasonPhrase());
    problem.put("code", known == null ? "bad_request" : ProblemHandler.codeFor(known));
    String requestId = RequestIdFilter.newId();
    problem.put("request_id", requestId);
    try {
      response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
      response.setCharacterEncoding("UTF-8");
      response.setHeader(RequestIdFilter.HEADER, requestId);
      if (status == HttpStatus.UNAUTHORIZED.value()) {
        response.setHeader("WWW-Authenticate", ProblemHandler.WWW_AUTHENTICATE);
      }
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write(JSON.writeValueAsString(problem));
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException unwritable) {
      // The client has gone, or the answer went out meanwhile: there is nobody left to tell.
    }
  }

  private static String detail(int status, HttpStatus known) {
    if (status == 400) {
      // What Tomcat refuses on its own; its own message is not shown (it can echo the request).
      return "the request could not be read: its path holds an encoded '/' (%2F), '\\' (%5C) or"
          + " NUL (%00), or its request line or headers are over the size limit, or it is"
          + " otherwise malformed";
    }
    if (status == 404) {
      return "nothing here: no such path, or no such item at it";
    }
    return known != null && known.is4xxClientError()
        ? "the request could not be served: " + known.getReasonPhrase().toLowerCase(Locale.ROOT)
        : "the service failed to handle this request";
  }
}
