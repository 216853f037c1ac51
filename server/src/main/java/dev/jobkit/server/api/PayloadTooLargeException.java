package dev.jobkit.server.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** A request body over the limit, found while it was being read. */
class PayloadTooLargeException extends java.io.IOException {

  private final long limit;

  PayloadTooLargeException(long limit) {
    super("the request body is larger than " + limit + " bytes");
    this.limit = limit;
  }

  ProblemDetail problem() {
    return ProblemDetail.forStatusAndDetail(
        HttpStatus.CONTENT_TOO_LARGE,
        "the request body is larger than the limit of " + limit + " bytes");
  }
}
