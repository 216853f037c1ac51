package dev.jobkit.server.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers errors that happen before a controller is reached (a malformed URL, a failure in a
 * filter) with a problem document too, never an HTML page or a stack trace.
 */
@RestController
class ProblemErrorController implements ErrorController {

  @RequestMapping("/error")
  ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
    Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
    // Without an error dispatch (a client asking for /error itself) there is no error to report:
    // it is a path like any other that serves nothing.
    HttpStatus status =
        code == null
            ? HttpStatus.NOT_FOUND
            : code instanceof Integer c && HttpStatus.resolve(c) != null
                ? HttpStatus.resolve(c)
                : HttpStatus.INTERNAL_SERVER_ERROR;
    String detail =
        status.is4xxClientError()
            ? "the request could not be understood: " + status.getReasonPhrase().toLowerCase()
            : "the service failed to handle this request";
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
    if (uri instanceof String path) {
      problem.setInstance(java.net.URI.create(path.replace(" ", "%20")));
    }
    return ProblemHandler.render(problem, ProblemHandler.codeFor(status), request);
  }
}
