package dev.jobkit.server.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
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
    // A filter that reads the request (Spring's form reading for a PUT, PATCH or DELETE) fails
    // with what the request holds: that is the client's 4xx, as it is behind the controllers.
    if (request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable thrown) {
      PayloadTooLargeException tooLarge =
          ProblemHandler.find(thrown, PayloadTooLargeException.class);
      if (tooLarge != null) {
        return ProblemHandler.render(tooLarge.problem(), "payload_too_large", request);
      }
      if (ProblemHandler.find(thrown, InvalidParameterException.class) != null
          || ProblemHandler.find(thrown, HttpMessageNotReadableException.class) != null) {
        return ProblemHandler.render(ProblemHandler.undecodableParameters(request), request);
      }
    }
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
    // render names the path asked for as the instance.
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
    return ProblemHandler.render(problem, ProblemHandler.codeFor(status), request);
  }
}
